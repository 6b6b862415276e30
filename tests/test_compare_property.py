"""Hypothesis: the findings do not depend on noise FORMATS.md says to ignore, nor on row order; moving
one person to another unit in one source yields exactly that source's mismatch code for that person.

The register is built in memory (the engine takes plain structures); partner files go through the
real reader as CSV, so header aliases, header order, blank rows and cell noise are all exercised.
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bianzhi.lib.idnumbers import make_credit_code, make_id
from tests.builders.compare import partner_csv
from verification.compare.data import FINANCE, ORG, SI, Register, RegUnit
from verification.compare.engine import compare
from verification.compare.sources import COLUMNS, read_partner

UNITS = {
    1: RegUnit(1, "漳县财政局", "行政机关", "全额拨款", make_credit_code(1)),
    2: RegUnit(2, "漳县教育局", "行政机关", "全额拨款", make_credit_code(2)),
    3: RegUnit(3, "漳县人民医院", "事业单位", "差额补贴", make_credit_code(3)),
    4: RegUnit(4, "漳县供水站", "事业单位", "自收自支", ""),
    5: RegUnit(5, "办公室", "内设机构", parent_id=1),
}
ALIASES = [(1, "县财政局"), (3, "县医院")]
UNIT_FOR_SOURCE = {
    1: ["漳县财政局", "县财政局", "办公室"],
    2: ["漳县教育局"],
    3: ["漳县人民医院", "县医院"],
    4: ["漳县供水站"],
}
NAMES = ["张三", "李四", "欧阳·娜娜", "阿依古丽·买买提", "王五", "马·阿不都", "赵六"]
CATEGORY = {1: "公务员", 2: "公务员", 3: "专业技术人员", 4: "工勤技能人员"}
TYPE = {1: "行政编制", 2: "行政编制", 3: "事业编制", 4: "事业编制"}
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

person_st = st.fixed_dictionaries(
    {
        "unit": st.sampled_from([1, 2, 3, 4]),
        "name": st.sampled_from(NAMES),
        "post": st.sampled_from(["无", "无", "单位正职", "单位副职"]),
        "in_register": st.booleans(),
        "org": st.sampled_from([None, "same", "other_unit", "other_category"]),
        "finance": st.sampled_from([None, "same", "other_unit"]),
        "si": st.sampled_from([None, "参保缴费", "暂停缴费", "终止参保", "history"]),
        "birth": st.dates(dt.date(1940, 1, 1), dt.date(1999, 12, 31)),
    }
)
county_st = st.lists(person_st, min_size=1, max_size=25)


def build(people: list[dict]) -> tuple[Register, dict[str, list[dict]]]:
    register = Register(
        units=dict(UNITS),
        people={},
        aliases=list(ALIASES),
        quotas={(u, TYPE[u]): (3, 0) for u in TYPE},
        posts={(1, "单位正职"): 1},
    )
    rows: dict[str, list[dict]] = {ORG: [], FINANCE: [], SI: []}
    for seq, p in enumerate(people):
        number = make_id("621125", p["birth"], seq)
        unit, other = p["unit"], p["unit"] % 4 + 1
        if p["in_register"]:
            register.people[number] = (p["name"], unit, TYPE[unit], CATEGORY[unit], p["post"], False)
        base = {"姓名": p["name"], "公民身份号码": number}
        unit_name = UNIT_FOR_SOURCE[unit][seq % len(UNIT_FOR_SOURCE[unit])]
        if p["org"]:
            category = {"公务员": "公务员"}.get(CATEGORY[unit], "事业人员")
            rows[ORG].append(
                base
                | {
                    "单位名称": UNIT_FOR_SOURCE[other][0] if p["org"] == "other_unit" else unit_name,
                    "人员类别": "其他" if p["org"] == "other_category" and category == "公务员" else category,
                    "领导职务": "" if p["post"] == "无" else p["post"],
                }
            )
        if p["finance"]:
            rows[FINANCE].append(
                base | {"单位名称": UNIT_FOR_SOURCE[other][0] if p["finance"] == "other_unit" else unit_name}
            )
        if p["si"] == "history":
            rows[SI].append(base | {"参保单位名称": UNIT_FOR_SOURCE[other][0], "参保状态": "终止参保"})
            rows[SI].append(base | {"参保单位名称": unit_name, "参保状态": "参保缴费"})
        elif p["si"]:
            rows[SI].append(base | {"参保单位名称": unit_name, "参保状态": p["si"]})
    rows[FINANCE].append({"姓名": "无效号", "公民身份号码": "62112519990230001X", "单位名称": "外县单位"})
    return register, rows


def findings(
    register: Register, rows: dict[str, list[dict]], headers: dict[str, list[str]] | None = None
) -> set:
    sources = {}
    for source, data in rows.items():
        columns = (headers or {}).get(source)
        read = read_partner(partner_csv(source, data, columns), source, filename=f"{source}.csv")
        assert not read.errors, read.errors
        sources[source] = read.rows
    return {f.key for f in compare(register, sources).findings}


# ---- noise --------------------------------------------------------------------------------------------

DOTS = "·•．・"


def noisy_name(name: str, rnd: random.Random) -> str:
    name = "".join(rnd.choice(DOTS) if c == "·" else c for c in name)
    if len(name) > 1 and rnd.random() < 0.5:
        i = rnd.randrange(1, len(name))
        name = name[:i] + rnd.choice([" ", "\u3000", "  "]) + name[i:]
    return rnd.choice(["", " ", "\u3000"]) + name + rnd.choice(["", " ", "\u3000"])


def noisy_id(number: str, rnd: random.Random) -> str:
    if number.endswith("X") and rnd.random() < 0.7:
        number = number[:17] + "x"
    elif number[6:8] == "19" and rnd.random() < 0.5:
        number = number[:6] + number[8:17]  # the 15-digit legacy form
    if rnd.random() < 0.2:
        number = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    return rnd.choice(["", " ", "\u3000"]) + number + rnd.choice(["", " "])


def add_noise(
    rows: dict[str, list[dict]], rnd: random.Random
) -> tuple[dict[str, list[dict]], dict[str, list[str]]]:
    noisy: dict[str, list[dict]] = {}
    headers: dict[str, list[str]] = {}
    for source, data in rows.items():
        out = []
        for row in data:
            row = dict(row)
            if row["姓名"] != "无效号":  # an invalid number is reported as given
                row["公民身份号码"] = noisy_id(row["公民身份号码"], rnd)
            row["姓名"] = noisy_name(row["姓名"], rnd)
            for column in ("单位名称", "参保单位名称"):
                if column in row:
                    row[column] = rnd.choice(["", " ", "\u3000"]) + row[column] + rnd.choice(["", "\u3000"])
            out.append(row)
            if rnd.random() < 0.2:
                out.append({})  # a blank row
        # header aliases and order: rename the columns, shuffle them
        columns = list(COLUMNS[source])
        rnd.shuffle(columns)
        names = {c: rnd.choice([c, *COLUMNS[source][c]]) for c in columns}
        if len({*names.values()}) < len(names):
            names = {c: c for c in columns}
        headers[source] = [names[c] for c in columns]
        noisy[source] = [{names[k]: v for k, v in row.items()} for row in out]
    return noisy, headers


@SETTINGS
@given(people=county_st, seed=st.integers(0, 10**6))
def test_noise_never_changes_findings(people, seed):
    register, rows = build(people)
    noisy, headers = add_noise(rows, random.Random(seed))
    assert findings(register, noisy, headers) == findings(register, rows)


@SETTINGS
@given(people=county_st, seed=st.integers(0, 10**6))
def test_row_order_never_changes_findings(people, seed):
    register, rows = build(people)
    rnd = random.Random(seed)
    shuffled = {s: rnd.sample(data, len(data)) for s, data in rows.items()}
    assert findings(register, shuffled) == findings(register, rows)


MISMATCH = {ORG: "ORG_UNIT_MISMATCH", FINANCE: "FIN_UNIT_MISMATCH", SI: "SI_UNIT_MISMATCH"}


@SETTINGS
@given(people=county_st, source=st.sampled_from([ORG, FINANCE, SI]), pick=st.integers(0, 10**6))
def test_moving_a_person_in_one_source_yields_exactly_its_mismatch(people, source, pick):
    register, rows = build(people)
    before = findings(register, rows)
    unit_column = "参保单位名称" if source == SI else "单位名称"
    candidates = [
        i
        for i, row in enumerate(rows[source])
        if row["公民身份号码"] in register.people
        and f"{MISMATCH[source]}|{source}|{row['公民身份号码']}|" not in before
        and (source != SI or row["参保状态"] == "参保缴费")
    ]
    if not candidates:
        return
    i = candidates[pick % len(candidates)]
    row = rows[source][i]
    person = register.people[row["公民身份号码"]]
    target = next(u for u in (1, 2, 3, 4) if u != person[1])
    rows[source][i] = row | {unit_column: UNIT_FOR_SOURCE[target][0]}
    after = findings(register, rows)
    assert after - before == {f"{MISMATCH[source]}|{source}|{row['公民身份号码']}|"}
    assert before - after == set()
