"""The tables of the 统计年报, computed from the register at 12-31 (``state.register_at``) and the year's
change records. Each table is plain JSON (kept in ``YearReport.tables``, drawn on screen, in the workbook
and in the PDF from the same data):

``key``, ``title``, ``paper`` ("A4"/"A3" landscape), ``head`` (``[[group, [sub, …]], …]``: a group with no
subs spans both header rows), ``text_cols`` (leading text columns), ``rows``, ``total`` (the 合计 row or
None), ``compare`` (its figures are compared with last year's), ``note``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from units.choices import (
    ESTABLISHMENT_ORDER,
    POST_CATEGORY_OF,
    EntryMethod,
    Funding,
    InstitutionClass,
    LeaderPost,
    LeaveReason,
    Nature,
    PostCategory,
    Rank,
    System,
    UnitEventKind,
)
from units.models import Movement, Person, UnitEvent
from yearbook.selectors.state import RegisterAt, register_at

TOTAL = "合计"
UNSET = "未填"
NATURES = [Nature.ORGAN.value, Nature.CIVIL_PI.value, Nature.PUBLIC_INSTITUTION.value]
SYSTEMS = [s.value for s in System]
RANKS = [r.value for r in Rank]
TYPES = [str(t) for t in ESTABLISHMENT_ORDER]
CATEGORIES = [c.value for c in PostCategory]
AGE_BANDS = ["35岁及以下", "36至40岁", "41至45岁", "46至50岁", "51至54岁", "55岁及以上"]
EDUCATION = ["研究生", "大学本科", "大学专科", "中专及以下", UNSET]
POLITICAL = ["中共党员", "民主党派", "共青团员", "群众", "其他"]
ETHNIC = ["汉族", "少数民族", UNSET]
DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工", "致公", "九三", "台盟")
ENTRY = [e.value for e in EntryMethod]
LEAVE = [r.value for r in LeaveReason]
POSTS_HELD = [p.value for p in LeaderPost if p != LeaderPost.NONE]
STAFF_CATEGORIES = ["公务员", "参公人员", "管理人员", "专业技术人员", "工勤技能人员"]


# ---- classifying a person ------------------------------------------------------------------------------


def age_band(birth: dt.date, day: dt.date) -> str:
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    for limit, band in zip((35, 40, 45, 50, 54), AGE_BANDS, strict=False):
        if age <= limit:
            return band
    return AGE_BANDS[-1]


def education_group(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return UNSET
    if any(w in value for w in ("研究生", "博士", "硕士")):
        return "研究生"
    if "本科" in value:
        return "大学本科"
    if "专科" in value or "大专" in value:
        return "大学专科"
    return "中专及以下"


def political_group(value: str) -> str:
    value = (value or "").strip()
    if value.startswith("中共"):
        return "中共党员"
    if any(p in value for p in DEMOCRATIC_PARTIES):
        return "民主党派"
    if "团员" in value:
        return "共青团员"
    if value == "群众":
        return "群众"
    return "其他"


def ethnic_group(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return UNSET
    return "汉族" if value in ("汉族", "汉") else "少数民族"


# ---- building tables -----------------------------------------------------------------------------------


def _leaves(head: list) -> list[tuple[str, str]]:
    return [(g, s) for g, subs in head for s in (subs or [g])]


def _table(key, title, head, rows, *, paper="A4", text_cols=1, total=True, compare=True, note=""):
    total_row = None
    if total:
        width = len(_leaves(head))
        total_row = [TOTAL] + [""] * (text_cols - 1)
        total_row += [sum(r[i] for r in rows) for i in range(text_cols, width)]
    return {
        "key": key,
        "title": title,
        "paper": paper,
        "head": head,
        "text_cols": text_cols,
        "rows": rows,
        "total": total_row,
        "compare": compare,
        "note": note,
    }


def _count_rows(labels: Iterable[str], items: Iterable, row_of: Callable, columns: list) -> list[list]:
    """One row per label: the count of items, then per (group, value) column the count of items whose
    ``fn(item)`` equals the value. ``columns`` is ``[(fn, [values…]), …]``."""
    labels = list(labels)
    by_row: dict[str, list] = defaultdict(list)
    for item in items:
        by_row[row_of(item)].append(item)
    out = []
    for label in labels:
        group = by_row.get(label, [])
        row = [label, len(group)]
        for fn, values in columns:
            counts = Counter(fn(i) for i in group)
            row += [counts.get(v, 0) for v in values]
        out.append(row)
    return out


def units_table(reg: RegisterAt) -> dict:
    units = list(reg.units.values())
    rows = _count_rows(
        SYSTEMS,
        units,
        lambda u: u.system,
        [(lambda u: u.nature, NATURES), (lambda u: u.rank, RANKS)],
    )
    divisions = Counter()
    for u in units:
        divisions[u.system] += u.divisions
    for row in rows:
        row.append(divisions.get(row[0], 0))
    head = [["系统类别", []], ["机构数", []], ["机构性质", NATURES], ["机构规格", RANKS], ["内设机构数", []]]
    return _table("units", "机构情况（按系统、性质和规格）", head, rows)


def institutions_table(reg: RegisterAt) -> dict:
    units = [u for u in reg.units.values() if u.nature == Nature.PUBLIC_INSTITUTION]
    classes = [c.value for c in InstitutionClass]
    fundings = [f.value for f in Funding]
    rows = _count_rows(classes, units, lambda u: u.institution_class, [(lambda u: u.funding, fundings)])
    head = [["事业单位类别", []], ["单位数", []], ["经费形式", fundings]]
    return _table("institutions", "事业单位情况（按类别和经费形式）", head, rows)


def quotas_table(reg: RegisterAt) -> dict:
    figures = reg.figures
    approved: dict[str, Counter] = defaultdict(Counter)
    occupied: dict[str, Counter] = defaultdict(Counter)
    earmark: Counter = Counter()
    military: Counter = Counter()
    for u in reg.units.values():
        for t in TYPES:
            approved[u.system][t] += figures.quotas.get((u.pk, t), 0)
        earmark[u.system] += figures.earmarks.get((u.pk, "行政编制"), 0)
    for p in reg.people:
        system = reg.units[p.unit_id].system
        occupied[system][p.establishment_type] += 1
        if p.military and p.establishment_type == "行政编制":
            military[system] += 1
    rows = []
    for s in SYSTEMS:
        row = [s]
        for t in TYPES:
            a, o = approved[s][t], occupied[s][t]
            row += [a, o, a - o]
        a, o = sum(approved[s].values()), sum(occupied[s].values())
        row += [a, o, a - o, earmark[s], military[s]]
        rows.append(row)
    three = ["核定数", "实有数", "空编数"]
    head = [["系统类别", []]] + [[t, three] for t in TYPES]
    head += [["编制合计", three], ["其中军转行政编制", ["核定数", "实有数"]]]
    note = "空编数为负数表示超编。"
    if figures.baseline:
        note += f"其中{len(figures.baseline)}个单位的核定数为建账时登记的数字（统计时点后才建账）。"
    return _table("quotas", "编制核定和使用情况（按编制类型）", head, rows, paper="A3", note=note)


def posts_table(reg: RegisterAt) -> dict:
    approved: dict[str, Counter] = defaultdict(Counter)
    held: dict[str, Counter] = defaultdict(Counter)
    for u in reg.units.values():
        for c in CATEGORIES:
            approved[u.system][c] += reg.figures.posts.get((u.pk, c), 0)
    for p in reg.people:
        category = POST_CATEGORY_OF.get(p.leader_post)
        if category:
            held[reg.units[p.unit_id].system][category] += 1
    rows = []
    for s in SYSTEMS:
        row = [s]
        for c in CATEGORIES:
            row += [approved[s][c], held[s][c], approved[s][c] - held[s][c]]
        row += [sum(approved[s].values()), sum(held[s].values())]
        rows.append(row)
    three = ["核定数", "实配数", "空缺数"]
    head = [["系统类别", []]] + [[c, three] for c in CATEGORIES] + [["职数合计", ["核定数", "实配数"]]]
    return _table("posts", "领导职数核定和配备情况", head, rows, note="空缺数为负数表示超职数配备。")


def staff_table(reg: RegisterAt) -> dict:
    day = reg.day
    rows = _count_rows(
        TYPES,
        reg.people,
        lambda p: p.establishment_type,
        [
            (lambda p: p.sex, ["男", "女"]),
            (lambda p: ethnic_group(p.ethnicity), ETHNIC),
            (lambda p: age_band(p.birth_date, day), AGE_BANDS),
            (lambda p: education_group(p.education), EDUCATION),
            (lambda p: political_group(p.political_status), POLITICAL),
        ],
    )
    head = [
        ["编制类型", []],
        ["实有人数", []],
        ["性别", ["男", "女"]],
        ["民族", ETHNIC],
        ["年龄", AGE_BANDS],
        ["学历", EDUCATION],
        ["政治面貌", POLITICAL],
    ]
    return _table("staff", "实有人员基本情况（性别、民族、年龄、学历、政治面貌）", head, rows, paper="A3")


def staff_kinds_table(reg: RegisterAt) -> dict:
    rows = _count_rows(
        TYPES,
        reg.people,
        lambda p: p.establishment_type,
        [
            (lambda p: p.category, STAFF_CATEGORIES),
            (lambda p: p.entry_method or "其他", ENTRY),
            (lambda p: p.military, [True]),
            (lambda p: p.leader_post, POSTS_HELD),
        ],
    )
    head = [
        ["编制类型", []],
        ["实有人数", []],
        ["人员类别", STAFF_CATEGORIES],
        ["进入方式", ENTRY],
        ["军转干部", []],
        ["担任领导职务", POSTS_HELD],
    ]
    return _table("staff_kinds", "实有人员类别、进入方式和军转干部情况", head, rows, paper="A3")


def _entry_types(region, start: dt.date, end: dt.date) -> list[tuple[str, str]]:
    """(编制类型 at entry, 进入方式) of everyone who entered during [start, end]."""
    people = list(
        Person.objects.filter(unit__region=region, entered_on__gte=start, entered_on__lte=end).values_list(
            "pk", "establishment_type", "entry_method"
        )
    )
    first_transfer: dict[int, str] = {}
    for person_id, from_type in (
        Movement.objects.filter(person_id__in=[p[0] for p in people], kind="调动")
        .exclude(from_type="")
        .order_by("-occurred_on", "-id")
        .values_list("person_id", "from_type")
    ):
        first_transfer[person_id] = from_type  # the last one written is the earliest
    return [(first_transfer.get(pk, etype), method or "其他") for pk, etype, method in people]


def changes_table(region, start_reg: RegisterAt, end_reg: RegisterAt) -> dict:
    start, end = start_reg.day + dt.timedelta(days=1), end_reg.day
    entries = _entry_types(region, start, end)
    exits = list(
        Person.objects.filter(
            unit__region=region, in_establishment=False, left_on__gte=start, left_on__lte=end
        ).values_list("establishment_type", "leave_reason")
    )
    begin = Counter(p.establishment_type for p in start_reg.people)
    finish = Counter(p.establishment_type for p in end_reg.people)
    rows = []
    for t in TYPES:
        came = Counter(m for etype, m in entries if etype == t)
        went = Counter(r or "其他" for etype, r in exits if etype == t)
        added, removed = sum(came.values()), sum(went.values())
        row = [t, begin[t], added] + [came.get(m, 0) for m in ENTRY]
        row += [removed] + [went.get(r, 0) for r in LEAVE]
        row += [finish[t] - begin[t] - added + removed, finish[t]]
        rows.append(row)
    head = [
        ["编制类型", []],
        ["年初人数", []],
        ["本年增加", ["小计", *ENTRY]],
        ["本年减少", ["小计", *LEAVE]],
        ["内部调整", []],
        ["年末人数", []],
    ]
    note = "内部调整：本年内在编制类型之间调动等引起的增减（年末人数 = 年初人数 + 本年增加 − 本年减少 + 内部调整）。"
    return _table("staff_changes", "实有人员增减情况", head, rows, paper="A3", note=note)


def quota_changes_table(region, start_reg: RegisterAt, end_reg: RegisterAt) -> dict:
    start, end = start_reg.day + dt.timedelta(days=1), end_reg.day
    events = UnitEvent.objects.filter(
        unit__region=region,
        kind=UnitEventKind.QUOTA,
        occurred_on__gte=start,
        occurred_on__lte=end,
        baseline=False,
    ).values_list("establishment_type", "delta")
    up: Counter = Counter()
    down: Counter = Counter()
    for etype, delta in events:
        (up if delta > 0 else down)[etype] += abs(delta)

    def approved(reg: RegisterAt) -> Counter:
        out: Counter = Counter()
        for (unit_id, t), n in reg.figures.quotas.items():
            if unit_id in reg.units:
                out[t] += n
        return out

    begin, finish = approved(start_reg), approved(end_reg)
    rows = [[t, begin[t], up[t], down[t], finish[t] - begin[t] - up[t] + down[t], finish[t]] for t in TYPES]
    head = [
        ["编制类型", []],
        ["年初核定数", []],
        ["本年调整", ["增加", "减少"]],
        ["机构设立撤并等", []],
        ["年末核定数", []],
    ]
    note = "机构设立撤并等：随机构建账、撤销、合并计入或转出的核定数。"
    return _table("quota_changes", "编制增减情况", head, rows, note=note)


def unit_changes_list(region, start: dt.date, end: dt.date) -> dict:
    kinds = [UnitEventKind.FOUNDED, UnitEventKind.ABOLISHED, UnitEventKind.MERGED]
    events = (
        UnitEvent.objects.filter(
            unit__region=region, kind__in=kinds, occurred_on__gte=start, occurred_on__lte=end
        )
        .order_by("occurred_on", "id")
        .values_list(
            "kind", "unit__name", "unit__nature", "unit__parent__name", "occurred_on", "document__number"
        )
    )
    rows = [
        [kind, name, nature, parent or "", day.isoformat(), number or ""]
        for kind, name, nature, parent, day, number in events
    ]
    head = [["变动", []], ["机构名称", []], ["机构性质", []], ["上级机构", []], ["日期", []], ["文号", []]]
    return _table(
        "unit_changes", "本年机构设立、撤销和合并", head, rows, text_cols=6, total=False, compare=False
    )


def quota_events_list(region, start: dt.date, end: dt.date) -> dict:
    events = (
        UnitEvent.objects.filter(
            unit__region=region,
            kind__in=[UnitEventKind.QUOTA, UnitEventKind.POSTS],
            occurred_on__gte=start,
            occurred_on__lte=end,
            baseline=False,
        )
        .order_by("occurred_on", "id")
        .values_list(
            "unit__name",
            "establishment_type",
            "post_category",
            "occurred_on",
            "document__number",
            "delta",
            "balance",
        )
    )
    rows = [
        [
            name,
            etype or category,
            day.isoformat(),
            number or "",
            delta,
            balance if balance is not None else "",
        ]
        for name, etype, category, day, number, delta, balance in events
    ]
    head = [
        ["机构名称", []],
        ["编制类型或职数类别", []],
        ["日期", []],
        ["批准文号", []],
        ["增减数", []],
        ["调整后", []],
    ]
    return _table(
        "quota_events",
        "本年编制和领导职数调整（附批准文件）",
        head,
        rows,
        text_cols=4,
        total=False,
        compare=False,
    )


def step(progress, name: str, i: int, n: int) -> None:
    """Tell a background job (``yearbook.jobs``) its stage: ``name``, ``i - 1`` of ``n`` steps done."""
    if progress is not None:
        progress.stage(name, total=n)
        if i > 1:
            progress.advance(i - 1)


def build_tables(region, year: int, progress=None) -> dict:
    """Every table of the region's 统计年报 for ``year`` (as of 12-31), with a summary of the headline
    figures (``summary``) that the reconciliation test and the comparison read. ``progress``: a
    background job's, told a stage per table."""
    end = dt.date(year, 12, 31)
    step(progress, "读取上年末和本年末的登记数据", 1, 1)
    start_reg, end_reg = register_at(region, dt.date(year - 1, 12, 31)), register_at(region, end)
    makers = [
        lambda: units_table(end_reg),
        lambda: institutions_table(end_reg),
        lambda: quotas_table(end_reg),
        lambda: posts_table(end_reg),
        lambda: staff_table(end_reg),
        lambda: staff_kinds_table(end_reg),
        lambda: changes_table(region, start_reg, end_reg),
        lambda: quota_changes_table(region, start_reg, end_reg),
        lambda: unit_changes_list(region, dt.date(year, 1, 1), end),
        lambda: quota_events_list(region, dt.date(year, 1, 1), end),
    ]
    tables = []
    for i, make in enumerate(makers, start=1):
        step(progress, f"计算第{i}张表（共{len(makers)}张）", i, len(makers))
        tables.append(make())
    return {"year": year, "as_of": end.isoformat(), "tables": tables, "summary": summary(end_reg)}


def summary(reg: RegisterAt) -> dict:
    """The headline figures: units, approved and occupied per type, posts approved and held."""
    approved: Counter = Counter()
    for (unit_id, t), n in reg.figures.quotas.items():
        if unit_id in reg.units:
            approved[t] += n
    posts: Counter = Counter()
    for (unit_id, c), n in reg.figures.posts.items():
        if unit_id in reg.units:
            posts[c] += n
    occupied = Counter(p.establishment_type for p in reg.people)
    held = Counter(POST_CATEGORY_OF[p.leader_post] for p in reg.people if POST_CATEGORY_OF.get(p.leader_post))
    return {
        "units": len(reg.units),
        "people": len(reg.people),
        "approved": {t: approved[t] for t in TYPES},
        "occupied": {t: occupied[t] for t in TYPES},
        "posts": {c: posts[c] for c in CATEGORIES},
        "held": {c: held[c] for c in CATEGORIES},
        "baseline_units": len(reg.figures.baseline),
    }


def leaves(table: dict) -> list[tuple[str, str]]:
    """(group, sub) of each column; a column without subs is (group, group)."""
    return _leaves(table["head"])
