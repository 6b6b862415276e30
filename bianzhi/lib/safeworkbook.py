"""Bounds every untrusted workbook must meet before a parser touches its data (issue 13 point 1).

python-calamine allocates its cell grid from the used range (32 bytes a cell): a 1.7 KB file whose only
cells are A1 and XFD1048576 asks for 512 GiB, and a zip bomb unpacks gigabytes. So, before calamine:

- ``.xlsx``/``.xlsm``: the zip's central directory is read (number of entries, declared uncompressed
  total, per-entry compression ratio), then every entry is streamed in chunks — counting the bytes
  actually inflated, since declared sizes lie — to find the real extent of cells that hold something
  (max row, max column, rows with values; ``<dimension>`` is ignored), the longest text run (Excel's
  own limit is 32,767 characters a cell), the number of shared strings, and any DTD (refused).
- ``.xls``: the format caps a sheet at 65,536 × 256 cells, still 512 MB for calamine. The file is
  opened once in a child process under an address-space limit and a timeout that reports each sheet's
  extent; a child that dies or takes too long means the file is refused (docs/decisions.md).
- CSV: the byte cap of the upload, a cap on lines and on line length (``check_csv``).

Anything outside the bounds raises ``UnreadableWorkbook`` with a Chinese message (exit 2 in commands).
The limits are settings with defaults scaled from ``IMPORT_MAX_ROWS``.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

CHUNK = 1 << 20
EXCEL_MAX_CELL_CHARS = 32767
# a text run in the XML may spell a character with up to 4 UTF-8 bytes or an entity such as &amp;
MAX_TEXT_BYTES = EXCEL_MAX_CELL_CHARS * 6
MAX_DEPTH = 100

_CELL = rb"<(?:[\w.-]+:)?c\s[^>]*?\br=[\"']\$?%s\$?%s[\"'][^>]*(?<!/)>"
_VALUE_CELL_COLUMN = re.compile(_CELL % (rb"([A-Za-z]{1,3})", rb"\d{1,7}"))
_VALUE_CELL_ROW = re.compile(_CELL % (rb"[A-Za-z]{1,3}", rb"(\d{1,7})"))
_ROW = re.compile(rb"<(?:[\w.-]+:)?row(?:\s[^>]*?\br=[\"'](\d{1,7})[\"'])?[^>]*>")
_SHARED = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_PREFIXED_CELL_END = re.compile(rb"</[\w.-]+:c>")
_LONG_TEXT = re.compile(rb"<[^<]{%d}" % (EXCEL_MAX_CELL_CHARS * 6))
_OPEN_RUN = re.compile(rb"(?:<[A-Za-z_][^<>/]{0,200}>\s*){%d}" % 101)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class UnreadableWorkbook(Exception):
    """The file is not a readable workbook, is too large, or has no sheet with data (exit 2).

    Defined here, the lowest layer of reading; ``bianzhi.lib.xlsx`` exports it too."""


def _error(message: str) -> UnreadableWorkbook:
    return UnreadableWorkbook(message)


@dataclass(frozen=True)
class Limits:
    """The bounds, from settings (``XLSX_MAX_*``), scaled from the row limit by default."""

    max_rows: int
    max_columns: int
    max_cells: int
    max_uncompressed: int
    max_ratio: int
    max_entries: int
    max_csv_line: int

    @classmethod
    def from_settings(cls) -> Limits:
        rows = settings.IMPORT_MAX_ROWS
        return cls(
            max_rows=rows,
            max_columns=getattr(settings, "XLSX_MAX_COLUMNS", 200),
            max_cells=getattr(settings, "XLSX_MAX_CELLS", max(rows * 25, 1_000_000)),
            max_uncompressed=getattr(settings, "XLSX_MAX_UNCOMPRESSED", max(rows * 1000, 50 * 1024 * 1024)),
            max_ratio=getattr(settings, "XLSX_MAX_RATIO", 100),
            max_entries=getattr(settings, "XLSX_MAX_ENTRIES", 1000),
            max_csv_line=getattr(settings, "CSV_MAX_LINE_BYTES", 1024 * 1024),
        )


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _max_number(values: set[bytes]) -> int:
    return max((int(v) for v in values), default=0)


@dataclass
class _Extent:
    """What one XML entry holds: cells with a value, rows with such cells, the longest text run."""

    max_row: int = 0
    max_column: int = 0
    rows: set[bytes] = field(default_factory=set)
    valued: int = 0  # cells with content
    referenced: int = 0  # of which with an ``r``
    row_tags: int = 0
    max_row_tag: int = 0
    shared: int = 0


def _too_big(limits: Limits) -> str:
    return (
        f"工作簿解压后超过 {limits.max_uncompressed // (1024 * 1024)} MB 的上限"
        "（可能是“压缩炸弹”），已拒绝读取。"
    )


def _scan_entry(book: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: list[int]) -> _Extent:
    """Stream one entry, counting inflated bytes against ``budget`` (a one-item list, shared)."""
    extent = _Extent()
    tail = b""  # the unfinished tag carried to the next chunk
    text_run = 0  # bytes since the last "<"
    first = True
    depth_probe = 0
    with book.open(info) as stream:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _error(_too_big(limits))
            lt = chunk.find(b"<")
            text_run += len(chunk) if lt < 0 else lt
            if text_run > MAX_TEXT_BYTES or (lt >= 0 and _LONG_TEXT.search(chunk)):
                raise _error(
                    f"工作簿中有单元格内容超过 {EXCEL_MAX_CELL_CHARS} 个字符（Excel 的上限），已拒绝读取。"
                )
            if lt >= 0:
                text_run = len(chunk) - chunk.rfind(b"<") - 1
            data = tail + chunk
            cut = data.rfind(b"<")
            if cut >= 0 and data.find(b">", cut) < 0:
                data, tail = data[:cut], data[cut:]
                if len(tail) > MAX_TEXT_BYTES:
                    raise _error("工作簿的 XML 标记过长，文件已损坏或格式不正确。")
            else:
                tail = b""
            if first or b"<!" in data:
                if _DTD.search(data):
                    raise _error("工作簿含有 DTD 或实体声明（可能是恶意文件），已拒绝读取。")
            if first:
                first = False
            depth_probe = max(depth_probe, _nesting(data))
            _cells(data, extent)
    if _DTD.search(tail):
        raise _error("工作簿含有 DTD 或实体声明（可能是恶意文件），已拒绝读取。")
    if depth_probe > MAX_DEPTH:
        raise _error(f"工作簿的 XML 嵌套超过 {MAX_DEPTH} 层（可能是恶意文件），已拒绝读取。")
    return extent


def _nesting(data: bytes) -> int:
    """A cheap bound on nesting within a chunk: the longest run of opening tags with nothing between."""
    return MAX_DEPTH + 1 if b"><" in data and _OPEN_RUN.search(data) else 0


def _cells(data: bytes, extent: _Extent) -> None:
    if b"<" not in data:
        return
    rows = _VALUE_CELL_ROW.findall(data)
    found = len(rows)
    if found:
        distinct_rows = set(rows)
        extent.rows |= distinct_rows
        extent.max_row = max(extent.max_row, _max_number(distinct_rows))
        columns = set(_VALUE_CELL_COLUMN.findall(data))
        extent.max_column = max(extent.max_column, *(_column_number(c) for c in columns))
    # a cell with content ends with </c>; self-closing ones hold nothing
    valued = data.count(b"</c>") + (len(_PREFIXED_CELL_END.findall(data)) if b":c>" in data else 0)
    extent.valued += valued
    extent.referenced += found
    if valued > found:  # cells without ``r`` may be here: note the rows that place them
        row_refs = _ROW.findall(data)
        extent.row_tags += len(row_refs)
        extent.max_row_tag = max(extent.max_row_tag, _max_number({r for r in row_refs if r}))
    if b"si" in data:
        extent.shared += len(_SHARED.findall(data))


def check_zip(source: Path | bytes, limits: Limits | None = None) -> None:
    """Refuse an .xlsx whose directory, inflated size, cells or text exceed the bounds."""
    limits = limits or Limits.from_settings()
    try:
        book = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _error("无法读取工作簿：文件已损坏或格式不正确（不是有效的 zip 包）。") from None
    with book:
        infos = book.infolist()
        if len(infos) > limits.max_entries:
            raise _error(f"工作簿包含 {len(infos)} 个部件，超过 {limits.max_entries} 个的上限，已拒绝读取。")
        if sum(i.file_size for i in infos) > limits.max_uncompressed:
            raise _error(_too_big(limits))
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise _error(f"工作簿的压缩比超过 {limits.max_ratio} 倍（可能是“压缩炸弹”），已拒绝读取。")
        budget = [limits.max_uncompressed]
        for info in infos:
            if info.is_dir():
                continue
            try:
                extent = _scan_entry(book, info, limits, budget)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
                raise _error("无法读取工作簿：文件已损坏、已加密或格式不正确。") from None
            _check_extent(extent, limits)


def _check_extent(extent: _Extent, limits: Limits) -> None:
    max_row, max_column = extent.max_row, extent.max_column
    positional = extent.valued - extent.referenced  # placed one after another: bound them from above
    if positional > 0:
        max_row = max(max_row, extent.max_row_tag, extent.row_tags)
        max_column += positional
    if len(extent.rows) > limits.max_rows + 1 or extent.row_tags > 2 * limits.max_rows + 1:
        raise _error(f"工作表超过 {limits.max_rows} 行数据的上限，请分批导入。")
    if max_column > limits.max_columns:
        raise _error(
            f"工作表的数据延伸到第 {max_column} 列，超过 {limits.max_columns} 列的上限"
            "（请删除表格右侧多余的内容）。"
        )
    if max_row * max_column > limits.max_cells:
        raise _error(
            f"工作表的数据范围（{max_row} 行 × {max_column} 列）超过 {limits.max_cells} 个单元格的上限"
            "（请删除表格下方或右侧多余的内容）。"
        )
    if extent.shared > limits.max_cells:
        raise _error(f"工作簿的共享文本超过 {limits.max_cells} 条的上限，已拒绝读取。")


# ---- .xls: measured in a child process -------------------------------------------------------------

_XLS_CHILD = r"""
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from python_calamine import CalamineWorkbook
data = sys.stdin.buffer.read()
import io
book = CalamineWorkbook.from_filelike(io.BytesIO(data))
for name in book.sheet_names:
    sheet = book.get_sheet_by_name(name)
    print(sheet.height, sheet.width, flush=True)
"""


def check_xls(data: bytes, limits: Limits | None = None) -> None:
    """Open the .xls in a child under an address-space limit and a timeout; refuse on failure or size."""
    limits = limits or Limits.from_settings()
    memory = getattr(settings, "XLS_CHILD_MAX_BYTES", 768 * 1024 * 1024)
    timeout = getattr(settings, "XLS_CHILD_TIMEOUT", 10)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script, the file on stdin
            [sys.executable, "-I", "-c", _XLS_CHILD, str(memory)],
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _error(f"读取 .xls 工作簿超过 {timeout} 秒，已拒绝（请另存为 .xlsx 后重试）。") from None
    if done.returncode != 0:
        raise _error("无法读取 .xls 工作簿：文件已损坏、过大或格式不正确（请另存为 .xlsx 后重试）。")
    for line in done.stdout.decode("ascii", "replace").splitlines():
        height, width = (int(x) for x in line.split())
        _check_extent(_Extent(max_row=height, max_column=width), limits)


# ---- CSV ------------------------------------------------------------------------------------------


def check_csv(source: Path | bytes, limits: Limits | None = None) -> None:
    """Refuse a CSV with too many lines or a line longer than the cap, read in chunks (before it is
    decoded and split)."""
    limits = limits or Limits.from_settings()
    max_lines, max_line = 2 * limits.max_rows + 1000, limits.max_csv_line
    lines = run = 0
    stream = open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)  # noqa: SIM115
    with stream:
        while chunk := stream.read(CHUNK):
            lines += chunk.count(b"\n")
            if lines > max_lines:
                raise _error(f"CSV 文件超过 {limits.max_rows} 行数据的上限，请分批导入。")
            first = chunk.find(b"\n")
            run += len(chunk) if first < 0 else first
            if run > max_line or (first >= 0 and re.search(rb"[^\n]{%d}" % max_line, chunk)):
                raise _error(f"CSV 文件有一行超过 {max_line // 1024} KB 的上限，文件格式不正确。")
            if first >= 0:
                run = len(chunk) - chunk.rfind(b"\n") - 1


def check_workbook(source: Path | bytes, ext: str) -> None:
    """The one pre-check every reader calls before calamine, openpyxl or csv reads ``source``."""
    if ext in (".xlsx", ".xlsm"):
        check_zip(source)
    elif ext == ".xls":
        check_xls(source.read_bytes() if isinstance(source, Path) else source)
    elif ext == ".csv":
        check_csv(source)
