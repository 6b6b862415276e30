"""Rows a partner department submits through the API (数据报送): the same check and the same upload as a
workbook sent on the page.

The rows (one dict per row, keyed by the headers of FORMATS.md §3 or their aliases) are written as the CSV
a clerk could have uploaded and read back by ``verification.compare.sources.read_partner`` — the reader of
the upload page and of ``manage.py compare`` — so the validation is the same code, not a copy, and a
valid submission is kept by ``uploads.keep_upload`` as the region's 有效 upload of the source, which the
office's next comparison run uses like any uploaded file.

All-or-nothing, and stricter than the page: a submission with any row error is refused with every error
(``SubmissionRejected``) and nothing is stored (the page keeps an invalid file so its sender can download
the error list; an API caller gets the list in the answer).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bianzhi.lib.xlsx import UnreadableWorkbook
from verification.compare.data import PARTNER_SOURCES, SOURCE_LABEL
from verification.compare.sources import read_partner
from verification.findings.models import PartnerUpload
from verification.findings.services.uploads import check_upload_allowed, keep_upload

DEFAULT_MAX_ROWS = 20_000


def max_rows() -> int:
    """Rows one submission may hold (``settings.API_SUBMIT_MAX_ROWS``, default 20,000)."""
    return int(getattr(settings, "API_SUBMIT_MAX_ROWS", DEFAULT_MAX_ROWS))


class SubmissionRejected(ValidationError):
    """A submission with row errors: ``rows`` lists every (row, column, message); row is the 1-based
    position in the submitted list, None for a column missing from every row."""

    def __init__(self, rows: list[tuple[int | None, str, str]]):
        self.rows = rows
        super().__init__([_line(row, column, message) for row, column, message in rows])


def _line(row: int | None, column: str, message: str) -> str:
    return f"{'所有行' if row is None else f'第{row}行'} {column}: {message}"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # not a valid value of any column: shown as the reader would see it
        return "是" if value else "否"
    return str(value)


def rows_csv(rows: Sequence[Mapping[str, object]]) -> bytes:
    """The rows as a UTF-8 CSV (header = every key, in the order first seen; every cell quoted so the
    reader's dialect sniffing cannot mistake a comma or a semicolon inside a name)."""
    header: dict[str, None] = {}
    for row in rows:
        for key in row:
            header.setdefault(str(key), None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key in header])
    return buffer.getvalue().encode("utf-8")


@transaction.atomic
def partner_submit(*, region, source: str, rows: Sequence[Mapping[str, object]], actor) -> PartnerUpload:
    """Check ``rows`` (one source's data for ``region``) with the upload's rules and keep them as the
    region's 有效 upload of the source (the previous one 已替换), named ``接口报送_<来源>_<时间>.csv``.

    Who: a partner clerk for their department's source in their regions, or office administrators and
    staff (``uploads.check_upload_allowed``, the page's rule). Refused without storing anything: an
    empty list, more than ``max_rows()`` rows, any row error (``SubmissionRejected`` with every error).
    Audited as 比对数据.接口报送 (file, rows, checksum)."""
    check_upload_allowed(actor, region, source)
    if source not in PARTNER_SOURCES:
        raise ValidationError({"source": "未知的数据来源。"})
    if not rows:
        raise ValidationError({"rows": "没有数据行。"})
    if len(rows) > max_rows():
        raise ValidationError({"rows": f"一次最多报送 {max_rows()} 行，本次 {len(rows)} 行。"})
    data = rows_csv(rows)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    name = f"接口报送_{SOURCE_LABEL[source]}_{stamp}.csv"
    try:
        read = read_partner(data, source, filename=name, max_bytes=settings.UPLOAD_MAX_BYTES)
    except UnreadableWorkbook as exc:
        raise ValidationError({"rows": str(exc)}) from None
    if read.errors:  # CSV line N is the (N-1)th row of the list; line 1 is the header
        raise SubmissionRejected(
            [(None if e.row <= 1 else e.row - 1, e.column, e.message) for e in read.errors]
        )
    return keep_upload(
        region=region, source=source, name=name, data=data, read=read, actor=actor, action="比对数据.接口报送"
    )
