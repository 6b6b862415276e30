"""The comparison engine (FORMATS.md §3): register vs partner rows → findings. Pure Python, no ORM.

Every person check is a dict or set lookup keyed by the normalised ID number; every unit comparison
is between 法人 unit ids resolved once per distinct (unit name, credit code) of a source.
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bianzhi.lib.text import name_key
from verification.compare.data import (
    FINANCE,
    ORG,
    P_CATEGORY,
    P_MILITARY,
    P_NAME,
    P_POST,
    P_TYPE,
    P_UNIT,
    PARTNER_SOURCES,
    REGISTER,
    SI,
    SOURCE_LABEL,
    Register,
    SourceRows,
)
from verification.compare.matching import UnitMatcher, credit_key, unit_key

CODES: dict[str, str] = {
    "REG_NOT_IN_FIN": "实名制在编、财政供养名单无",
    "FIN_NOT_IN_REG": "财政供养、实名制无",
    "FIN_UNIT_MISMATCH": "财政供养单位与编制单位不一致",
    "REG_NOT_IN_ORG": "实名制在编、组织部门无",
    "ORG_NOT_IN_REG": "组织部门有、实名制无",
    "ORG_UNIT_MISMATCH": "组织部门单位与编制单位不一致",
    "LEADER_POST_MISMATCH": "领导职务不一致",
    "CATEGORY_MISMATCH": "人员类别不一致",
    "REG_NOT_IN_SI": "实名制在编、未正常参保",
    "SI_NOT_IN_REG": "参保在缴、实名制无",
    "SI_UNIT_MISMATCH": "参保单位与编制单位不一致",
    "NAME_MISMATCH": "姓名不一致",
    "INVALID_ID": "身份证号码无效",
    "DUPLICATE_ID": "身份证号码重复",
    "OVER_QUOTA": "超编",
    "OVER_LEADER_POSTS": "超职数",
    "UNIT_UNKNOWN": "单位未在实名制中",
}
CODE_ORDER = {code: i for i, code in enumerate(CODES)}

PAYING = "参保缴费"
FUNDED = ("全额拨款", "差额补贴")
ORG_CATEGORIES = ("公务员", "参公人员")
NO_POST = "无"
POST_CATEGORY = {
    "单位正职": "单位正职",
    "单位副职": "单位副职",
    "内设机构正职": "内设机构领导",
    "内设机构副职": "内设机构领导",
}
POST_CATEGORIES = ("单位正职", "单位副职", "内设机构领导")


@dataclass(slots=True)
class Finding:
    """One problem found by the comparison (a row of 问题清单)."""

    code: str
    source: str  # register / org / finance / si
    unit_name: str
    unit_id: int | None = None
    person_name: str = ""
    id_number: str = ""
    category: str = ""
    reg_info: str = ""
    cmp_info: str = ""
    note: str = ""
    subject: str = ""  # what identifies it besides code and source (ID, unit key, raw ID …)

    @property
    def title(self) -> str:
        return CODES[self.code]

    @property
    def source_label(self) -> str:
        return SOURCE_LABEL[self.source]

    @property
    def key(self) -> str:
        """Stable identity across runs: code, source, the person or unit, the category."""
        return f"{self.code}|{self.source}|{self.subject}|{self.category}"

    def sort_key(self) -> tuple:
        return (
            CODE_ORDER[self.code],
            self.source,
            self.unit_name,
            self.id_number,
            self.category,
            self.subject,
        )


@dataclass
class SourceStats:
    rows: int = 0
    valid_ids: int = 0
    matched_ids: int = 0
    unmatched_units: int = 0


@dataclass
class Result:
    findings: list[Finding]
    register_people: int
    stats: dict[str, SourceStats] = field(default_factory=dict)
    unit_counts: dict[str, Counter] = field(default_factory=dict)  # source -> 法人 unit id -> people
    occupancy: Counter = field(default_factory=Counter)  # (unit, 编制类型) -> people
    post_holders: Counter = field(default_factory=Counter)  # (unit, 职数类别) -> people
    military: Counter = field(default_factory=Counter)  # unit -> 军转干部 on 行政编制
    unmatched: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)  # name, credit, rows

    def count_by_code(self) -> Counter:
        return Counter(f.code for f in self.findings)

    def count_by_source(self) -> Counter:
        return Counter(f.source for f in self.findings)


def _reg_info(register: Register, person) -> str:
    unit = register.units.get(person[P_UNIT])
    return (
        f"单位：{unit.name if unit else ''}；编制类型：{person[P_TYPE]}；人员类别：{person[P_CATEGORY]}；"
        f"领导职务：{person[P_POST]}；姓名：{person[P_NAME]}"
    )


class _SourceRun:
    """The per-source state: resolved units, the row used for each ID, the duplicate rows."""

    def __init__(self, rows: SourceRows, matcher: UnitMatcher) -> None:
        self.rows = rows
        self.unit_of = [matcher.match(name, credit) for name, credit in rows.units]
        self.chosen: dict[str, int] = {}
        self.paying: dict[str, int] = {}
        self.duplicates: dict[str, list[int]] = {}

    def unit(self, index: int) -> int | None:
        return self.unit_of[self.rows.unit_refs[index]]

    def written_unit(self, index: int) -> str:
        return self.rows.units[self.rows.unit_refs[index]][0]

    def info(self, index: int, extra: str = "") -> str:
        rows = self.rows
        text = f"单位：{self.written_unit(index)}；姓名：{rows.names[index]}"
        return (
            f"{text}；{extra}（第{rows.lines[index]}行）" if extra else f"{text}（第{rows.lines[index]}行）"
        )

    def pick(self) -> None:
        """The row each ID is checked with (first; for si the 参保缴费 row) and the repetitions."""
        rows, ids = self.rows, self.rows.ids
        if rows.source != SI:
            chosen, dups = self.chosen, self.duplicates
            for i, pid in enumerate(ids):
                if pid:
                    j = chosen.setdefault(pid, i)
                    if j != i:
                        dups.setdefault(pid, [j]).append(i)
            return
        try:
            paying_code = rows.extra_values.index(PAYING)
        except ValueError:
            paying_code = -1
        first: dict[str, int] = {}
        paying, dups, extras = self.paying, self.duplicates, rows.extras
        for i, pid in enumerate(ids):
            if not pid:
                continue
            if extras[i] == paying_code:
                j = paying.setdefault(pid, i)
                if j != i:
                    dups.setdefault(pid, [j]).append(i)
            else:
                first.setdefault(pid, i)
        first.update(paying)
        self.chosen = first


def compare(register: Register, sources: dict[str, SourceRows]) -> Result:
    """Run every check of FORMATS.md §3 for the sources given; returns findings sorted by code."""
    with _no_gc():
        return _compare(register, sources)


@contextlib.contextmanager
def _no_gc():
    """The cyclic GC rescans millions of fresh tuples for nothing (no cycles are made here)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compare(register: Register, sources: dict[str, SourceRows]) -> Result:
    matcher = UnitMatcher(register)
    result = Result(findings=[], register_people=len(register.people))
    out = result.findings
    for source in PARTNER_SOURCES:
        rows = sources.get(source)
        if rows is None:
            continue
        run = _SourceRun(rows, matcher)
        run.pick()
        out += _unit_unknown(run, result)
        out += _invalid_ids(run)
        out += _duplicate_ids(run)
        out += _PERSON_CHECKS[source](register, run)
        out += _names(register, run)
        _stats(register, run, result)
    out += _over_quota(register, result)
    out.sort(key=Finding.sort_key)
    return result


def _stats(register: Register, run: _SourceRun, result: Result) -> None:
    people = register.people
    used = run.paying if run.rows.source == SI else run.chosen
    counts: Counter = Counter()
    for i in used.values():
        unit_id = run.unit(i)
        if unit_id is not None:
            counts[unit_id] += 1
    result.unit_counts[run.rows.source] = counts
    stats = result.stats[run.rows.source]
    stats.rows = len(run.rows)
    stats.valid_ids = len(run.chosen)
    stats.matched_ids = sum(1 for pid in run.chosen if pid in people)


def _unit_unknown(run: _SourceRun, result: Result) -> list[Finding]:
    """Every row counts: one finding per distinct unit name (compared as unit_key) that matches none."""
    rows, label = run.rows, SOURCE_LABEL[run.rows.source]
    per_ref = Counter(rows.unit_refs)
    by_key: dict[str, list] = {}
    for ref, (name, credit) in enumerate(rows.units):
        if run.unit_of[ref] is None and per_ref[ref]:
            entry = by_key.setdefault(unit_key(name), [name, credit, 0])
            entry[2] += per_ref[ref]
    result.unmatched[rows.source] = [tuple(v) for v in by_key.values()]
    result.stats[rows.source] = SourceStats(unmatched_units=len(by_key))
    return [
        Finding(
            "UNIT_UNKNOWN",
            rows.source,
            name,
            subject=key,
            cmp_info=f"{label}单位名称：{name}"
            + (f"；统一社会信用代码：{credit_key(credit)}" if credit else ""),
            note=f"涉及{n}行，机构名称、其他名称和统一社会信用代码均未匹配到唯一的在册机构",
        )
        for key, (name, credit, n) in by_key.items()
    ]


def _invalid_ids(run: _SourceRun) -> list[Finding]:
    rows, out = run.rows, []
    for i, raw in rows.raw_ids.items():
        out.append(
            Finding(
                "INVALID_ID",
                rows.source,
                run.written_unit(i),
                run.unit(i),
                rows.names[i],
                raw,
                subject=f"{credit_key(raw)}|{name_key(rows.names[i])}",
                cmp_info=run.info(i),
                note=f"第{rows.lines[i]}行的公民身份号码无效",
            )
        )
    return out


def _duplicate_ids(run: _SourceRun) -> list[Finding]:
    rows, out = run.rows, []
    what = "参保缴费行" if rows.source == SI else "行"
    for pid, indexes in run.duplicates.items():
        i = indexes[0]
        lines = "、".join(str(rows.lines[j]) for j in indexes)
        units = "、".join(dict.fromkeys(run.written_unit(j) for j in indexes))
        out.append(
            Finding(
                "DUPLICATE_ID",
                rows.source,
                run.written_unit(i),
                run.unit(i),
                rows.names[i],
                pid,
                subject=pid,
                cmp_info=f"单位：{units}",
                note=f"同一公民身份号码出现在{len(indexes)}个{what}（第{lines}行）",
            )
        )
    return out


def _missing(
    register: Register,
    run: _SourceRun,
    code: str,
    present: dict[str, int] | set,
    wanted: Iterable[tuple[str, tuple]],
    note: str,
) -> list[Finding]:
    out = []
    for pid, person in wanted:
        if pid not in present:
            unit = register.units.get(person[P_UNIT])
            out.append(
                Finding(
                    code,
                    run.rows.source,
                    unit.name if unit else "",
                    person[P_UNIT],
                    person[P_NAME],
                    pid,
                    subject=pid,
                    reg_info=_reg_info(register, person),
                    note=note,
                )
            )
    return out


def _not_in_register(
    register: Register, run: _SourceRun, code: str, indexes: Iterable[tuple[str, int]], extra=lambda i: ""
) -> list[Finding]:
    out, people, rows = [], register.people, run.rows
    for pid, i in indexes:
        if pid not in people:
            out.append(
                Finding(
                    code,
                    rows.source,
                    run.written_unit(i),
                    run.unit(i),
                    rows.names[i],
                    pid,
                    subject=pid,
                    cmp_info=run.info(i, extra(i)),
                    note=f"{SOURCE_LABEL[rows.source]}有此人，实名制中无在编记录",
                )
            )
    return out


def _unit_mismatch(
    register: Register, run: _SourceRun, code: str, indexes: Iterable[tuple[str, int]]
) -> list[Finding]:
    out, people, rows = [], register.people, run.rows
    for pid, i in indexes:
        person = people.get(pid)
        if person is None:
            continue
        unit_id = run.unit(i)
        if unit_id != person[P_UNIT]:
            unit = register.units.get(person[P_UNIT])
            note = "来源单位未匹配到在册机构" if unit_id is None else "来源单位与编制所在单位不同"
            out.append(
                Finding(
                    code,
                    rows.source,
                    unit.name if unit else "",
                    person[P_UNIT],
                    person[P_NAME],
                    pid,
                    subject=pid,
                    reg_info=_reg_info(register, person),
                    cmp_info=run.info(i),
                    note=note,
                )
            )
    return out


def _finance(register: Register, run: _SourceRun) -> list[Finding]:
    units, chosen = register.units, run.chosen
    funded = (
        (pid, p)
        for pid, p in register.people.items()
        if (u := units.get(p[P_UNIT])) is not None and u.funding in FUNDED
    )
    return (
        _missing(register, run, "REG_NOT_IN_FIN", chosen, funded, "财政供养名单中无此人")
        + _not_in_register(register, run, "FIN_NOT_IN_REG", chosen.items())
        + _unit_mismatch(register, run, "FIN_UNIT_MISMATCH", chosen.items())
    )


def _org_category(value: str) -> str:
    return value if value in ORG_CATEGORIES else "事业人员"


def _org(register: Register, run: _SourceRun) -> list[Finding]:
    chosen, rows, people = run.chosen, run.rows, register.people
    wanted = (
        (pid, p) for pid, p in people.items() if p[P_CATEGORY] in ORG_CATEGORIES or p[P_POST] != NO_POST
    )
    out = (
        _missing(register, run, "REG_NOT_IN_ORG", chosen, wanted, "组织部门数据中无此人")
        + _not_in_register(
            register,
            run,
            "ORG_NOT_IN_REG",
            chosen.items(),
            lambda i: "人员类别：{}；领导职务：{}".format(*rows.extra(i)),
        )
        + _unit_mismatch(register, run, "ORG_UNIT_MISMATCH", chosen.items())
    )
    for pid, i in chosen.items():
        person = people.get(pid)
        if person is None:
            continue
        category, post = rows.extra(i)
        for code, mine, theirs in (
            ("LEADER_POST_MISMATCH", person[P_POST], post),
            ("CATEGORY_MISMATCH", _org_category(person[P_CATEGORY]), _org_category(category)),
        ):
            if mine != theirs:
                unit = register.units.get(person[P_UNIT])
                out.append(
                    Finding(
                        code,
                        rows.source,
                        unit.name if unit else "",
                        person[P_UNIT],
                        person[P_NAME],
                        pid,
                        subject=pid,
                        reg_info=_reg_info(register, person),
                        cmp_info=run.info(i, f"人员类别：{category}；领导职务：{post}"),
                        note=f"实名制为“{mine}”，组织部门为“{theirs}”",
                    )
                )
    return out


def _si(register: Register, run: _SourceRun) -> list[Finding]:
    paying, rows = run.paying, run.rows
    out = []
    for pid, person in register.people.items():
        if pid not in paying:
            other = run.chosen.get(pid)
            note = "人社部门数据中无此人" if other is None else f"参保状态为“{rows.extra(other)}”"
            unit = register.units.get(person[P_UNIT])
            out.append(
                Finding(
                    "REG_NOT_IN_SI",
                    SI,
                    unit.name if unit else "",
                    person[P_UNIT],
                    person[P_NAME],
                    pid,
                    subject=pid,
                    reg_info=_reg_info(register, person),
                    cmp_info=run.info(other, f"参保状态：{rows.extra(other)}") if other is not None else "",
                    note=note,
                )
            )
    return (
        out
        + _not_in_register(register, run, "SI_NOT_IN_REG", paying.items(), lambda i: "参保状态：参保缴费")
        + _unit_mismatch(register, run, "SI_UNIT_MISMATCH", paying.items())
    )


_PERSON_CHECKS = {ORG: _org, FINANCE: _finance, SI: _si}


def _names(register: Register, run: _SourceRun) -> list[Finding]:
    out, people, rows = [], register.people, run.rows
    names = rows.names
    for pid, i in run.chosen.items():
        person = people.get(pid)
        if person is None or person[P_NAME] == names[i]:
            continue
        if name_key(person[P_NAME]) != name_key(names[i]):
            unit = register.units.get(person[P_UNIT])
            out.append(
                Finding(
                    "NAME_MISMATCH",
                    rows.source,
                    unit.name if unit else "",
                    person[P_UNIT],
                    person[P_NAME],
                    pid,
                    subject=pid,
                    reg_info=_reg_info(register, person),
                    cmp_info=run.info(i),
                    note=f"实名制为“{person[P_NAME]}”，{SOURCE_LABEL[rows.source]}为“{names[i]}”",
                )
            )
    return out


def _over_quota(register: Register, result: Result) -> list[Finding]:
    occupancy, holders, military = result.occupancy, result.post_holders, result.military
    for person in register.people.values():
        unit_id = person[P_UNIT]
        occupancy[(unit_id, person[P_TYPE])] += 1
        category = POST_CATEGORY.get(person[P_POST])
        if category:
            holders[(unit_id, category)] += 1
        if person[P_MILITARY] and person[P_TYPE] == "行政编制":
            military[unit_id] += 1
    out = []
    for (unit_id, etype), n in sorted(occupancy.items()):
        approved = register.quotas.get((unit_id, etype), (0, 0))[0]
        if n > approved:
            out.append(_unit_finding(register, "OVER_QUOTA", unit_id, etype, n, approved, "编制"))
    for (unit_id, category), n in sorted(holders.items()):
        approved = register.posts.get((unit_id, category), 0)
        if n > approved:
            out.append(_unit_finding(register, "OVER_LEADER_POSTS", unit_id, category, n, approved, "职数"))
    return out


def _unit_finding(
    register: Register, code: str, unit_id: int, category: str, n: int, approved: int, what: str
) -> Finding:
    unit = register.units.get(unit_id)
    return Finding(
        code,
        REGISTER,
        unit.name if unit else "",
        unit_id,
        category=category,
        subject=str(unit_id),
        reg_info=f"核定{approved}，实有{n}",
        note=f"{category}超出核定{what}{n - approved}名",
    )
