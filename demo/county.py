"""The demo county (漳县, 621125): units, Documents, a staff roster and partner files.

Deterministic (seeded): the same command gives the same county. The roster is loaded through the
real import path (建账), so the demo exercises what an office does on day one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bianzhi.lib.idnumbers import make_credit_code, make_id
from units.imports import STAFF_HEADERS, UNIT_HEADERS

REGION_CODE, REGION_NAME = "621125", "漳县"
COMMITTEE = "中共漳县县委机构编制委员会"
TOWNSHIPS = [
    "武阳镇",
    "三岔镇",
    "盐井镇",
    "大草滩镇",
    "殪虎桥镇",
    "新寺镇",
    "四族镇",
    "金钟镇",
    "贵清山镇",
    "马泉乡",
    "武当乡",
    "草滩乡",
    "东泉乡",
]

# (name, system, rank, admin quota, political-legal quota, aliases)
ORGANS = [
    ("中共漳县纪律检查委员会", "纪委监委", "正科级", 38, 0, "漳县监察委员会；县纪委监委"),
    ("中共漳县县委办公室", "党委", "正科级", 24, 0, "县委办"),
    ("中共漳县县委组织部", "党委", "正科级", 20, 0, "县委组织部"),
    ("中共漳县县委宣传部", "党委", "正科级", 14, 0, "县委宣传部"),
    ("中共漳县县委统一战线工作部", "党委", "正科级", 10, 0, "县委统战部"),
    ("中共漳县县委政法委员会", "党委", "正科级", 10, 0, "县委政法委"),
    ("中共漳县县委机构编制委员会办公室", "党委", "正科级", 8, 0, "县委编办"),
    ("漳县人大常委会办公室", "人大", "正科级", 16, 0, "县人大办"),
    ("政协漳县委员会办公室", "政协", "正科级", 14, 0, "县政协办"),
    ("漳县人民政府办公室", "政府", "正科级", 22, 0, "县政府办"),
    ("漳县发展和改革局", "政府", "正科级", 16, 0, "县发改局；漳县粮食和物资储备局"),
    ("漳县教育局", "政府", "正科级", 18, 0, "县教育局"),
    ("漳县工业信息化和商务局", "政府", "正科级", 14, 0, "县工信商务局"),
    ("漳县公安局", "政府", "正科级", 6, 150, "县公安局"),
    ("漳县民政局", "政府", "正科级", 12, 0, "县民政局"),
    ("漳县司法局", "政府", "正科级", 4, 30, "县司法局"),
    ("漳县财政局", "政府", "正科级", 20, 0, "县财政局"),
    ("漳县人力资源和社会保障局", "政府", "正科级", 14, 0, "县人社局"),
    ("漳县自然资源局", "政府", "正科级", 15, 0, "县自然资源局"),
    ("漳县住房和城乡建设局", "政府", "正科级", 12, 0, "县住建局"),
    ("漳县交通运输局", "政府", "正科级", 10, 0, "县交通局"),
    ("漳县农业农村局", "政府", "正科级", 18, 0, "县农业农村局"),
    ("漳县水务局", "政府", "正科级", 10, 0, "县水务局"),
    ("漳县文体广电和旅游局", "政府", "正科级", 10, 0, "县文旅局"),
    ("漳县卫生健康局", "政府", "正科级", 12, 0, "县卫健局"),
    ("漳县退役军人事务局", "政府", "正科级", 8, 0, "县退役军人事务局"),
    ("漳县应急管理局", "政府", "正科级", 10, 0, "县应急局"),
    ("漳县审计局", "政府", "正科级", 9, 0, "县审计局"),
    ("漳县市场监督管理局", "政府", "正科级", 40, 0, "县市场监管局"),
    ("漳县统计局", "政府", "正科级", 8, 0, "县统计局"),
    ("漳县医疗保障局", "政府", "正科级", 8, 0, "县医保局"),
    ("漳县林业和草原局", "政府", "正科级", 10, 0, "县林草局"),
    ("漳县信访局", "政府", "副科级", 6, 0, "县信访局"),
    ("漳县人民法院", "法院", "正科级", 0, 60, "县法院"),
    ("漳县人民检察院", "检察院", "正科级", 0, 40, "县检察院"),
    ("中共漳县县委机要保密局", "党委", "副科级", 6, 0, "县保密局"),
]
CONFIDENTIAL = {"中共漳县县委机要保密局"}
VILLAGES = [
    "东街",
    "西关",
    "南川",
    "北山",
    "红崖",
    "石门",
    "柳林",
    "新庄",
    "河湾",
    "上寨",
    "下川",
    "青岗",
    "杨庄",
]
HOSPITAL_DIVISIONS = ["内科", "外科", "妇产科", "儿科", "急诊科", "护理部"]
CIVIL_PIS = [  # 参公事业单位: (name, system, quota, aliases)
    ("漳县总工会", "群团", 8, "县总工会"),
    ("共青团漳县委员会", "群团", 5, "团县委"),
    ("漳县妇女联合会", "群团", 5, "县妇联"),
    ("漳县科学技术协会", "群团", 4, "县科协"),
    ("漳县工商业联合会", "群团", 4, "县工商联"),
    ("漳县残疾人联合会", "群团", 6, "县残联"),
    ("漳县档案馆", "党委", 6, "县档案馆"),
    ("漳县社会保险服务中心", "政府", 14, "县社保中心"),
    ("漳县农村经济经营管理站", "政府", 6, "县经管站"),
    ("漳县城市管理综合执法大队", "政府", 20, "县城管大队"),
]
INSTITUTIONS = [  # 县直事业单位: (name, system, class, funding, quota, aliases)
    ("漳县人民医院", "政府", "公益二类", "差额补贴", 260, "县医院"),
    ("漳县中医院", "政府", "公益二类", "差额补贴", 150, "县中医院"),
    ("漳县妇幼保健院", "政府", "公益二类", "差额补贴", 60, "县妇幼保健院"),
    ("漳县疾病预防控制中心", "政府", "公益一类", "全额拨款", 40, "县疾控中心"),
    ("漳县第一中学", "政府", "公益一类", "全额拨款", 180, "漳县一中"),
    ("漳县第二中学", "政府", "公益一类", "全额拨款", 140, "漳县二中"),
    ("漳县职业中等专业学校", "政府", "公益一类", "全额拨款", 90, "县职专"),
    ("漳县实验小学", "政府", "公益一类", "全额拨款", 70, "县实验小学"),
    ("漳县融媒体中心", "党委", "公益一类", "全额拨款", 35, "县融媒体中心"),
    ("中共漳县县委党校", "党委", "公益一类", "全额拨款", 16, "县委党校"),
    ("漳县图书馆", "政府", "公益一类", "全额拨款", 8, "县图书馆"),
    ("漳县文化馆", "政府", "公益一类", "全额拨款", 10, "县文化馆"),
    ("漳县就业服务中心", "政府", "公益一类", "全额拨款", 12, "县就业中心"),
    ("漳县不动产登记中心", "政府", "公益一类", "全额拨款", 14, "县不动产中心"),
    ("漳县公共资源交易中心", "政府", "公益一类", "全额拨款", 8, "县公共资源交易中心"),
    ("漳县机关事务服务中心", "政府", "公益一类", "全额拨款", 10, "县机关事务中心"),
    ("漳县农业技术推广中心", "政府", "公益一类", "全额拨款", 30, "县农技中心"),
    ("漳县畜牧兽医中心", "政府", "公益一类", "全额拨款", 26, "县畜牧中心"),
    ("漳县水利工程服务中心", "政府", "公益二类", "差额补贴", 18, "县水利中心"),
    ("漳县自来水公司", "政府", "从事生产经营活动", "自收自支", 20, "县自来水公司"),
    ("漳县城市建设服务中心", "政府", "公益二类", "自收自支", 12, "县城建中心"),
    ("漳县贵清山遗爱湖旅游景区服务中心", "政府", "公益二类", "差额补贴", 15, "贵清山景区"),
    ("漳县统计普查中心", "政府", "公益一类", "全额拨款", 6, "县普查中心"),
    ("漳县林业技术服务中心", "政府", "公益一类", "全额拨款", 20, "县林业站"),
]
TOWNSHIP_INSTITUTIONS = [  # per township: (suffix, class, funding, quota)
    ("农业农村综合服务中心", "公益一类", "全额拨款", 9),
    ("社会事务综合服务中心", "公益一类", "全额拨款", 7),
    ("中心小学", "公益一类", "全额拨款", 28),
    ("初级中学", "公益一类", "全额拨款", 32),
    ("卫生院", "公益二类", "差额补贴", 18),
]
ORGAN_DIVISIONS = ["办公室", "综合股", "业务股", "政策法规股"]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志强海燕春晓东林斌婷宇鹏辉飞瑞凯浩博文轩子涵欣怡梓萱"
ETHNIC = ["汉族"] * 18 + ["回族", "藏族"]
POLITICAL = ["中共党员"] * 6 + ["群众"] * 3 + ["共青团员", "民盟盟员"]
EDUCATION = ["大学本科"] * 6 + ["大学专科"] * 3 + ["研究生", "中专", "高中"]

# The contract's headers (FORMATS.md §1–§2), as the importer reads them.
UNITS_HEADERS = UNIT_HEADERS


@dataclass
class DemoUnit:
    name: str
    nature: str
    system: str = ""
    rank: str = "未定级"
    funding: str = ""
    klass: str = ""
    township: str = ""
    parent: str = ""
    aliases: str = ""
    confidential: bool = False
    quotas: dict[str, int] = field(default_factory=dict)
    posts: tuple[int, int, int] = (0, 0, 0)
    doc: str = ""
    founded: dt.date = dt.date(2019, 3, 1)
    duties: str = ""


@dataclass
class DemoCounty:
    units: list[DemoUnit]
    documents: list[tuple[str, str, dt.date, str]]  # (文号, 标题, 日期, 类别)
    people: list[dict]
    limits: list[tuple[dt.date, str, str, int, str]]


def _doc_number(year: int, n: int) -> str:
    return f"漳编委发〔{year}〕{n}号"


def build_units() -> tuple[list[DemoUnit], list[tuple[str, str, dt.date, str]]]:
    units: list[DemoUnit] = []
    docs: list[tuple[str, str, dt.date, str]] = []
    n = 0

    def doc(title: str, year: int = 2019, kind: str = "编委文件") -> str:
        nonlocal n
        n += 1
        number = _doc_number(year, n)
        docs.append((number, title, dt.date(year, 1 + n % 12, 1 + n % 27), kind))
        return number

    for name, system, rank, admin, legal, aliases in ORGANS:
        quotas = {"行政编制": admin, "工勤编制": 1 + admin // 12}
        if legal:
            quotas["政法专项编制"] = legal
        number = doc(f"关于印发《{name}职能配置、内设机构和人员编制规定》的通知", kind="三定规定")
        units.append(
            DemoUnit(
                name,
                "行政机关",
                system,
                rank,
                "全额拨款",
                aliases=aliases,
                quotas=quotas,
                posts=(1, 3 if admin + legal > 20 else 2, 4),
                doc=number,
                confidential=name in CONFIDENTIAL,
                duties=f"负责全县{name.removeprefix('漳县').removeprefix('中共漳县县委')}相关工作。",
            )
        )
        for division in ORGAN_DIVISIONS[: 2 + (admin + legal) // 15]:
            units.append(DemoUnit(division, "内设机构", parent=name, doc=number))
    for name, system, quota, aliases in CIVIL_PIS:
        number = doc(f"关于{name}机构编制事项的批复")
        units.append(
            DemoUnit(
                name,
                "参公事业单位",
                system,
                "正科级" if quota > 6 else "副科级",
                "全额拨款",
                aliases=aliases,
                quotas={"参公事业编制": quota, "工勤编制": 1},
                posts=(1, 2, 0),
                doc=number,
            )
        )
    for name, system, klass, funding, quota, aliases in INSTITUTIONS:
        number = doc(f"关于调整{name}机构编制事项的通知", year=2020)
        units.append(
            DemoUnit(
                name,
                "事业单位",
                system,
                "正科级" if quota > 50 else "股级",
                funding,
                klass,
                aliases=aliases,
                quotas={"事业编制": quota},
                posts=(1, 2 if quota < 100 else 4, 0),
                doc=number,
            )
        )
    for town in TOWNSHIPS:
        number = doc(f"关于{town}机构设置和人员编制的通知", year=2020)
        units.append(
            DemoUnit(
                f"中共{town}委员会、{town}人民政府",
                "行政机关",
                "乡镇",
                "正科级",
                "全额拨款",
                township=town,
                aliases=f"{town}党委政府；{town}人民政府",
                quotas={"行政编制": 26},
                posts=(2, 6, 0),
                doc=number,
            )
        )
        for suffix, klass, funding, quota in TOWNSHIP_INSTITUTIONS:
            label = f"漳县{town}{suffix}"
            units.append(
                DemoUnit(
                    label,
                    "事业单位",
                    "乡镇",
                    "股级",
                    funding,
                    klass,
                    township=town,
                    quotas={"事业编制": quota},
                    posts=(1, 1, 0),
                    doc=number,
                )
            )
        for k in range(3):
            village = VILLAGES[(TOWNSHIPS.index(town) * 3 + k) % len(VILLAGES)]
            units.append(
                DemoUnit(
                    f"漳县{town}{village}小学",
                    "事业单位",
                    "乡镇",
                    "未定级",
                    "全额拨款",
                    "公益一类",
                    township=town,
                    quotas={"事业编制": 6 + k * 2},
                    posts=(1, 0, 0),
                    doc=number,
                )
            )
    doc_of = {u.name: u.doc for u in units}
    for hospital in ("漳县人民医院", "漳县中医院"):
        for division in HOSPITAL_DIVISIONS:
            units.append(DemoUnit(division, "内设机构", parent=hospital, doc=doc_of[hospital]))
    return units, docs


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def build_people(units: list[DemoUnit], rng: random.Random) -> list[dict]:
    """Fill each unit to 60–100 % of its quota; a few units over quota and over posts on purpose."""
    people: list[dict] = []
    used: set[tuple[dt.date, int, str]] = set()
    over_quota = {"漳县人民医院", "漳县城市管理综合执法大队", "漳县武阳镇中心小学", "漳县自来水公司"}
    over_posts = {"漳县交通运输局", "漳县第一中学"}
    divisions: dict[str, list[str]] = {}
    for u in units:
        if u.nature == "内设机构":
            divisions.setdefault(u.parent, []).append(u.name)
    for u in units:
        if u.nature == "内设机构":
            continue
        posts_left = {"单位正职": u.posts[0], "单位副职": u.posts[1], "内设机构正职": u.posts[2]}
        if u.name in over_posts:
            posts_left["单位副职"] += 1
        for etype, quota in u.quotas.items():
            fill = (
                quota + rng.randint(1, 3)
                if u.name in over_quota and etype != "工勤编制"
                else int(quota * rng.uniform(0.6, 1.0))
            )
            for _ in range(fill):
                people.append(_person(u, etype, rng, used, posts_left, divisions.get(u.name, [])))
    return people


def _person(
    u: DemoUnit, etype: str, rng: random.Random, used: set, posts_left: dict, divisions: list[str]
) -> dict:
    sex = rng.choice(("男", "女"))
    while True:
        birth = dt.date(rng.randint(1964, 1999), rng.randint(1, 12), rng.randint(1, 28))
        seq = rng.randint(0, 499)
        if (birth, seq, sex) not in used:
            used.add((birth, seq, sex))
            break
    category = {
        "行政编制": "公务员",
        "政法专项编制": "公务员",
        "参公事业编制": "参公人员",
        "工勤编制": "工勤技能人员",
    }.get(etype) or rng.choice(["专业技术人员"] * 4 + ["管理人员"])
    post = "无"
    if etype != "工勤编制":
        for candidate in ("单位正职", "单位副职", "内设机构正职"):
            if posts_left.get(candidate, 0) > 0 and (candidate != "内设机构正职" or divisions):
                posts_left[candidate] -= 1
                post = candidate
                break
    division = rng.choice(divisions) if divisions and (post == "内设机构正职" or rng.random() < 0.5) else ""
    title = {
        "单位正职": "局长" if u.nature == "行政机关" else "主任",
        "单位副职": "副局长" if u.nature == "行政机关" else "副主任",
        "内设机构正职": "股长",
    }.get(post, rng.choice(["科员", "干事", "教师", "医师", "工作人员"]))
    if u.system == "乡镇" and post == "单位正职":
        title = "党委书记"
    work_start = dt.date(min(birth.year + rng.randint(20, 25), 2021), rng.randint(7, 9), 1)
    entered = work_start + dt.timedelta(days=rng.randint(0, 400))
    military = etype == "行政编制" and rng.random() < 0.03
    return {
        "单位名称": u.name,
        "内设机构": division,
        "姓名": _name(rng),
        "公民身份号码": make_id(REGION_CODE, birth, seq, sex),
        "性别": sex,
        "出生日期": birth,
        "民族": rng.choice(ETHNIC),
        "政治面貌": rng.choice(POLITICAL),
        "学历": rng.choice(EDUCATION),
        "职务": title,
        "职级": "",
        "编制类型": etype,
        "人员类别": category,
        "领导职务": post,
        "入编时间": min(entered, dt.date(2022, 12, 31)),
        "入编文号": f"漳编使〔{entered.year}〕{rng.randint(1, 300)}号",
        "进入方式": "军转安置" if military else rng.choice(["考录", "招聘", "调入", "选调"]),
        "是否军转干部": "是" if military else "否",
        "参加工作时间": work_start,
        "在岗状态": rng.choice(["在岗"] * 30 + ["借调", "长期病休"]),
    }


def build_county(seed: int = 20211231) -> DemoCounty:
    rng = random.Random(seed)
    units, docs = build_units()
    people = build_people(units, rng)
    admin_total = sum(u.quotas.get("行政编制", 0) for u in units)
    public_total = sum(u.quotas.get("事业编制", 0) + u.quotas.get("参公事业编制", 0) for u in units)
    docs.append(
        ("甘编发〔2019〕8号", "关于下达各县（区）行政编制限额的通知", dt.date(2019, 2, 20), "上级文件")
    )
    docs.append(
        ("定编发〔2020〕15号", "关于核定各县（区）事业编制总量的通知", dt.date(2020, 1, 10), "上级文件")
    )
    limits = [
        (dt.date(2019, 2, 20), "甘编发〔2019〕8号", "行政编制", admin_total + 20, "省委编办下达行政编制限额"),
        (
            dt.date(2020, 1, 10),
            "定编发〔2020〕15号",
            "事业编制",
            public_total + 60,
            "市委编办核定事业编制总量",
        ),
    ]
    return DemoCounty(units=units, documents=docs, people=people, limits=limits)


def units_rows(county: DemoCounty) -> list[list]:
    rows = []
    for i, u in enumerate(county.units):
        legal = u.nature != "内设机构"
        q = u.quotas
        approved = any(q.values()) or any(u.posts)
        rows.append(
            [
                u.name,
                make_credit_code(1000 + i, "11621125" if u.nature == "行政机关" else "12621125")
                if legal
                else "",
                u.aliases,
                u.parent,
                u.nature,
                u.system,
                u.rank if legal else "",
                u.funding,
                u.klass,
                u.township,
                "是" if u.confidential else "否",
                u.duties,
                u.doc,
                u.founded,
                q.get("行政编制", 0),
                q.get("政法专项编制", 0),
                q.get("参公事业编制", 0),
                q.get("事业编制", 0),
                q.get("工勤编制", 0),
                2 if q.get("行政编制", 0) >= 20 else 0,
                *(u.posts if legal else (0, 0, 0)),
                u.doc if approved and legal else "",
            ]
        )
    return rows


def staff_rows(county: DemoCounty) -> list[list]:
    return [[p[h] for h in STAFF_HEADERS] for p in county.people]


PARTNER_HEADERS = {
    "org": ["姓名", "身份证号码", "工作单位", "人员类别", "领导职务", "职务"],
    "finance": ["姓名", "公民身份号码", "预算单位名称", "经费形式"],
    "si": ["姓名", "公民身份号码", "参保单位名称", "参保状态"],
}


def partner_rows(county: DemoCounty, seed: int = 7) -> dict[str, list[list]]:
    """Partner departments' data as they would send it: mostly agreeing, with realistic differences.

    Some people missing, some extra, a few at another unit, one with a typo in the name, aliases used
    for unit names, lower-case x and spaces in names (which must not count as differences).
    """
    rng = random.Random(seed)
    by_name = {u.name: u for u in county.units}
    extra = []
    for i in range(12):
        birth = dt.date(1980 + i, 3, 9)
        extra.append(
            {
                "姓名": _name(rng),
                "公民身份号码": make_id(REGION_CODE, birth, 499, "女"),
                "单位名称": rng.choice([u.name for u in county.units if u.nature != "内设机构"]),
            }
        )
    org, fin, si = [], [], []
    for k, p in enumerate(county.people):
        u = by_name[p["单位名称"]]
        unit_name = u.aliases.split("；")[0] if u.aliases and k % 7 == 0 else u.name
        number = p["公民身份号码"].lower() if k % 11 == 0 else p["公民身份号码"]
        name = p["姓名"] if k % 13 else p["姓名"][0] + " " + p["姓名"][1:]
        if k % 97 == 5:
            name = name[:-1] + "某"
        if k % 89 == 3:
            unit_name = rng.choice([x.name for x in county.units if x.nature == "行政机关"])
        if p["人员类别"] in ("公务员", "参公人员") or p["领导职务"] != "无":
            if k % 61 != 0:
                post = p["领导职务"] if k % 53 else "无"
                org.append(
                    [
                        name,
                        number,
                        unit_name,
                        p["人员类别"] if p["人员类别"] in ("公务员", "参公人员") else "事业人员",
                        post,
                        p["职务"],
                    ]
                )
        if u.funding in ("全额拨款", "差额补贴") and k % 71 != 0:
            fin.append([name, number, unit_name, u.funding])
        if k % 83 != 0:
            si.append([name, number, unit_name, "暂停缴费" if k % 150 == 7 else "参保缴费"])
    for x in extra[:4]:
        org.append([x["姓名"], x["公民身份号码"], x["单位名称"], "公务员", "无", "科员"])
    for x in extra[4:8]:
        fin.append([x["姓名"], x["公民身份号码"], x["单位名称"], "全额拨款"])
    for x in extra[8:]:
        si.append([x["姓名"], x["公民身份号码"], x["单位名称"], "参保缴费"])
    fin.append(["赵某某", "62112519800101123", "漳县财政局", "全额拨款"])  # a mistyped ID (17 digits)
    si.append(["钱某", "621125198001011234", "漳县某某公司", "参保缴费"])  # unknown unit, bad check digit
    return {"org": org, "finance": fin, "si": si}
