"""Reading and validating partner files (FORMATS.md §0 and §3) into compact ``SourceRows``.

All-or-nothing per file: any row error means the file is not used (the command exits 1 and writes
``<file>.errors.xlsx``). A row whose ID number is invalid is *not* a row error: it is kept and becomes
an INVALID_ID finding. ``UnreadableWorkbook`` (exit 2) is raised with the messages of
``bianzhi.lib.xlsx.read_sheet``. Rows are streamed (``reader``), validated one at a time and stored
column-wise; the texts that repeat (unit names, coded values, names) are cleaned once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from operator import mul
from typing import IO, Any

from django.conf import settings

from bianzhi.lib.idnumbers import InvalidNumber, normalize_id
from bianzhi.lib.text import clean_cell, fold_digits_letters
from bianzhi.lib.xlsx import RowError, UnreadableWorkbook, map_headers
from verification.compare.data import FINANCE, ORG, SI, SourceRows
from verification.compare.engine import _no_gc
from verification.compare.reader import WrongEncoding, is_blank, partner_sheets

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
_WEIGHT_SUM = 48 * sum(_WEIGHTS)  # the digits' code points minus "0", as bytes
_WIDE = re.compile("[０-９Ａ-Ｚａ-ｚ]")
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
    if not isinstance(source_file, str | os.PathLike | bytes):  # a stream: read once, maybe parse twice
        source_file = source_file.read((max_bytes or settings.UPLOAD_MAX_BYTES) + 1)
    try:
        return _stream_partner(source_file, source, filename, max_bytes, max_rows, None)
    except WrongEncoding:  # UTF-8 at the start, not further on: the whole file is read as GB18030
        return _stream_partner(source_file, source, filename, max_bytes, max_rows, "gb18030")


def _stream_partner(
    source_file, source: str, filename: str, max_bytes: int | None, max_rows: int | None, encoding
) -> ReadResult:
    """The first sheet with a header (and, in a workbook, a data row), consumed row by row."""
    kind, sheets = partner_sheets(source_file, filename=filename, max_bytes=max_bytes, encoding=encoding)
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    for name, grid in sheets:
        grid = iter(grid)
        first = next(grid, None)
        if first is None or is_blank(first):
            if kind == "csv":
                break
            continue
        header = [clean_cell(v) for v in first]
        while header and not header[-1]:
            header.pop()
        if not header:
            if kind == "csv":
                break
            continue
        line, values = 1, None
        for values in grid:
            line += 1
            if not is_blank(values):
                break
        else:
            values = None
        if values is None and kind != "csv":
            continue  # a sheet with a header and no data: try the next one
        return _consume(source, name, header, line, values, grid, filename, max_rows)
    raise UnreadableWorkbook("文件中没有数据。" if kind == "csv" else "工作簿中没有包含数据的工作表。")


def _too_many(sheet: str, max_rows: int, grid) -> UnreadableWorkbook:
    for _values in grid:  # an undecodable byte further on is reported first, as when read whole
        pass
    return UnreadableWorkbook(f"工作表“{sheet}”超过 {max_rows} 行数据的上限，请分批导入。")


def _consume(source, sheet, header, line, values, grid, filename, max_rows) -> ReadResult:
    """Validate and store row by row: ``values`` is the first data row (at ``line``) or None."""
    columns = COLUMNS[source]
    mapped = map_headers(header, columns, REQUIRED[source])
    warnings = [f"{sheet} 第1行 {text}: 未知列，已忽略" for text in mapped.unknown]
    if mapped.missing:
        count = 0 if values is None else 1
        for values in grid:  # the row limit is checked before the header, as read_sheet did
            if not is_blank(values):
                count += 1
                if count > max_rows:
                    raise _too_many(sheet, max_rows, grid)
        return ReadResult(None, [RowError(sheet, 1, c, "缺少必填列") for c in mapped.missing], warnings)
    rows = SourceRows(source=source, sheet=sheet, filename=str(filename))
    if values is None:
        return ReadResult(rows, [], warnings)
    at = {c: mapped.index.get(c) for c in columns}
    width = max(mapped.index.values()) + 1
    i_name, i_id, i_unit, i_credit = (
        at["姓名"],
        at["公民身份号码"],
        at[UNIT_COLUMN[source]],
        at["统一社会信用代码"],
    )
    unit_column = UNIT_COLUMN[source]
    extra_of = _extras(rows, source, at)
    clean = _cached_clean()
    unit_of = _unit_refs(rows, clean, i_credit is not None)
    errors: list[RowError] = []
    lines_append, names_append, ids_append = rows.lines.append, rows.names.append, rows.ids.append
    refs_append, extras_append, raw_ids = rows.unit_refs.append, rows.extras.append, rows.raw_ids
    date_ok, check, weights_sum = _date_ok, _CHECK, _WEIGHT_SUM
    blank, str_ = is_blank, str
    count = 0
    while True:
        if values is not None and not blank(values):
            count += 1
            if count > max_rows:
                raise _too_many(sheet, max_rows, grid)
            if len(values) < width:
                values = list(values) + [None] * (width - len(values))
            name = clean(values[i_name])
            unit = unit_of(values[i_unit], values[i_credit] if i_credit is not None else "")
            extra, problems = extra_of(values)
            if not name or unit < 0 or problems:
                if not name:
                    errors.append(RowError(sheet, line, "姓名", "不能为空"))
                if unit < 0:
                    errors.append(RowError(sheet, line, unit_column, "不能为空"))
                errors += [RowError(sheet, line, column, text) for column, text in problems]
            elif not errors:
                raw = values[i_id]
                number = ""
                if (
                    raw.__class__ is str_
                    and len(raw) == 18
                    and raw.isascii()
                    and raw[:17].isdigit()
                    and date_ok(raw[6:14])
                ):
                    last = raw[17]
                    if last == "x":
                        last = "X"
                    if last == "X" or last.isdigit():
                        total = sum(map(mul, raw[:17].encode(), _WEIGHTS)) - weights_sum
                        if check[total % 11] == last:
                            number = raw if last == raw[17] else raw[:17] + last
                if not number:
                    raw_text = raw if raw.__class__ is str_ else clean_cell(raw)
                    try:
                        number = fast_id(raw_text)
                    except InvalidNumber:
                        raw_ids[len(rows.names)] = clean_cell(raw_text)
                lines_append(line)
                names_append(name)
                ids_append(number)
                refs_append(unit)
                extras_append(extra)
        values = next(grid, None)
        if values is None:
            break
        line += 1
    if errors:
        return ReadResult(None, errors, warnings)
    return ReadResult(rows, [], warnings)


def _cached_clean(limit: int = 500_000):
    """clean_cell with a cache for text (names, unit names and coded values repeat on many rows)."""
    cache: dict[str, str] = {}
    get = cache.get

    def clean(value: Any) -> str:
        if value.__class__ is not str:
            return clean_cell(value)
        out = get(value)
        if out is None:
            out = clean_text(value)
            if len(cache) < limit:
                cache[value] = out
        return out

    return clean


def clean_text(text: str) -> str:
    """``clean_cell`` of a str, skipping the full-width fold when there is nothing to fold."""
    text = text.strip().strip("\u3000\u00a0\ufeff\u200b").strip()
    return text if _WIDE.search(text) is None else fold_digits_letters(text)


def _unit_refs(rows: SourceRows, clean, has_credit: bool):
    """(unit cell, credit cell) -> index into rows.units, or -1 when the unit name is empty."""
    cache: dict[tuple, int] = {}
    index, units = rows._unit_index, rows.units

    def ref(unit_raw, credit_raw) -> int:
        key = (unit_raw, credit_raw)
        hashable = unit_raw.__class__ is str and credit_raw.__class__ is str
        if hashable:
            out = cache.get(key)
            if out is not None:
                return out
        name = clean(unit_raw)
        if not name:
            out = -1
        else:
            pair = (name, clean(credit_raw) if has_credit else "")
            out = index.get(pair)
            if out is None:
                out = index[pair] = len(units)
                units.append(pair)
        if hashable:
            cache[key] = out
        return out

    return ref


def _extras(rows: SourceRows, source: str, at: dict[str, int | None]):
    """row -> (code into rows.extra_values, ((column, message), …)) with a cache on the raw cells."""
    columns = _EXTRA_COLUMNS[source]
    positions = [at.get(c) for c, _allowed, _default in columns]
    cache: dict[Any, tuple[int, tuple]] = {}
    codes, values_list = rows._extra_index, rows.extra_values

    def code_of(extra) -> int:
        code = codes.get(extra)
        if code is None:
            code = codes[extra] = len(values_list)
            values_list.append(extra)
        return code

    if source == FINANCE and positions[0] is None:
        none = (code_of(""), ())
        return lambda values: none

    def resolve(raw: tuple) -> tuple[Any, tuple]:
        problems: list[tuple[str, str]] = []
        out = []
        for (column, allowed, default), value in zip(columns, raw, strict=True):
            value = clean_cell(value)
            if not value and default is not None:
                out.append(default)
                continue
            if value not in allowed:
                what = f"“{value}”不是有效值" if value else "不能为空"
                problems.append((column, f"{what}（应为 {' / '.join(allowed)}）"))
            out.append(value)
        return code_of(tuple(out) if source == ORG else out[0]), tuple(problems)

    if len(positions) == 1:
        (p,) = positions

        def one(values):
            raw = values[p]
            if raw.__class__ is str:
                hit = cache.get(raw)
                if hit is None:
                    hit = cache[raw] = resolve((raw,))
                return hit
            return resolve((raw,))

        return one
    p, q = positions

    def two(values):
        raw = (values[p], values[q])
        if raw[0].__class__ is str and raw[1].__class__ is str:
            hit = cache.get(raw)
            if hit is None:
                hit = cache[raw] = resolve(raw)
            return hit
        return resolve(raw)

    return two


# per source: the coded columns, their allowed values and the value of an empty cell (None: required)
_EXTRA_COLUMNS: dict[str, tuple[tuple[str, tuple[str, ...], str | None], ...]] = {
    ORG: (("人员类别", ORG_CATEGORY_VALUES, None), ("领导职务", LEADER_POST_VALUES, "无")),
    FINANCE: (("经费形式", FUNDING_VALUES, ""),),
    SI: (("参保状态", SI_STATUS_VALUES, None),),
}
