"""Streaming rows out of a partner file (FORMATS.md §0) without holding the whole sheet.

``bianzhi.lib.xlsx.read_sheet`` keeps every row of a sheet as Python lists, which at a million rows
costs gigabytes and most of the time. Here the rows come one at a time, with the same rules and the
same messages: the extension decides the format, the size limit and empty files are checked first, a
CSV is UTF-8 (with or without BOM) or else GB18030 — detected on the first chunk, and read again as
GB18030 if a later byte shows it is not UTF-8, so the result is that of decoding the whole file — and
the dialect is sniffed from the first 8,192 characters. Excel row numbers are kept for messages.

``partner_sheets`` yields candidate sheets as ``(name, rows)`` where ``rows`` iterates over the raw
row lists (header first). ``is_blank`` is the blank-row test of ``bianzhi.lib.xlsx``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from bianzhi.lib.safeworkbook import check_workbook
from bianzhi.lib.xlsx import OLE_MAGIC, WORKBOOK_EXTS, ZIP_MAGIC, UnreadableWorkbook, check_source
from bianzhi.lib.xlsx import _is_blank as _is_blank_values

CHUNK = 1 << 16
_BLANK = " \u3000\t\r\n"


class WrongEncoding(Exception):
    """Raised mid-stream when a file read as UTF-8 turns out not to be: read it again as GB18030."""


def is_blank(values: Sequence[Any]) -> bool:
    """Every cell empty or only spaces (the rule of ``bianzhi.lib.xlsx``), fast for rows of text."""
    try:
        return not "".join(values).strip(_BLANK)
    except TypeError:
        return _is_blank_values(values)


class _Source:
    """The file as a seekable binary stream after the existence, size and emptiness checks."""

    def __init__(self, source: str | os.PathLike | bytes | IO[bytes], max_bytes: int) -> None:
        self.path, self.data = check_source(source, max_bytes)

    def open(self) -> IO[bytes]:
        if self.path is not None:
            return open(self.path, "rb")  # noqa: SIM115 - closed by the caller
        return io.BytesIO(self.data)

    def head(self, size: int) -> bytes:
        if self.path is None:
            return self.data[:size]
        with open(self.path, "rb") as fh:
            return fh.read(size)


def partner_sheets(
    source: str | os.PathLike | bytes | IO[bytes],
    *,
    filename: str,
    max_bytes: int | None = None,
    encoding: str | None = None,
) -> tuple[str, Iterator[tuple[str, Iterator[list[Any]]]]]:
    """The file's kind ("csv" or "workbook") and its sheets, each as (name, iterator of raw rows).

    Raises UnreadableWorkbook like ``read_sheet``; a CSV row iterator raises ``WrongEncoding`` when a
    file taken for UTF-8 holds a byte sequence that is not (read it again with encoding="gb18030").
    """
    ext = Path(filename).suffix.lower()
    if ext not in WORKBOOK_EXTS:
        raise UnreadableWorkbook(f"不支持的文件类型“{ext or '无扩展名'}”：请上传 .xlsx 工作簿。")
    src = _Source(source, max_bytes or settings.UPLOAD_MAX_BYTES)
    if ext == ".csv":
        return "csv", iter([("Sheet1", _csv_rows(src, encoding))])
    return "workbook", _workbook_sheets(src, ext)


def _detect(head: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableWorkbook("CSV 文件编码无法识别（应为 UTF-8 或 GB18030）。")


def _csv_rows(src: _Source, encoding: str | None) -> Iterator[list[str]]:
    head = src.head(CHUNK)
    if b"\x00" in head[:4096]:
        raise UnreadableWorkbook("文件内容不是 CSV 文本。")
    check_workbook(src.path if src.path is not None else src.data, ".csv")
    encoding = encoding or _detect(head)
    try:
        sample = codecs.getincrementaldecoder(encoding)().decode(head, final=False)[:8192]
    except UnicodeDecodeError:
        raise UnreadableWorkbook("CSV 文件编码无法识别（应为 UTF-8 或 GB18030）。") from None
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    with src.open() as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            yield from csv.reader(text, dialect)
        except UnicodeDecodeError:
            if encoding == "utf-8-sig":
                raise WrongEncoding from None
            raise UnreadableWorkbook("CSV 文件编码无法识别（应为 UTF-8 或 GB18030）。") from None
        except csv.Error:
            raise UnreadableWorkbook("文件内容不是有效的 CSV 文本。") from None
        finally:
            text.detach()


def _workbook_sheets(src: _Source, ext: str) -> Iterator[tuple[str, Iterator[list[Any]]]]:
    magic = ZIP_MAGIC if ext in (".xlsx", ".xlsm") else OLE_MAGIC
    if not src.head(len(magic)).startswith(magic):
        raise UnreadableWorkbook(f"文件内容不是有效的 {ext} 工作簿（可能是改了扩展名的其他文件）。")
    check_workbook(src.path if src.path is not None else src.data, ext)  # before calamine allocates
    from python_calamine import CalamineWorkbook

    try:
        if src.path is not None:
            book = CalamineWorkbook.from_path(str(src.path))
        else:
            book = CalamineWorkbook.from_filelike(io.BytesIO(src.data))
    except Exception as exc:  # calamine raises several of its own types for broken files
        raise UnreadableWorkbook(
            f"无法读取工作簿：文件已损坏或格式不正确（{type(exc).__name__}）。"
        ) from None
    return ((name, _sheet_rows(book, name)) for name in list(book.sheet_names))


def _sheet_rows(book, name: str) -> Iterator[list[Any]]:
    try:
        rows = book.get_sheet_by_name(name).iter_rows()
    except Exception:
        raise UnreadableWorkbook(f"无法读取工作表“{name}”：文件已损坏或格式不正确。") from None
    try:
        yield from rows
    except Exception:
        raise UnreadableWorkbook(f"无法读取工作表“{name}”：文件已损坏或格式不正确。") from None
