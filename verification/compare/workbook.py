"""The result workbook of a comparison (FORMATS.md §3): 问题清单, 比对概况, 附件2–5.

Written with ``xlsxout.write_fast_workbook`` (the same cells as ``bianzhi.lib.xlsx.write_workbook``,
several times faster: 问题清单 can have 100,000+ rows at province scale).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from bianzhi.lib.xlsx import SheetSpec
from verification.compare.data import (
    ANNEX_TYPES,
    CIVIL_PI,
    ORGAN,
    PARTNER_SOURCES,
    PUBLIC_INSTITUTION,
    REGISTER,
    SOURCE_LABEL,
    Register,
)
from verification.compare.engine import CODES, POST_CATEGORIES, Finding, Result
from verification.compare.xlsxout import write_fast_workbook

FINDING_HEADERS = [
    "问题代码",
    "问题类型",
    "数据来源",
    "单位名称",
    "姓名",
    "公民身份号码",
    "类别",
    "实名制信息",
    "比对信息",
    "说明",
]
ANNEX_SHEETS = {
    ORGAN: "附件2 行政机构",
    CIVIL_PI: "附件3 参公事业单位",
    PUBLIC_INSTITUTION: "附件4 事业单位",
}
MILITARY_SHEET = "附件5 军转干部"


def finding_row(f: Finding) -> list:
    return [
        f.code,
        f.title,
        f.source_label,
        f.unit_name,
        f.person_name,
        f.id_number,
        f.category,
        f.reg_info,
        f.cmp_info,
        f.note,
    ]


def findings_sheet(findings: Iterable[Finding]) -> SheetSpec:
    return SheetSpec(
        "问题清单",
        FINDING_HEADERS,
        (finding_row(f) for f in findings),
        widths={1: 22, 2: 28, 3: 10, 4: 28, 5: 10, 6: 21, 7: 14, 8: 50, 9: 50, 10: 40},
    )


def summary_sheet(result: Result, sources: Sequence[str], cutoff: dt.date | None) -> SheetSpec:
    rows: list[list] = [
        ["数据时点", "实名制", cutoff.isoformat() if cutoff else "当前"],
        ["实名制在编人数", "实名制", result.register_people],
    ]
    for source in sources:
        stats, label = result.stats[source], SOURCE_LABEL[source]
        rows += [
            ["读取行数", label, stats.rows],
            ["有效身份证号数", label, stats.valid_ids],
            ["与实名制匹配的身份证号数", label, stats.matched_ids],
            ["未匹配单位数", label, stats.unmatched_units],
        ]
    by_code, by_source = result.count_by_code(), result.count_by_source()
    rows += [
        ["问题数（按问题代码）", f"{code} {title}", by_code.get(code, 0)] for code, title in CODES.items()
    ]
    rows += [["问题数（按数据来源）", SOURCE_LABEL[s], by_source.get(s, 0)] for s in (REGISTER, *sources)]
    rows.append(["问题总数", "", len(result.findings)])
    return SheetSpec("比对概况", ["项目", "对象", "数量"], rows, widths={1: 26, 2: 40, 3: 12})


@dataclass
class AnnexUnit:
    """One unit's row of 附件2–5: figures as of the cut-off, partner head counts, findings.

    Built from a comparison's register (``register_annex_units``) or from a campaign's snapshots
    (``verification.campaign.selectors.annex_units``); ``annex_sheets`` writes either the same way."""

    name: str
    township: str
    nature: str
    quotas: dict[str, int] = field(default_factory=dict)  # 编制类型 -> 核定数
    occupied: dict[str, int] = field(default_factory=dict)  # 编制类型 -> 实有数
    posts: dict[str, int] = field(default_factory=dict)  # 职数类别 -> 核定数
    held: dict[str, int] = field(default_factory=dict)  # 职数类别 -> 实配数
    counts: dict[str, int | None] = field(default_factory=dict)  # source -> people (None: not compared)
    findings: int = 0
    baseline: bool = False  # the figures at the cut-off come from 建账
    earmark: int = 0  # 军转行政编制 下达数
    military: int = 0  # 军转干部 in establishment on 行政编制


BASELINE_NOTE = "建账数（核定数为建账导入数）"


def annex_sheet(nature: str, units: Sequence[AnnexUnit]) -> SheetSpec:
    types = ANNEX_TYPES[nature]
    labels = [SOURCE_LABEL[s] for s in PARTNER_SOURCES]
    count_names = {"org": "组织部门人数", "finance": "财政供养人数", "si": "参保人数"}
    headers = ["机构名称", "所在乡镇"]
    for t in types:
        headers += [f"{t}核定数", f"{t}实有数"]
    headers += ["实有人数合计", *count_names.values()]
    headers += [f"实有与{label}差额" for label in labels]
    for c in POST_CATEGORIES:
        headers += [f"{c}核定数", f"{c}实配数"]
    headers += ["问题数", "备注"]
    rows = []
    for unit in units:
        if unit.nature != nature:
            continue
        row: list = [unit.name, unit.township or "县直"]
        total = 0
        for t in types:
            occupied = unit.occupied.get(t, 0)
            total += occupied
            row += [unit.quotas.get(t, 0), occupied]
        counts = [unit.counts.get(s) for s in PARTNER_SOURCES]
        row += [total, *counts, *[(total - n) if n is not None else None for n in counts]]
        for c in POST_CATEGORIES:
            row += [unit.posts.get(c, 0), unit.held.get(c, 0)]
        row += [unit.findings, BASELINE_NOTE if unit.baseline else ""]
        rows.append(row)
    return SheetSpec(ANNEX_SHEETS[nature], headers, rows, widths={1: 30})


def military_sheet(units: Sequence[AnnexUnit]) -> SheetSpec:
    rows = [[u.name, u.earmark, u.military, u.earmark - u.military] for u in units if u.earmark > 0]
    return SheetSpec(MILITARY_SHEET, ["机构名称", "下达数", "已使用", "未使用"], rows, widths={1: 30})


def annex_sheets(units: Sequence[AnnexUnit]) -> list[SheetSpec]:
    """附件2 行政机构, 附件3 参公事业单位, 附件4 事业单位, 附件5 军转干部 (FORMATS.md §3)."""
    return [*(annex_sheet(n, units) for n in ANNEX_SHEETS), military_sheet(units)]


def register_annex_units(result: Result, register: Register, sources: Sequence[str]) -> list[AnnexUnit]:
    """The live 法人 units of a comparison's register as 附件 rows (figures at the register's date)."""
    findings_per_unit = Counter(f.unit_id for f in result.findings)
    index: dict[int, AnnexUnit] = {}
    for unit in sorted(register.units.values(), key=lambda u: u.id):
        if unit.live and not unit.is_division:
            index[unit.id] = AnnexUnit(
                name=unit.name,
                township=unit.township,
                nature=unit.nature,
                counts={
                    s: result.unit_counts[s].get(unit.id, 0) if s in sources else None
                    for s in PARTNER_SOURCES
                },
                findings=findings_per_unit.get(unit.id, 0),
                baseline=unit.id in register.baseline,
                military=result.military.get(unit.id, 0),
            )
    for (unit_id, t), (approved, earmark) in register.quotas.items():
        if unit_id in index:
            index[unit_id].quotas[t] = approved
            index[unit_id].earmark += earmark
    for (unit_id, t), n in result.occupancy.items():
        if unit_id in index:
            index[unit_id].occupied[t] = n
    for (unit_id, c), n in register.posts.items():
        if unit_id in index:
            index[unit_id].posts[c] = n
    for (unit_id, c), n in result.post_holders.items():
        if unit_id in index:
            index[unit_id].held[c] = n
    return list(index.values())


def write_result(
    out: str | os.PathLike | IO[bytes],
    result: Result,
    register: Register,
    sources: Sequence[str],
    *,
    exported_by: str = "",
    annexes: Sequence[AnnexUnit] | None = None,
) -> None:
    """The result workbook; 附件2–5 from ``annexes`` (a campaign's snapshots) or else from the register."""
    units = annexes if annexes is not None else register_annex_units(result, register, sources)
    sheets = [findings_sheet(result.findings), summary_sheet(result, sources, register.cutoff)]
    sheets += annex_sheets(units)
    write_fast_workbook(out, sheets, exported_by=exported_by)


def write_annexes(
    out: str | os.PathLike | IO[bytes], units: Sequence[AnnexUnit], *, exported_by: str = ""
) -> None:
    """附件2–5 alone (``campaign_export``, the campaign's 附件2–5 download)."""
    write_fast_workbook(out, annex_sheets(units), exported_by=exported_by)
