"""A county that is not the demo, generated for the end-to-end year (tests/test_real_county_year.py).

Deterministic: the same seed gives the same county. It is small (30 法人 units, some with internal
divisions, about 300 people) but has what a real office's files have: every nature and quota type,
leader posts, military-transfer earmarks, people who entered after the cut-off, a few units with no
liaison, and partner files that disagree with the register in known ways.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from bianzhi.lib.idnumbers import make_credit_code, make_id
from bianzhi.lib.xlsx import SheetSpec, write_workbook
from units.imports import STAFF_HEADERS, UNIT_HEADERS

CODE, NAME = "620423", "景泰县"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏宇浩然晨阳雪梅海燕志刚"
NATURE_TYPES = {
    "行政机关": ("行政编制", "公务员"),
    "参公事业单位": ("参公事业编制", "参公人员"),
    "事业单位": ("事业编制", "专业技术人员"),
}


@dataclass
class YearUnit:
    name: str
    nature: str
    system: str
    funding: str
    quota: int
    workers: int = 0  # 工勤编制
    heads: int = 1
    deputies: int = 2
    earmark: int = 0
    klass: str = ""
    township: str = ""
    divisions: list[str] = field(default_factory=list)
    doc: str = ""


@dataclass
class YearCounty:
    units: list[YearUnit]
    people: list[dict]
    cutoff: dt.date
    documents: list[tuple[str, str, dt.date]]  # number, title, issued_on: on file before the load

    def unit(self, name: str) -> YearUnit:
        return next(u for u in self.units if u.name == name)

    def in_establishment_at(self, unit: str, day: dt.date, etype: str | None = None) -> list[dict]:
        return [
            p
            for p in self.people
            if p["单位名称"] == unit and p["入编时间"] <= day and (etype is None or p["编制类型"] == etype)
        ]


def build(seed: int = 2025, cutoff: dt.date = dt.date(2025, 12, 31)) -> YearCounty:
    rng = random.Random(seed)
    units: list[YearUnit] = []
    gov = [
        "发展和改革局",
        "教育局",
        "财政局",
        "人力资源和社会保障局",
        "自然资源局",
        "住房和城乡建设局",
        "交通运输局",
        "农业农村局",
        "卫生健康局",
        "审计局",
        "统计局",
        "应急管理局",
    ]
    for i, n in enumerate(gov):
        units.append(
            YearUnit(
                f"{NAME}{n}",
                "行政机关",
                "政府",
                "全额拨款",
                quota=rng.randint(6, 16),
                workers=rng.choice((0, 1, 2)),
                earmark=2 if i < 3 else 0,
                divisions=["办公室", "业务股"] if i < 4 else [],
            )
        )
    for n in ("县委办公室", "县委组织部", "县委宣传部"):
        units.append(
            YearUnit(f"中共{NAME}委员会{n[2:]}", "行政机关", "党委", "全额拨款", quota=rng.randint(8, 14))
        )
    for n in ("档案馆", "机关事务服务中心", "社会保险事业管理局", "党校"):
        units.append(YearUnit(f"{NAME}{n}", "参公事业单位", "政府", "全额拨款", quota=rng.randint(5, 10)))
    public = [
        ("疾病预防控制中心", "公益一类", "全额拨款"),
        ("人民医院", "公益二类", "差额补贴"),
        ("中医医院", "公益二类", "差额补贴"),
        ("第一中学", "公益一类", "全额拨款"),
        ("第二中学", "公益一类", "全额拨款"),
        ("职业中学", "公益一类", "全额拨款"),
        ("融媒体中心", "公益一类", "全额拨款"),
        ("城市供水公司", "从事生产经营活动", "自收自支"),
        ("图书馆", "公益一类", "全额拨款"),
        ("文化馆", "公益一类", "全额拨款"),
        ("农业技术推广中心", "公益一类", "全额拨款"),
    ]
    for n, klass, funding in public:
        units.append(
            YearUnit(
                f"{NAME}{n}", "事业单位", "政府", funding, quota=rng.randint(6, 30), klass=klass, deputies=1
            )
        )
    documents = []
    for i, u in enumerate(units):
        u.doc = f"景编委发〔2019〕{i + 1}号"
        if i % 3 == 0:  # a third of the approvals are on file (dated); the others take effect at --as-of
            documents.append(
                (u.doc, f"关于核定{u.name}机构编制的批复", dt.date(2019, 3, 1) + dt.timedelta(days=i))
            )
    people: list[dict] = []
    seq = 0
    for u in units:
        etype, category = NATURE_TYPES[u.nature]
        filled = max(1, u.quota - rng.randint(0, 3))
        leaders = ["单位正职"] * u.heads + ["单位副职"] * min(u.deputies, max(0, filled - 1))
        military = u.earmark
        for k in range(filled + u.workers):
            seq += 1
            worker = k >= filled
            birth = dt.date(1965 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28))
            sex = rng.choice("男女")
            # most entered long ago; one in nine entered after the cut-off (not counted at it)
            entered = (
                dt.date(2026, rng.randint(1, 8), rng.randint(1, 28))
                if seq % 9 == 0
                else dt.date(rng.randint(2005, 2025), rng.randint(1, 12), rng.randint(1, 28))
            )
            post = "无" if worker or k >= len(leaders) else leaders[k]
            is_military = not worker and etype == "行政编制" and military > 0 and post == "无"
            military -= int(is_military)
            people.append(
                {
                    "单位名称": u.name,
                    "内设机构": u.divisions[k % len(u.divisions)] if u.divisions and not worker else "",
                    "姓名": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if k % 2 else ""),
                    "公民身份号码": make_id(CODE, birth, seq, sex),
                    "性别": sex,
                    "出生日期": birth,
                    "民族": "汉族",
                    "政治面貌": "中共党员" if k % 2 else "群众",
                    "学历": "大学本科",
                    "职务": "",
                    "职级": "",
                    "编制类型": "工勤编制" if worker else etype,
                    "人员类别": "工勤技能人员" if worker else category,
                    "领导职务": post,
                    "入编时间": entered,
                    "入编文号": "",
                    "进入方式": "军转安置" if is_military else "考录",
                    "是否军转干部": "是" if is_military else "否",
                    "参加工作时间": entered,
                    "在岗状态": "在岗",
                }
            )
    return YearCounty(units=units, people=people, cutoff=cutoff, documents=documents)


def units_rows(county: YearCounty) -> list[list]:
    rows = []
    for i, u in enumerate(county.units):
        q = {t: 0 for t in ("行政编制", "政法专项编制", "参公事业编制", "事业编制", "工勤编制")}
        q[NATURE_TYPES[u.nature][0]] = u.quota
        q["工勤编制"] = u.workers
        row = {
            "机构名称": u.name,
            "统一社会信用代码": make_credit_code(
                5000 + i, "11620423" if u.nature == "行政机关" else "12620423"
            ),
            "其他名称": "",
            "上级机构": "",
            "机构性质": u.nature,
            "系统类别": u.system,
            "机构规格": "正科级",
            "经费形式": u.funding,
            "事业单位类别": u.klass,
            "所在乡镇": u.township,
            "是否涉密": "否",
            "主要职责": "",
            "设立文号": "",
            "设立日期": dt.date(2001, 1, 1),
            **q,
            "其中军转行政编制": u.earmark,
            "单位领导正职职数": u.heads,
            "单位领导副职职数": u.deputies,
            "内设机构领导职数": len(u.divisions),
            "核定文号": u.doc,
        }
        rows.append([row[h] for h in UNIT_HEADERS])
        for d in u.divisions:
            div = dict.fromkeys(UNIT_HEADERS, "")
            div.update({"机构名称": d, "上级机构": u.name, "机构性质": "内设机构", "是否涉密": "否"})
            rows.append([div[h] for h in UNIT_HEADERS])
    return rows


def staff_rows(county: YearCounty) -> list[list]:
    return [[p[h] for h in STAFF_HEADERS] for p in county.people]


def liaison_rows(county: YearCounty, units: list[str]) -> list[list]:
    return [[name, f"联络员{i + 1}", f"1390000{i:04d}", f"jt_ll{i + 1:02d}"] for i, name in enumerate(units)]


@dataclass
class PartnerDiff:
    """What the partner files were made to disagree on (the comparison must find these)."""

    missing_in_finance: list[str]  # ID numbers
    missing_in_org: list[str]
    extra_in_finance: list[str]


def partner_rows(county: YearCounty) -> tuple[dict[str, list[list]], PartnerDiff]:
    """Partner data as of the cut-off: everyone in establishment then, with three known differences."""
    at_cutoff = [p for p in county.people if p["入编时间"] <= county.cutoff]
    funded = {u.name for u in county.units if u.funding in ("全额拨款", "差额补贴")}
    org_people = [p for p in at_cutoff if p["人员类别"] in ("公务员", "参公人员") or p["领导职务"] != "无"]
    fin_people = [p for p in at_cutoff if p["单位名称"] in funded]
    diff = PartnerDiff(
        missing_in_finance=[fin_people[3]["公民身份号码"]],
        missing_in_org=[org_people[5]["公民身份号码"]],
        extra_in_finance=[make_id(CODE, dt.date(1990, 5, 5), 9999, "女")],
    )
    category = {"公务员": "公务员", "参公人员": "参公人员"}
    org = [
        [
            p["姓名"],
            p["公民身份号码"],
            p["单位名称"],
            category.get(p["人员类别"], "事业人员"),
            p["领导职务"],
            "",
        ]
        for p in org_people
        if p["公民身份号码"] not in diff.missing_in_org
    ]
    finance = [
        [p["姓名"], p["公民身份号码"], p["单位名称"], county.unit(p["单位名称"]).funding]
        for p in fin_people
        if p["公民身份号码"] not in diff.missing_in_finance
    ]
    finance.append(["冒名顶替", diff.extra_in_finance[0], county.units[0].name, "全额拨款"])
    si = [[p["姓名"], p["公民身份号码"], p["单位名称"], "参保缴费"] for p in at_cutoff]
    return {"org": org, "finance": finance, "si": si}, diff


PARTNER_HEADERS = {
    "org": ["姓名", "身份证号码", "工作单位", "人员类别", "领导职务", "职务"],
    "finance": ["姓名", "公民身份号码", "预算单位名称", "经费形式"],
    "si": ["姓名", "公民身份号码", "参保单位名称", "参保状态"],
}


def write_files(county: YearCounty, out: Path, liaison_units: list[str]) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "units": out / "机构.xlsx",
        "staff": out / "实有人员.xlsx",
        "liaisons": out / "联络员.xlsx",
        "org": out / "组织部门.xlsx",
        "finance": out / "财政部门.xlsx",
        "si": out / "人社部门.xlsx",
    }
    write_workbook(paths["units"], [SheetSpec("机构", UNIT_HEADERS, units_rows(county))])
    write_workbook(paths["staff"], [SheetSpec("实有人员", STAFF_HEADERS, staff_rows(county))])
    write_workbook(
        paths["liaisons"],
        [SheetSpec("联络员", ["单位名称", "姓名", "手机", "账号"], liaison_rows(county, liaison_units))],
    )
    rows, _diff = partner_rows(county)
    names = {"org": "组织部门", "finance": "财政部门", "si": "人社部门"}
    for key, data in rows.items():
        write_workbook(paths[key], [SheetSpec(names[key], PARTNER_HEADERS[key], data)])
    return paths
