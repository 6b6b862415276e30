"""Reading and writing workbooks safely (FORMATS.md §0).

Reading: .xlsx/.xls through python-calamine (fast, no formulas evaluated — cached values only),
.csv in UTF-8 or GB18030. The header is row 1; blank rows are skipped; each data row keeps its Excel
row number for error messages. Anything that is not a readable workbook, is too large or has no
sheet with data raises ``UnreadableWorkbook`` (exit code 2 in commands).

Writing: openpyxl in write-only mode; text cells that begin with = + - @ are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from python_calamine import CalamineWorkbook

from bianzhi.lib.safeworkbook import UnreadableWorkbook, check_workbook
from bianzhi.lib.text import clean_cell, neutralise_formula

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_EXTS = {".xlsx", ".xlsm", ".xls", ".csv"}


@dataclass
class Sheet:
    """One sheet's header (cleaned texts) and its non-blank data rows as (Excel row number, values)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def too_large(max_bytes: int) -> UnreadableWorkbook:
    return UnreadableWorkbook(f"文件过大：超过 {max_bytes // (1024 * 1024)} MB 的上限。")


def check_source(source: str | os.PathLike | bytes | IO[bytes], max_bytes: int) -> tuple[Path | None, bytes]:
    """An uploaded or named file after the existence, size and emptiness checks, read no further than
    ``max_bytes``: (its path and b"", unread) for a file on disk, (None, its bytes) otherwise."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise UnreadableWorkbook(f"找不到文件：{path}")
        size = path.stat().st_size
        if size > max_bytes:
            raise too_large(max_bytes)
        if size == 0:
            raise UnreadableWorkbook("文件是空的。")
        return path, b""
    data = source if isinstance(source, bytes) else source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data:
        raise UnreadableWorkbook("文件是空的。")
    return None, data


def _read_bytes(source: str | os.PathLike | bytes | IO[bytes], max_bytes: int) -> bytes:
    path, data = check_source(source, max_bytes)
    return path.read_bytes() if path is not None else data


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableWorkbook("CSV 文件编码无法识别（应为 UTF-8 或 GB18030）。")


def _csv_grid(text: str, dialect) -> Iterable[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error:
        raise UnreadableWorkbook("文件内容不是有效的 CSV 文本。") from None


def _csv_sheets(data: bytes) -> list[tuple[str, Iterable[list[Any]]]]:
    """The CSV as one sheet whose rows come one at a time, after the line bounds (safeworkbook)."""
    if b"\x00" in data[:4096]:
        raise UnreadableWorkbook("文件内容不是 CSV 文本。")
    check_workbook(data, ".csv")
    text = _decode_csv(data)
    try:
        sample = text[:8192]
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    return [("Sheet1", _csv_grid(text, dialect))]


def _calamine_sheets(data: bytes, ext: str) -> CalamineWorkbook:
    magic = ZIP_MAGIC if ext in (".xlsx", ".xlsm") else OLE_MAGIC
    if not data.startswith(magic):
        raise UnreadableWorkbook(f"文件内容不是有效的 {ext} 工作簿（可能是改了扩展名的其他文件）。")
    check_workbook(data, ext)  # the bounds, before calamine allocates anything
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several of its own types for broken files
        raise UnreadableWorkbook(
            f"无法读取工作簿：文件已损坏或格式不正确（{type(exc).__name__}）。"
        ) from None


def _is_blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip(" \u3000\t\r\n")) for v in values)


def _to_sheet(name: str, grid: Iterable[Sequence[Any]], max_rows: int) -> Sheet | None:
    """Header from the first row; blank rows skipped; None when there is no header."""
    sheet: Sheet | None = None
    for index, raw in enumerate(grid, start=1):
        values = list(raw)
        if sheet is None:
            if index > 1 or _is_blank(values):
                return None
            header = [clean_cell(v) for v in values]
            while header and not header[-1]:
                header.pop()
            sheet = Sheet(name=name, header=header)
            continue
        if _is_blank(values):
            continue
        if len(sheet.rows) >= max_rows:
            raise UnreadableWorkbook(f"工作表“{name}”超过 {max_rows} 行数据的上限，请分批导入。")
        sheet.rows.append((index, values))
    return sheet


def read_sheet(
    source: str | os.PathLike | bytes | IO[bytes],
    *,
    filename: str,
    preferred: Sequence[str] = (),
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Sheet:
    """The preferred sheet (by name, first match) or else the first sheet with data."""
    ext = Path(filename).suffix.lower()
    if ext not in WORKBOOK_EXTS:
        raise UnreadableWorkbook(f"不支持的文件类型“{ext or '无扩展名'}”：请上传 .xlsx 工作簿。")
    data = _read_bytes(source, max_bytes or settings.UPLOAD_MAX_BYTES)
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    if ext == ".csv":
        return _first_with_data(_csv_sheets(data), preferred, max_rows)
    book = _calamine_sheets(data, ext)
    names = list(book.sheet_names)
    order = [n for n in preferred if n in names] + [n for n in names if n not in preferred]
    for name in order:
        try:
            grid = book.get_sheet_by_name(name).iter_rows()
            sheet = _to_sheet(name, grid, max_rows)
        except UnreadableWorkbook:
            raise
        except Exception:
            raise UnreadableWorkbook(f"无法读取工作表“{name}”：文件已损坏或格式不正确。") from None
        if sheet is not None and sheet.header:
            if name in preferred or sheet.rows:
                return sheet
    raise UnreadableWorkbook("工作簿中没有包含数据的工作表。")


def load_source(
    source: str | os.PathLike | bytes | IO[bytes], *, filename: str, max_bytes: int | None = None
) -> bytes:
    """The file's bytes after the extension and size checks (read once, parse several sheets)."""
    ext = Path(filename).suffix.lower()
    if ext not in WORKBOOK_EXTS:
        raise UnreadableWorkbook(f"不支持的文件类型“{ext or '无扩展名'}”：请上传 .xlsx 工作簿。")
    return _read_bytes(source, max_bytes or settings.UPLOAD_MAX_BYTES)


def read_named_sheet(data: bytes, *, filename: str, name: str, max_rows: int | None = None) -> Sheet | None:
    """The sheet called ``name`` (header and rows), or None when the workbook has no such sheet."""
    ext = Path(filename).suffix.lower()
    if ext == ".csv":
        return None
    book = _calamine_sheets(data, ext)
    if name not in book.sheet_names:
        return None
    try:
        sheet = _to_sheet(
            name, book.get_sheet_by_name(name).iter_rows(), max_rows or settings.IMPORT_MAX_ROWS
        )
    except UnreadableWorkbook:
        raise
    except Exception:
        raise UnreadableWorkbook(f"无法读取工作表“{name}”：文件已损坏或格式不正确。") from None
    return sheet or Sheet(name=name, header=[])


def _first_with_data(
    sheets: list[tuple[str, Iterable[list[Any]]]], preferred: Sequence[str], max_rows: int
) -> Sheet:
    for name, grid in sheets:
        sheet = _to_sheet(name, grid, max_rows)
        if sheet is not None and sheet.header:
            return sheet
    raise UnreadableWorkbook("文件中没有数据。")


@dataclass
class HeaderMap:
    """Where each known column is; what was not recognised; what is required but absent."""

    index: dict[str, int]
    unknown: list[str]
    missing: list[str]


def map_headers(
    header: Sequence[str], columns: dict[str, Sequence[str]], required: Iterable[str]
) -> HeaderMap:
    """Find columns by header text (any order). ``columns`` maps each canonical name to its aliases."""
    lookup = {}
    for canonical, aliases in columns.items():
        for text in (canonical, *aliases):
            lookup.setdefault(text, canonical)
    index: dict[str, int] = {}
    unknown = []
    for i, text in enumerate(header):
        if not text:
            continue
        canonical = lookup.get(text)
        if canonical is None:
            unknown.append(text)
        elif canonical not in index:
            index[canonical] = i
    missing = [c for c in required if c not in index]
    return HeaderMap(index=index, unknown=unknown, missing=missing)


def cell(values: Sequence[Any], index: dict[str, int], column: str) -> Any:
    i = index.get(column)
    if i is None or i >= len(values):
        return None
    return values[i]


# ---- writing -----------------------------------------------------------------------------------------


def _out_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    return neutralise_formula(value)


@dataclass
class SheetSpec:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: dict[int, float] | None = None


def write_workbook(
    out: str | os.PathLike | IO[bytes], sheets: Sequence[SheetSpec], *, exported_by: str = "", note: str = ""
) -> None:
    """Write sheets (a bold, shaded header row, frozen, then the rows); adds a sheet 导出说明 when
    exported_by is given. The extra sheet comes last, so a re-import that reads the first or named sheet
    is unaffected.

    Written with XlsxWriter, row by row (``constant_memory``: a province's export holds one row at a
    time): three times openpyxl's speed for the same cells, and these flat exports are the downloads a
    county asks for most (docs/decisions.md #50). Text is written as text — never a formula or a link —
    and dates with the date formats openpyxl gives them, so files read back the same."""
    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    book = xlsxwriter.Workbook(target, XLSXWRITER_OPTIONS)
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "pattern": 1, "align": "center"})
    values = ValueWriter(book)
    for spec in sheets:
        ws = book.add_worksheet(spec.name[:31])
        for i, text in enumerate(spec.headers):
            width = (spec.widths or {}).get(i + 1) or max(10, min(40, len(str(text)) * 2 + 4))
            ws.set_column(i, i, width)
        ws.freeze_panes(1, 0)
        for c, text in enumerate(spec.headers):
            ws.write_string(0, c, str(text), header)
        for r, row in enumerate(spec.rows, start=1):
            for c, value in enumerate(row):
                values.write(ws, r, c, _out_value(value))
    finish_export(book, exported_by, note=note, info=bool(exported_by))


def finish_export(book, exported_by: str, *, note: str = "", info: bool = True) -> None:
    """The last sheet 导出说明 (who exported, when, and a note) and the file's author; closes the book."""
    if info:
        ws = book.add_worksheet("导出说明")
        lines = [["导出人", exported_by], ["导出时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")]]
        for r, line in enumerate([*lines, *([["说明", note]] if note else [])]):
            ws.write_row(r, 0, line)  # text (XLSXWRITER_OPTIONS: never a formula or a link)
    book.set_properties({"author": exported_by or "机构编制管理系统"})
    book.close()


# text stays text (a name beginning with = or http:// is not a formula or a link); rows go to a temporary
# file as they are written (a province's 1,000,000 people do not sit in memory)
XLSXWRITER_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


class ValueWriter:
    """Writes one value by its type (text as text); dates and times with openpyxl's number formats."""

    def __init__(self, book) -> None:
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
        self.time = book.add_format({"num_format": "h:mm:ss"})

    def write(self, ws, r: int, c: int, value: Any, style=None) -> None:
        if value is None:
            if style is not None:
                ws.write_blank(r, c, None, style)
        elif isinstance(value, str):
            ws.write_string(r, c, value, style)
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(r, c, value, style)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, c, value.replace(tzinfo=None), style or self.datetime)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, c, value, style or self.date)
        elif isinstance(value, dt.time):
            ws.write_datetime(r, c, value, style or self.time)
        else:
            ws.write_string(r, c, str(value), style)


def workbook_bytes(sheets: Sequence[SheetSpec], **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, sheets, **kwargs)
    return buffer.getvalue()


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: printed as ``工作表 第N行 列名: 说明``."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet} 第{self.row}行 {self.column}: {self.message}"


def write_error_workbook(out: str | os.PathLike | IO[bytes], errors: Sequence[RowError]) -> None:
    write_workbook(
        out,
        [
            SheetSpec(
                "错误清单",
                ["工作表", "行号", "列名", "说明"],
                ([e.sheet, e.row, e.column, e.message] for e in errors),
                widths={1: 14, 2: 8, 3: 16, 4: 70},
            )
        ],
    )


def error_workbook_path(path: str | os.PathLike) -> Path:
    """staff.xlsx -> staff.errors.xlsx, next to the input."""
    p = Path(path)
    return p.with_name(p.stem + ".errors.xlsx")
