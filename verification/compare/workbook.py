"""The result workbook of a comparison (FORMATS.md §3): 问题清单, 比对概况, 附件2–5.

Written with ``xlsxout.write_fast_workbook`` (the same cells as ``bianzhi.lib.xlsx.write_workbook``,
several times faster: 问题清单 can have 100,000+ rows at province scale).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import IO

from bianzhi.lib.xlsx import SheetSpec
from units.choices import ALLOWED_TYPES, Nature
from verification.compare.data import PARTNER_SOURCES, REGISTER, SOURCE_LABEL, Register
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
    Nature.ORGAN: "附件2 行政机构",
    Nature.CIVIL_PI: "附件3 参公事业单位",
    Nature.PUBLIC_INSTITUTION: "附件4 事业单位",
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


def annex_sheet(nature: str, result: Result, register: Register, sources: Sequence[str]) -> SheetSpec:
    types = ALLOWED_TYPES[nature]
    labels = [SOURCE_LABEL[s] for s in PARTNER_SOURCES]
    count_names = {"org": "组织部门人数", "finance": "财政供养人数", "si": "参保人数"}
    headers = ["机构名称", "所在乡镇"]
    for t in types:
        headers += [f"{t}核定数", f"{t}实有数"]
    headers += ["实有人数合计", *count_names.values()]
    headers += [f"实有与{label}差额" for label in labels]
    for c in POST_CATEGORIES:
        headers += [f"{c}核定数", f"{c}实配数"]
    headers.append("问题数")
    findings_per_unit = Counter(f.unit_id for f in result.findings)
    rows = []
    for unit in sorted(register.units.values(), key=lambda u: u.id):
        if not unit.live or unit.nature != nature:
            continue
        row: list = [unit.name, unit.township or "县直"]
        total = 0
        for t in types:
            occupied = result.occupancy.get((unit.id, t), 0)
            total += occupied
            row += [register.quotas.get((unit.id, t), (0, 0))[0], occupied]
        counts = [result.unit_counts[s].get(unit.id, 0) if s in sources else None for s in PARTNER_SOURCES]
        row += [total, *counts, *[(total - n) if n is not None else None for n in counts]]
        for c in POST_CATEGORIES:
            row += [register.posts.get((unit.id, c), 0), result.post_holders.get((unit.id, c), 0)]
        row.append(findings_per_unit.get(unit.id, 0))
        rows.append(row)
    return SheetSpec(ANNEX_SHEETS[nature], headers, rows, widths={1: 30})


def military_sheet(result: Result, register: Register) -> SheetSpec:
    rows = []
    for (unit_id, _etype), (_approved, earmark) in sorted(register.quotas.items()):
        unit = register.units.get(unit_id)
        if earmark > 0 and unit is not None and unit.live:
            used = result.military.get(unit_id, 0)
            rows.append([unit.name, earmark, used, earmark - used])
    return SheetSpec(MILITARY_SHEET, ["机构名称", "下达数", "已使用", "未使用"], rows, widths={1: 30})


def write_result(
    out: str | os.PathLike | IO[bytes],
    result: Result,
    register: Register,
    sources: Sequence[str],
    *,
    exported_by: str = "",
) -> None:
    sheets = [findings_sheet(result.findings), summary_sheet(result, sources, register.cutoff)]
    sheets += [annex_sheet(n, result, register, sources) for n in ANNEX_SHEETS]
    sheets.append(military_sheet(result, register))
    write_fast_workbook(out, sheets, exported_by=exported_by)
