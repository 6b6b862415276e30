"""Reading and validating partner files (FORMATS.md §0 and §3) into compact ``SourceRows``.

All-or-nothing per file: any row error means the file is not used (the command exits 1 and writes
``<file>.errors.xlsx``). A row whose ID number is invalid is *not* a row error: it is kept and becomes
an INVALID_ID finding. ``UnreadableWorkbook`` (exit 2) comes from ``bianzhi.lib.xlsx.read_sheet``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import IO, Any

from bianzhi.lib.idnumbers import InvalidNumber, normalize_id
from bianzhi.lib.text import clean_cell
from bianzhi.lib.xlsx import RowError, map_headers, read_sheet
from verification.compare.data import FINANCE, ORG, SI, SourceRows
from verification.compare.engine import _no_gc

ID_ALIASES = ("身份证号", "身份证号码", "证件号码")
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    ORG: {
        "姓名": (),
        "公民身份号码": ID_ALIASES,
        "单位名称": ("工作单位",),
        "统一社会信用代码": (),
        "人员类别": (),
        "领导职务": (),
        "职务": (),
    },
    FINANCE: {
        "姓名": (),
        "公民身份号码": ID_ALIASES,
        "单位名称": ("预算单位名称",),
        "统一社会信用代码": (),
        "经费形式": (),
    },
    SI: {
        "姓名": (),
        "公民身份号码": ID_ALIASES,
        "参保单位名称": ("单位名称", "参保单位"),
        "统一社会信用代码": (),
        "参保状态": (),
    },
}
UNIT_COLUMN = {ORG: "单位名称", FINANCE: "单位名称", SI: "参保单位名称"}
REQUIRED: dict[str, tuple[str, ...]] = {
    ORG: ("姓名", "公民身份号码", "单位名称", "人员类别", "领导职务"),
    FINANCE: ("姓名", "公民身份号码", "单位名称"),
    SI: ("姓名", "公民身份号码", "参保单位名称", "参保状态"),
}
ORG_CATEGORY_VALUES = ("公务员", "参公人员", "事业人员", "其他")
LEADER_POST_VALUES = ("单位正职", "单位副职", "内设机构正职", "内设机构副职", "无")
FUNDING_VALUES = ("全额拨款", "差额补贴", "自收自支")
SI_STATUS_VALUES = ("参保缴费", "暂停缴费", "终止参保")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_dates: dict[str, bool] = {}


def _date_ok(text: str) -> bool:
    ok = _dates.get(text)
    if ok is None:
        try:
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            ok = 1900 <= day.year and day <= dt.date.today()
        except ValueError:
            ok = False
        _dates[text] = ok
    return ok


def fast_id(text: str) -> str:
    """``normalize_id`` with a fast path for the common clean 18-character form (same results)."""
    if len(text) == 18 and text.isascii() and text[:17].isdigit():
        last = text[17].upper()
        if (last == "X" or last.isdigit()) and _date_ok(text[6:14]):
            total = sum(int(c) * w for c, w in zip(text, _WEIGHTS, strict=False))
            if _CHECK[total % 11] == last:
                return text[:17] + last
    return normalize_id(text)


@dataclass
class ReadResult:
    """A partner file read: its rows when valid, else the row errors; unknown headers as warnings."""

    rows: SourceRows | None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _cleaner():
    """clean_cell with a cache: unit names and coded values repeat on most rows."""
    cache: dict[Any, str] = {}

    def clean(value: Any) -> str:
        try:
            out = cache.get(value)
        except TypeError:
            return clean_cell(value)
        if out is None:
            out = clean_cell(value)
            if len(cache) < 200_000:
                cache[value] = out
        return out

    return clean


def read_partner(
    source_file: str | os.PathLike | bytes | IO[bytes],
    source: str,
    *,
    filename: str,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> ReadResult:
    """Read one partner file (first sheet); raises UnreadableWorkbook when it is not a workbook."""
    with _no_gc():
        return _read_partner(source_file, source, filename=filename, max_bytes=max_bytes, max_rows=max_rows)


def _read_partner(
    source_file, source: str, *, filename: str, max_bytes: int | None, max_rows: int | None
) -> ReadResult:
    sheet = read_sheet(source_file, filename=filename, max_bytes=max_bytes, max_rows=max_rows)
    columns = COLUMNS[source]
    header = map_headers(sheet.header, columns, REQUIRED[source])
    warnings = [f"{sheet.name} 第1行 {text}: 未知列，已忽略" for text in header.unknown]
    if header.missing:
        return ReadResult(None, [RowError(sheet.name, 1, c, "缺少必填列") for c in header.missing], warnings)
    rows = SourceRows(source=source, sheet=sheet.name, filename=str(filename))
    errors: list[RowError] = []
    width = max(header.index.values()) + 1
    at = {c: header.index.get(c) for c in columns}
    i_name, i_id, i_unit, i_credit = (
        at["姓名"],
        at["公民身份号码"],
        at[UNIT_COLUMN[source]],
        at["统一社会信用代码"],
    )
    extra_of = _EXTRA[source]
    clean, clean_unit = _cleaner(), _cleaner()
    data, sheet.rows = sheet.rows, []  # let the raw rows go as they are consumed
    data.reverse()
    while data:
        line, values = data.pop()
        if len(values) < width:
            values = list(values) + [None] * (width - len(values))
        name = clean_cell(values[i_name])
        unit_name = clean_unit(values[i_unit])
        row_errors = []
        if not name:
            row_errors.append(RowError(sheet.name, line, "姓名", "不能为空"))
        if not unit_name:
            row_errors.append(RowError(sheet.name, line, UNIT_COLUMN[source], "不能为空"))
        extra = extra_of(values, at, clean, sheet.name, line, row_errors)
        if row_errors:
            errors += row_errors
            continue
        if errors:
            continue
        raw = values[i_id]
        raw_text = raw if isinstance(raw, str) else clean_cell(raw)
        try:
            number = fast_id(raw_text)
        except InvalidNumber:
            number = ""
        credit = clean_unit(values[i_credit]) if i_credit is not None else ""
        rows.add(line, name, number, unit_name, credit, extra, raw_id=clean_cell(raw_text))
    if errors:
        return ReadResult(None, errors, warnings)
    return ReadResult(rows, [], warnings)


def _choice(
    values,
    at,
    clean,
    column: str,
    allowed: tuple[str, ...],
    sheet: str,
    line: int,
    errors: list[RowError],
    *,
    default: str | None = None,
) -> str:
    index = at.get(column)
    value = clean(values[index]) if index is not None else ""
    if not value and default is not None:
        return default
    if value not in allowed:
        what = f"“{value}”不是有效值" if value else "不能为空"
        errors.append(RowError(sheet, line, column, f"{what}（应为 {' / '.join(allowed)}）"))
    return value


def _org_extra(values, at, clean, sheet, line, errors):
    category = _choice(values, at, clean, "人员类别", ORG_CATEGORY_VALUES, sheet, line, errors)
    post = _choice(values, at, clean, "领导职务", LEADER_POST_VALUES, sheet, line, errors, default="无")
    return (category, post)


def _finance_extra(values, at, clean, sheet, line, errors):
    if at.get("经费形式") is None:
        return ""
    return _choice(values, at, clean, "经费形式", FUNDING_VALUES, sheet, line, errors, default="")


def _si_extra(values, at, clean, sheet, line, errors):
    return _choice(values, at, clean, "参保状态", SI_STATUS_VALUES, sheet, line, errors)


_EXTRA = {ORG: _org_extra, FINANCE: _finance_extra, SI: _si_extra}
