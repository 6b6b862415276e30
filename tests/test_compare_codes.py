"""Each of the 17 finding codes (FORMATS.md §3): when it fires and, as important, when it must not.

A small county is built through the real services; partner files are CSV read by the real reader;
the baseline partner data agrees with the register completely and yields no finding at all, so
each test changes one thing and asserts exactly which findings appear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from bianzhi.lib.idnumbers import make_credit_code, make_id
from tests.builders.compare import partner_csv
from tests.builders.registry import make_document, make_person, make_slip, make_unit
from units import services
from units.choices import Funding, Nature
from verification.compare.data import FINANCE, ORG, SI, Register, RegUnit
from verification.compare.engine import CODES, compare
from verification.compare.sources import read_partner
from verification.findings.register import load_register

CC_A = make_credit_code(101)


def _id_with_x(birth: dt.date) -> str:
    return next(n for seq in range(500) if (n := make_id("621125", birth, seq))[-1] == "X")


def _to15(number: str) -> str:
    return number[:6] + number[8:17]


@dataclass
class County:
    region: object
    a: object
    a_division: object
    b: object
    c: object
    p1: object
    p2: object
    p3: object
    p4: object
    p5: object

    def org(self) -> list[dict]:
        return [
            _row(self.p1, 人员类别="公务员", 领导职务="单位正职"),
            _row(self.p2, 人员类别="公务员"),
            _row(self.p5, 人员类别="公务员", 领导职务="无"),
        ]

    def finance(self) -> list[dict]:
        return [_row(p) for p in (self.p1, self.p2, self.p3, self.p5)]

    def si(self) -> list[dict]:
        return [
            _row(p, 参保状态="参保缴费", unit_column="参保单位名称")
            for p in (self.p1, self.p2, self.p3, self.p4, self.p5)
        ]


def _row(person, unit_column: str = "单位名称", **extra) -> dict:
    return {"姓名": person.name, "公民身份号码": person.id_number, unit_column: person.unit.name, **extra}


@pytest.fixture
def county(region) -> County:
    doc = make_document(region)
    a = make_unit(
        region,
        "漳县财政局",
        quotas={"行政编制": 5},
        posts={"单位正职": 1, "单位副职": 1, "内设机构领导": 1},
        credit_code=CC_A,
        aliases=["县财政局"],
        document=doc,
    )
    a_division = make_unit(region, "国库股", nature=Nature.DIVISION, parent=a, document=doc)
    make_unit(region, "办公室", nature=Nature.DIVISION, parent=a, document=doc)
    b = make_unit(
        region,
        "漳县疾病预防控制中心",
        nature=Nature.PUBLIC_INSTITUTION,
        quotas={"事业编制": 8},
        posts={"单位正职": 1},
        document=doc,
    )
    make_unit(region, "办公室", nature=Nature.DIVISION, parent=b, document=doc)
    c = make_unit(
        region,
        "漳县自来水供应站",
        nature=Nature.PUBLIC_INSTITUTION,
        funding=Funding.SELF,
        quotas={"事业编制": 3},
        document=doc,
    )
    make_unit(region, "漳县城市管理局", aliases=["城管局"], document=doc)
    make_unit(region, "漳县综合行政执法局", aliases=["城管局"], document=doc)
    p1 = make_person(a, name="张三", leader_post="单位正职")
    p2 = make_person(a, name="欧阳·娜娜", sex="女")
    p3 = make_person(b, name="李四", birth=dt.date(1975, 3, 8))
    p4 = make_person(c, name="王五")
    p5 = make_person(a, name="赵六", id_number=_id_with_x(dt.date(1988, 2, 2)))
    return County(region, a, a_division, b, c, p1, p2, p3, p4, p5)


def run(county: County, *, org=None, finance=None, si=None, cutoff=None, **_):
    sources = {}
    for source, rows in ((ORG, org), (FINANCE, finance), (SI, si)):
        if rows is not None:
            read = read_partner(partner_csv(source, rows), source, filename=f"{source}.csv")
            assert not read.errors, read.errors
            sources[source] = read.rows
    return compare(load_register(region=county.region, cutoff=cutoff), sources).findings


def keyed(findings) -> set[tuple[str, str, str]]:
    """(code, source, ID or unit or category) of each finding."""
    return {(f.code, f.source, f.id_number or f.category or f.unit_name) for f in findings}


def full(county: County, **changes):
    data = {"org": county.org(), "finance": county.finance(), "si": county.si()}
    data.update(changes)
    return run(county, **data)


def test_agreeing_data_yields_no_finding(county):
    assert full(county) == []


def test_code_texts_are_the_contract():
    assert len(CODES) == 17
    assert CODES["REG_NOT_IN_FIN"] == "实名制在编、财政供养名单无"
    assert CODES["SI_NOT_IN_REG"] == "参保在缴、实名制无"
    assert CODES["UNIT_UNKNOWN"] == "单位未在实名制中"


# ---- finance -----------------------------------------------------------------------------------------


def test_reg_not_in_fin_fires_for_funded_unit_staff_absent(county):
    finance = [r for r in county.finance() if r["姓名"] != "李四"]
    assert keyed(full(county, finance=finance)) == {("REG_NOT_IN_FIN", FINANCE, county.p3.id_number)}


def test_reg_not_in_fin_not_for_self_financed_unit(county):
    assert county.p4.id_number not in {
        f.id_number for f in full(county)
    }  # 自收自支 staff are not in finance data


def test_no_finance_codes_without_finance_source(county):
    assert run(county, org=county.org()) == []


def test_fin_not_in_reg(county):
    stranger = make_id("621125", dt.date(1991, 1, 1), 7)
    finance = county.finance() + [{"姓名": "陌生人", "公民身份号码": stranger, "单位名称": "漳县财政局"}]
    findings = full(county, finance=finance)
    assert keyed(findings) == {("FIN_NOT_IN_REG", FINANCE, stranger)}
    assert findings[0].unit_name == "漳县财政局" and findings[0].person_name == "陌生人"


def test_fin_not_in_reg_not_for_self_financed_staff_listed(county):
    finance = county.finance() + [_row(county.p4)]
    assert full(county, finance=finance) == []


def test_fin_not_in_reg_for_person_who_left_but_not_at_earlier_cutoff(county):
    services.person_leave(person=county.p3, left_on=dt.date(2022, 6, 30), leave_reason="退休", actor=None)
    finance = county.finance()
    assert keyed(full(county, finance=finance)) == {
        ("FIN_NOT_IN_REG", FINANCE, county.p3.id_number),
        ("SI_NOT_IN_REG", SI, county.p3.id_number),
    }
    data = {"org": county.org(), "finance": finance, "si": county.si()}
    assert run(county, cutoff=dt.date(2021, 12, 31), **data) == []


def test_fin_unit_mismatch(county):
    finance = county.finance()
    finance[1]["单位名称"] = "漳县疾病预防控制中心"
    assert keyed(full(county, finance=finance)) == {("FIN_UNIT_MISMATCH", FINANCE, county.p2.id_number)}


def test_fin_unit_mismatch_when_unit_unmatched_also_unit_unknown(county):
    finance = county.finance()
    finance[1]["单位名称"] = "不存在的局"
    assert keyed(full(county, finance=finance)) == {
        ("FIN_UNIT_MISMATCH", FINANCE, county.p2.id_number),
        ("UNIT_UNKNOWN", FINANCE, "不存在的局"),
    }


@pytest.mark.parametrize(
    "unit, credit",
    [
        ("县财政局", ""),  # alias
        ("财政局（旧名称）", CC_A),  # credit code first
        ("漳县财政局", make_credit_code(999)),  # a credit code matching nothing falls through to the name
        ("国库股", ""),  # an internal division counts for its 法人 parent
        ("漳县\u3000财政局 ", ""),  # spaces and full-width spaces are noise
    ],
)
def test_units_given_by_alias_credit_code_or_division_match(county, unit, credit):
    finance = county.finance()
    finance[1].update({"单位名称": unit, "统一社会信用代码": credit})
    assert full(county, finance=finance) == []


# ---- organisation department --------------------------------------------------------------------------


def test_reg_not_in_org_for_civil_servant_absent(county):
    org = [r for r in county.org() if r["姓名"] != "欧阳·娜娜"]
    assert keyed(full(county, org=org)) == {("REG_NOT_IN_ORG", ORG, county.p2.id_number)}


def test_reg_not_in_org_for_leader_of_public_institution(county):
    leader = make_person(county.b, name="钱七", leader_post="单位正职")
    data = {
        "finance": county.finance() + [_row(leader)],
        "si": county.si() + [_row(leader, "参保单位名称", 参保状态="参保缴费")],
    }
    assert keyed(full(county, **data)) == {("REG_NOT_IN_ORG", ORG, leader.id_number)}


def test_reg_not_in_org_not_for_professional_staff(county):
    assert county.p3.id_number not in {f.id_number for f in full(county)}


def test_org_not_in_reg(county):
    stranger = make_id("621125", dt.date(1980, 1, 1), 9)
    org = county.org() + [
        {"姓名": "外人", "公民身份号码": stranger, "单位名称": "漳县财政局", "人员类别": "公务员"}
    ]
    assert keyed(full(county, org=org)) == {("ORG_NOT_IN_REG", ORG, stranger)}


def test_org_unit_mismatch(county):
    org = county.org()
    org[0]["单位名称"] = "漳县疾病预防控制中心"
    assert keyed(full(county, org=org)) == {("ORG_UNIT_MISMATCH", ORG, county.p1.id_number)}


def test_leader_post_mismatch(county):
    org = county.org()
    org[0]["领导职务"] = "单位副职"
    assert keyed(full(county, org=org)) == {("LEADER_POST_MISMATCH", ORG, county.p1.id_number)}


def test_empty_leader_post_means_none(county):
    org = county.org()
    org[2]["领导职务"] = ""
    assert full(county, org=org) == []


def test_category_mismatch(county):
    org = county.org()
    org[1]["人员类别"] = "事业人员"
    assert keyed(full(county, org=org)) == {("CATEGORY_MISMATCH", ORG, county.p2.id_number)}


@pytest.mark.parametrize("category, fires", [("其他", False), ("事业人员", False), ("公务员", True)])
def test_category_mapping_for_professional_staff(county, category, fires):
    org = county.org() + [_row(county.p3, 人员类别=category)]
    expected = {("CATEGORY_MISMATCH", ORG, county.p3.id_number)} if fires else set()
    assert keyed(full(county, org=org)) == expected


# ---- social insurance ---------------------------------------------------------------------------------


def test_reg_not_in_si_when_absent(county):
    si = [r for r in county.si() if r["姓名"] != "王五"]
    assert keyed(full(county, si=si)) == {("REG_NOT_IN_SI", SI, county.p4.id_number)}


def test_reg_not_in_si_when_suspended(county):
    si = county.si()
    si[3]["参保状态"] = "暂停缴费"
    findings = full(county, si=si)
    assert keyed(findings) == {("REG_NOT_IN_SI", SI, county.p4.id_number)}
    assert "暂停缴费" in findings[0].note


def test_si_history_at_former_unit_is_normal(county):
    si = county.si() + [
        _row(county.p4, "参保单位名称", 参保状态="终止参保") | {"参保单位名称": "漳县疾病预防控制中心"}
    ]
    si.insert(0, si.pop())  # the old row first
    assert full(county, si=si) == []


def test_si_not_in_reg_only_when_paying(county):
    stranger = make_id("621125", dt.date(1970, 1, 1), 11)
    row = {"姓名": "路人", "公民身份号码": stranger, "参保单位名称": "漳县财政局"}
    assert keyed(full(county, si=county.si() + [row | {"参保状态": "参保缴费"}])) == {
        ("SI_NOT_IN_REG", SI, stranger)
    }
    assert full(county, si=county.si() + [row | {"参保状态": "暂停缴费"}]) == []
    assert full(county, si=county.si() + [row | {"参保状态": "终止参保"}]) == []


def test_si_unit_mismatch(county):
    si = county.si()
    si[3]["参保单位名称"] = "漳县财政局"
    assert keyed(full(county, si=si)) == {("SI_UNIT_MISMATCH", SI, county.p4.id_number)}


def test_si_unit_mismatch_not_for_terminated_row_elsewhere(county):
    si = county.si()
    si[3].update({"参保单位名称": "漳县财政局", "参保状态": "终止参保"})
    assert keyed(full(county, si=si)) == {("REG_NOT_IN_SI", SI, county.p4.id_number)}


# ---- names and ID numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["欧阳•娜娜", "欧阳．娜娜", "欧阳・娜娜", "欧 阳·娜娜", "欧阳\u3000·娜娜", " 欧阳·娜娜\u3000"]
)
def test_name_noise_is_not_a_mismatch(county, written):
    finance = county.finance()
    finance[1]["姓名"] = written
    assert full(county, finance=finance) == []


@pytest.mark.parametrize("written", ["欧阳娜娜", "欧阳.娜娜", "欧阳·娜"])
def test_name_mismatch(county, written):
    finance = county.finance()
    finance[1]["姓名"] = written
    findings = full(county, finance=finance)
    assert keyed(findings) == {("NAME_MISMATCH", FINANCE, county.p2.id_number)}


def test_name_mismatch_once_per_source(county):
    org, si = county.org(), county.si()
    org[0]["姓名"] = si[0]["姓名"] = "张叁"
    assert keyed(full(county, org=org, si=si)) == {
        ("NAME_MISMATCH", ORG, county.p1.id_number),
        ("NAME_MISMATCH", SI, county.p1.id_number),
    }


@pytest.mark.parametrize("form", ["lower_x", "fifteen", "fullwidth", "spaces"])
def test_id_forms_of_the_same_person(county, form):
    finance = county.finance()
    p3, p5 = finance[2], finance[3]
    if form == "lower_x":
        p5["公民身份号码"] = p5["公民身份号码"].lower()
    elif form == "fifteen":
        p3["公民身份号码"] = _to15(p3["公民身份号码"])
    elif form == "fullwidth":
        p3["公民身份号码"] = "".join(chr(ord(c) + 0xFEE0) for c in p3["公民身份号码"])
    else:
        p3["公民身份号码"] = f" {p3['公民身份号码']}\u3000"
    assert full(county, finance=finance) == []


@pytest.mark.parametrize("bad", ["62112519750308001", "621125197503080019X", "62112519751308001X", "", "abc"])
def test_invalid_id(county, bad):
    finance = county.finance() + [{"姓名": "某人", "公民身份号码": bad, "单位名称": "漳县财政局"}]
    findings = [f for f in full(county, finance=finance) if f.code == "INVALID_ID"]
    assert len(findings) == 1 and findings[0].id_number == bad and findings[0].source == FINANCE


def test_invalid_check_character(county):
    number = county.p3.id_number
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    finance = county.finance()
    finance[2]["公民身份号码"] = wrong
    assert keyed(full(county, finance=finance)) == {
        ("INVALID_ID", FINANCE, wrong),
        ("REG_NOT_IN_FIN", FINANCE, county.p3.id_number),
    }


def test_duplicate_id_in_org_once_per_id(county):
    org = county.org() + [county.org()[1], county.org()[1]]
    findings = full(county, org=org)
    assert keyed(findings) == {("DUPLICATE_ID", ORG, county.p2.id_number)}
    assert "3个行" in findings[0].note


def test_duplicate_id_18_and_15_digit_forms(county):
    finance = county.finance() + [_row(county.p3) | {"公民身份号码": _to15(county.p3.id_number)}]
    assert keyed(full(county, finance=finance)) == {("DUPLICATE_ID", FINANCE, county.p3.id_number)}


def test_duplicate_id_in_si_only_for_two_paying_rows(county):
    si = county.si() + [_row(county.p4, "参保单位名称", 参保状态="暂停缴费")]
    assert full(county, si=si) == []
    si = county.si() + [_row(county.p4, "参保单位名称", 参保状态="参保缴费")]
    assert keyed(full(county, si=si)) == {("DUPLICATE_ID", SI, county.p4.id_number)}


# ---- units -------------------------------------------------------------------------------------------


def test_over_quota(county):
    services.quota_set(
        unit=county.a,
        establishment_type="行政编制",
        approved=3,
        document=make_document(county.region),
        actor=None,
    )
    assert full(county) == []  # three people on three slots
    services.quota_set(
        unit=county.a,
        establishment_type="行政编制",
        approved=2,
        document=make_document(county.region),
        actor=None,
    )
    findings = full(county)
    assert keyed(findings) == {("OVER_QUOTA", "register", "行政编制")}
    assert (
        findings[0].unit_name == "漳县财政局"
        and findings[0].id_number == ""
        and findings[0].person_name == ""
    )


def test_over_leader_posts(county):
    doc = make_document(county.region)
    services.leader_posts_set(unit=county.a, category="单位正职", approved=0, document=doc, actor=None)
    assert keyed(full(county)) == {("OVER_LEADER_POSTS", "register", "单位正职")}


def test_division_leaders_count_chief_and_deputy_together():
    units = {1: RegUnit(1, "甲局", "行政机关", "全额拨款")}
    people = {
        "a": ("甲", 1, "行政编制", "公务员", "内设机构正职", False),
        "b": ("乙", 1, "行政编制", "公务员", "内设机构副职", False),
    }
    register = Register(
        units=units, people=people, quotas={(1, "行政编制"): (5, 0)}, posts={(1, "内设机构领导"): 2}
    )
    assert compare(register, {}).findings == []
    register.posts[(1, "内设机构领导")] = 1
    assert keyed(compare(register, {}).findings) == {("OVER_LEADER_POSTS", "register", "内设机构领导")}


def test_unit_unknown_once_per_source_and_name(county):
    extra = [
        {"姓名": "甲", "公民身份号码": make_id("621125", dt.date(1990, 1, 1), 30 + i), "单位名称": "外县某局"}
        for i in range(3)
    ]
    findings = [f for f in full(county, finance=county.finance() + extra) if f.code == "UNIT_UNKNOWN"]
    assert len(findings) == 1 and findings[0].unit_name == "外县某局" and "3行" in findings[0].note


@pytest.mark.parametrize("name", ["城管局", "办公室"])  # an alias of two units; a division name in two units
def test_ambiguous_unit_name_matches_none(county, name):
    finance = county.finance()
    finance[1]["单位名称"] = name
    assert keyed(full(county, finance=finance)) == {
        ("UNIT_UNKNOWN", FINANCE, name),
        ("FIN_UNIT_MISMATCH", FINANCE, county.p2.id_number),
    }


def test_unit_unknown_counts_rows_with_invalid_ids(county):
    finance = county.finance() + [{"姓名": "某", "公民身份号码": "123", "单位名称": "外县某局"}]
    assert {f.code for f in full(county, finance=finance)} == {"INVALID_ID", "UNIT_UNKNOWN"}


def test_transfer_after_cutoff_is_rolled_back(county):
    services.person_transfer(
        person=county.p2,
        to_unit=county.b,
        establishment_type="事业编制",
        occurred_on=dt.date(2023, 3, 1),
        actor=None,
        category="管理人员",
        slip=make_slip(county.b, "事业编制"),
    )
    finance = county.finance()  # p2 still listed at 财政局
    assert keyed(full(county, finance=finance, org=None)) >= {
        ("FIN_UNIT_MISMATCH", FINANCE, county.p2.id_number)
    }
    assert run(county, finance=finance, cutoff=dt.date(2022, 12, 31)) == []


def test_the_engine_spells_the_register_words_as_the_registry_does():
    """compare/ reads no database and imports nothing from units: its words must agree with units.choices."""
    from units.choices import ALLOWED_TYPES, Nature
    from verification.compare import data

    assert (data.ORGAN, data.CIVIL_PI, data.PUBLIC_INSTITUTION, data.DIVISION) == (
        Nature.ORGAN,
        Nature.CIVIL_PI,
        Nature.PUBLIC_INSTITUTION,
        Nature.DIVISION,
    )
    assert data.ANNEX_TYPES == {n: tuple(ALLOWED_TYPES[n]) for n in data.ANNEX_TYPES}
