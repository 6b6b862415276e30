"""The comparison engine (FORMATS.md §3): register vs partner rows → findings. No ORM.

Rows are linked to register people by one polars join per source on the normalised ID number; the
rows that agree with their person on ID, 法人 unit and name need nothing more (org: a vectorised
category and post check), the few others are checked in Python with dict and set lookups. Every
unit comparison is between 法人 unit ids resolved once per distinct (unit name, credit code).
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

import polars as pl

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


class _People:
    """The register's people by position, built once per comparison and shared by the sources.

    ``frame`` is the polars frame of every person: k (position), id, unit (法人 unit), name.
    """

    def __init__(self, register: Register) -> None:
        people = register.people
        self.people = people
        self.pids = pids = list(people)
        self.persons = persons = list(people.values())
        self.size = len(pids)
        self.frame = pl.DataFrame(
            {
                "id": pids,
                "unit": list(map(itemgetter(P_UNIT), persons)),
                "name": list(map(itemgetter(P_NAME), persons)),
            },
            schema={"id": pl.String, "unit": pl.Int64, "name": pl.String},
        ).with_row_index("k")
        self._org_codes: pl.Series | None = None
        self.org_code = _OrgCodes()

    def org_codes(self) -> pl.Series:
        """Per person a small int for (人员类别 as the org data groups it, 领导职务)."""
        if self._org_codes is None:
            codes = map(self.org_code.__getitem__, map(itemgetter(P_CATEGORY, P_POST), self.persons))
            self._org_codes = pl.Series(list(codes), dtype=pl.UInt32)
        return self._org_codes


class _OrgCodes(dict):
    """(人员类别, 领导职务) as written -> a small int, equal for pairs the org checks treat as equal."""

    def __init__(self) -> None:
        super().__init__()
        self.norm: dict[tuple[str, str], int] = {}

    def __missing__(self, key):
        category, post = key
        code = self[key] = self.norm.setdefault((_org_category(category), post), len(self.norm))
        return code


class _SourceRun:
    """The per-source state: resolved units, the row used for each ID, the duplicate rows.

    ``pick`` joins the rows with the register on the ID number (polars) and keeps, per person, the
    first row that agrees on ID, 法人 unit and name (for si only 参保缴费 rows agree): the *hits*.
    ``remaining`` lists the people of ``people.frame`` never hit. The other rows (``slow``) are sorted
    out in Python: ``involved`` maps the register people they concern to the rows to check — the row
    the person checks use (``chosen``: first; for si the first 参保缴费 row, else the first other row)
    and for si the first 参保缴费 row (``paying``, -1: none) — and ``other`` / ``other_paying`` map IDs
    not in the register to the same rows. A hit person not in ``involved`` agrees in this source.
    """

    def __init__(self, rows: SourceRows, matcher: UnitMatcher, people: _People) -> None:
        self.rows = rows
        self.people = people
        self.unit_of = [matcher.match(name, credit) for name, credit in rows.units]
        self.remaining: list[int] = []
        self.slow: list[int] = []
        self.involved: dict[str, tuple[int, int]] = {}  # pid -> (chosen, paying)
        self.involved_hits: list[int] = []  # hit rows of involved people
        self.hit_refs: Counter = Counter()  # hit rows per distinct unit of the source
        self.org_differs: list[tuple[int, int]] = []  # org: (row, person) hits whose category or post differ
        self.other: dict[str, int] = {}
        self.other_paying: dict[str, int] = {}
        self.duplicates: dict[str, list[int]] = {}
        self.paying_code = -1
        self.per_ref: Counter = Counter()  # rows per distinct unit of the source
        if rows.source == SI:
            with contextlib.suppress(ValueError):
                self.paying_code = rows.extra_values.index(PAYING)

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
        """Join every row with the register (in polars), then sort out the other rows in Python."""
        rows, people = self.rows, self.people
        ids, extras = rows.ids, rows.extras
        si = rows.source == SI
        paying_code = self.paying_code
        refs = pl.Series("ref", rows.unit_refs, dtype=pl.UInt32)
        extra_codes = pl.Series("extra", extras, dtype=pl.UInt32)
        self.per_ref = _tally(refs)
        id_column = pl.Series("id", ids, dtype=pl.String)
        frame = pl.DataFrame(
            [
                id_column,
                pl.Series("name", rows.names, dtype=pl.String),
                pl.Series(self.unit_of, dtype=pl.Int64).gather(refs).alias("unit"),
            ]
        )
        frame = frame.with_row_index("i").lazy()
        if si:  # only a 参保缴费 row is the row used when there is one
            frame = frame.filter(extra_codes == paying_code if paying_code >= 0 else pl.lit(False))
        hits = (
            frame.join(people.frame.lazy(), on="id", how="inner")
            .filter((pl.col("unit") == pl.col("unit_right")) & (pl.col("name") == pl.col("name_right")))
            .group_by("k")
            .agg(pl.col("i").min())  # a person's first agreeing row
            .collect()
        )
        hit_rows = hits["i"]
        self.hit_refs = _tally(refs.gather(hit_rows))
        is_hit = _marks(len(ids), hit_rows)
        self.slow = slow = is_hit.not_().arg_true().to_list()
        self.remaining = _marks(people.size, hits["k"]).not_().arg_true().to_list()
        if rows.source == ORG and hits.height:
            row_codes = pl.Series([people.org_code[value] for value in rows.extra_values], dtype=pl.UInt32)
            differ = people.org_codes().gather(hits["k"]) != row_codes.gather(extra_codes.gather(hit_rows))
            self.org_differs = hits.filter(differ).sort("i").select("i", "k").rows()
        in_register = people.people
        involved: dict[str, list[int]] = {}
        other, other_paying, dups = self.other, self.other_paying, self.duplicates
        for i in slow:
            pid = ids[i]
            if not pid:
                continue
            if pid in in_register:
                seen = involved.get(pid)
                if seen is None:
                    involved[pid] = [i]
                else:
                    seen.append(i)
            elif not si:
                j = other.setdefault(pid, i)
                if j != i:
                    dups.setdefault(pid, [j]).append(i)
            elif extras[i] == paying_code:
                j = other_paying.setdefault(pid, i)
                if j != i:
                    dups.setdefault(pid, [j]).append(i)
            elif pid not in other:
                other[pid] = i
        if si:
            other.update(other_paying)
        else:
            self.other_paying = other
        # the involved people that were also hit: their hit row is checked with their other rows
        if involved:
            wanted = pl.Series(list(involved), dtype=pl.String).implode()
            for j in (is_hit & id_column.is_in(wanted)).arg_true().to_list():
                pid = ids[j]
                if si and all(extras[i] != paying_code for i in involved[pid]):
                    del involved[pid]  # history rows of a person whose 参保缴费 row agrees: nothing to do
                    continue
                involved[pid].append(j)
                self.involved_hits.append(j)  # counted with the hits, but checked (and counted) the slow way
        picked = self.involved
        for pid, seen in involved.items():
            seen.sort()
            if not si:
                picked[pid] = (seen[0], seen[0])
                if len(seen) > 1:
                    dups[pid] = seen
                continue
            paying = [i for i in seen if extras[i] == paying_code]
            picked[pid] = (paying[0], paying[0]) if paying else (seen[0], -1)
            if len(paying) > 1:
                dups[pid] = paying


def compare(
    register: Register, sources: dict[str, SourceRows], on_rows: Callable[[int], object] | None = None
) -> Result:
    """Run every check of FORMATS.md §3 for the sources given; returns findings sorted by code.

    ``on_rows(n)`` (optional, e.g. a job's ``Progress.advance``) is told as the partner rows are dealt
    with: per source, half of its rows once they are linked to the register and the rest once they are
    checked, so the calls add up to the number of partner rows. It never changes the result."""
    with _no_gc():
        return _compare(register, sources, on_rows or _ignore)


def _ignore(n: int) -> None:
    pass


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


def _tally(values: pl.Series) -> Counter:
    """How many times each value occurs (counted in polars)."""
    counts = values.value_counts()
    return Counter(dict(zip(counts[values.name].to_list(), counts["count"].to_list(), strict=True)))


def _marks(size: int, positions: pl.Series) -> pl.Series:
    """``size`` booleans, true at ``positions``."""
    return pl.repeat(False, size, eager=True).scatter(positions, True)


def link(
    register: Register, sources: dict[str, SourceRows], on_rows: Callable[[int], object] = _ignore
) -> list[_SourceRun]:
    """The matching step: each source's units resolved and its rows linked to register people
    (``on_rows``: half of each source's rows counted once linked, see ``compare``)."""
    matcher = UnitMatcher(register)
    people = _People(register) if sources else None
    runs = []
    for source in PARTNER_SOURCES:
        rows = sources.get(source)
        if rows is not None:
            run = _SourceRun(rows, matcher, people)
            run.pick()
            runs.append(run)
            on_rows(len(rows) // 2)
    return runs


def _compare(register: Register, sources: dict[str, SourceRows], on_rows: Callable[[int], object]) -> Result:
    result = Result(findings=[], register_people=len(register.people))
    out = result.findings
    for run in link(register, sources, on_rows):
        out += _unit_unknown(run, result)
        out += _invalid_ids(run)
        out += _duplicate_ids(run)
        out += _person_checks(register, run, result)
        on_rows(len(run.rows) - len(run.rows) // 2)
    out += _over_quota(register, result)
    out.sort(key=Finding.sort_key)
    return result


def _unit_unknown(run: _SourceRun, result: Result) -> list[Finding]:
    """Every row counts: one finding per distinct unit name (compared as unit_key) that matches none."""
    rows, label = run.rows, SOURCE_LABEL[run.rows.source]
    per_ref = run.per_ref
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


def _org_category(value: str) -> str:
    return value if value in ORG_CATEGORIES else "事业人员"


def _person_checks(register: Register, run: _SourceRun, result: Result) -> list[Finding]:
    """Every person check of one source, and the source's statistics and its people per unit.

    A person hit in ``pick`` and not involved agrees on ID, unit and name: only the org checks of
    leader post and category remain, done for all of them at once in C. The involved people get every
    check in Python; the people with no row at all are the missing ones.
    """
    rows, people = run.rows, run.people
    source, label = rows.source, SOURCE_LABEL[rows.source]
    units = register.units
    names, refs, unit_of, extras = rows.names, rows.unit_refs, run.unit_of, rows.extras
    extra_values = rows.extra_values
    out: list[Finding] = []
    add = out.append

    def person_finding(code, pid, person, note, cmp_info="") -> None:
        unit = units.get(person[P_UNIT])
        add(
            Finding(
                code,
                source,
                unit.name if unit else "",
                person[P_UNIT],
                person[P_NAME],
                pid,
                subject=pid,
                reg_info=_reg_info(register, person),
                cmp_info=cmp_info,
                note=note,
            )
        )

    def org_checks(pid, person, i) -> None:
        category, post = extra_values[extras[i]]
        for code, mine, theirs in (
            ("LEADER_POST_MISMATCH", person[P_POST], post),
            ("CATEGORY_MISMATCH", _org_category(person[P_CATEGORY]), _org_category(category)),
        ):
            if mine != theirs:
                person_finding(
                    code,
                    pid,
                    person,
                    f"实名制为“{mine}”，组织部门为“{theirs}”",
                    run.info(i, f"人员类别：{category}；领导职务：{post}"),
                )

    if source == FINANCE:
        missing_code, missing_note = "REG_NOT_IN_FIN", "财政供养名单中无此人"
        funded = {uid for uid, u in units.items() if u.funding in FUNDED}

        def wanted(person) -> bool:
            return person[P_UNIT] in funded

    elif source == ORG:
        missing_code, missing_note = "REG_NOT_IN_ORG", "组织部门数据中无此人"

        def wanted(person) -> bool:
            return person[P_CATEGORY] in ORG_CATEGORIES or person[P_POST] != NO_POST

    else:
        missing_code, missing_note = "REG_NOT_IN_SI", "人社部门数据中无此人"

        def wanted(person) -> bool:
            return True

    # the hit rows' units, counted per distinct unit of the source (the slow rows are counted below)
    per_ref = run.hit_refs.copy()
    for i in run.involved_hits:
        per_ref[refs[i]] -= 1
    counts: Counter = Counter()
    for ref, n in per_ref.items():
        unit_id = unit_of[ref]
        if n and unit_id is not None:
            counts[unit_id] += n

    involved = run.involved
    pids, persons, in_register = people.pids, people.persons, people.people
    for i, k in run.org_differs:
        if pids[k] not in involved:
            org_checks(pids[k], persons[k], i)

    mismatch_code = {ORG: "ORG_UNIT_MISMATCH", FINANCE: "FIN_UNIT_MISMATCH", SI: "SI_UNIT_MISMATCH"}[source]
    for pid, (i, used) in involved.items():
        person = in_register[pid]
        if used < 0:  # si: only rows in another status
            status = extra_values[extras[i]]
            person_finding(
                "REG_NOT_IN_SI", pid, person, f"参保状态为“{status}”", run.info(i, f"参保状态：{status}")
            )
        else:
            unit_id = unit_of[refs[used]]
            if unit_id is not None:
                counts[unit_id] += 1
            if unit_id != person[P_UNIT]:
                person_finding(
                    mismatch_code,
                    pid,
                    person,
                    "来源单位未匹配到在册机构" if unit_id is None else "来源单位与编制所在单位不同",
                    run.info(used),
                )
        if source == ORG:
            org_checks(pid, person, i)
        name = names[i]
        if person[P_NAME] != name and name_key(person[P_NAME]) != name_key(name):
            person_finding(
                "NAME_MISMATCH",
                pid,
                person,
                f"实名制为“{person[P_NAME]}”，{label}为“{name}”",
                run.info(i),
            )

    missing = 0
    for k in run.remaining:
        pid = pids[k]
        if pid in involved:
            continue
        missing += 1
        person = persons[k]
        if wanted(person):
            person_finding(missing_code, pid, person, missing_note)

    not_in_code = {ORG: "ORG_NOT_IN_REG", FINANCE: "FIN_NOT_IN_REG", SI: "SI_NOT_IN_REG"}[source]
    not_in_note = f"{label}有此人，实名制中无在编记录"
    for pid, i in run.other_paying.items():
        unit_id = unit_of[refs[i]]
        if unit_id is not None:
            counts[unit_id] += 1
        if source == ORG:
            extra = "人员类别：{}；领导职务：{}".format(*extra_values[extras[i]])
        else:
            extra = "参保状态：参保缴费" if source == SI else ""
        lines = rows.lines
        written = rows.units[refs[i]][0]
        name = names[i]
        add(
            Finding(
                not_in_code,
                source,
                written,
                unit_id,
                name,
                pid,
                "",
                "",
                f"单位：{written}；姓名：{name}；{extra}（第{lines[i]}行）"
                if extra
                else f"单位：{written}；姓名：{name}（第{lines[i]}行）",
                not_in_note,
                pid,
            )
        )
    result.unit_counts[source] = counts
    matched = people.size - missing
    stats = result.stats[source]
    stats.rows = len(rows)
    stats.valid_ids = matched + len(run.other)
    stats.matched_ids = matched
    return out


def _over_quota(register: Register, result: Result) -> list[Finding]:
    occupancy, holders, military = result.occupancy, result.post_holders, result.military
    people = register.people.values()
    occupancy.update(map(itemgetter(P_UNIT, P_TYPE), people))
    for person in [p for p in people if p[P_POST] in POST_CATEGORY or p[P_MILITARY]]:
        unit_id = person[P_UNIT]
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
