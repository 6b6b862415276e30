"""A partner department's file (组织、财政、人社), checked with the rules of ``manage.py compare`` and kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from bianzhi import audit
from bianzhi.lib import xlsx
from bianzhi.lib.text import clean_cell
from bianzhi.lib.xlsx import UnreadableWorkbook
from bianzhi.roles import actor_name, authorize, can
from verification.compare.data import PARTNER_SOURCES
from verification.compare.sources import ReadResult, read_partner
from verification.findings import selectors
from verification.findings.models import PartnerUpload, UploadStatus

PREVIEW_ROWS = 20
KEPT_ERRORS = 5000


def check_upload_allowed(actor, region, source: str) -> None:
    """Office administrators and staff upload any source for their regions; a partner clerk only their
    department's source for their regions. ``actor=None`` is the system."""
    if actor is None:
        return
    if not can(actor, "send_source"):
        authorize(actor, "run_comparison", region=region)
    if source not in selectors.upload_sources(actor):
        message = (
            "您只能上传本部门的数据。"
            if selectors.partner_source(actor)
            else "您所在部门没有对应的比对数据来源。"
        )
        raise ValidationError(message)
    if not selectors.upload_regions(actor).filter(pk=region.pk).exists():
        raise ValidationError("您不能为该区划上传数据。")


@transaction.atomic
def partner_upload(*, region, source: str, upload: UploadedFile, actor) -> PartnerUpload:
    """Check a partner file with the rules of ``manage.py compare`` (FORMATS.md §0, §3) and keep it.

    A valid file becomes the region's 有效 upload of its source (the previous one 已替换); a file with row
    errors is kept as 未通过校验 with its errors (never used by a run). An unreadable or too large file
    raises ValidationError and nothing is kept. Office administrators and staff may upload any source;
    a partner clerk only their department's (selectors.partner_source). Audited."""
    check_upload_allowed(actor, region, source)
    if source not in PARTNER_SOURCES:
        raise ValidationError({"source": "未知的数据来源。"})
    name = Path(upload.name or "upload.xlsx").name[-200:]
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": f"文件过大：上限为 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB。"})
    upload.seek(0)
    data = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    try:
        read = read_partner(data, source, filename=name, max_bytes=settings.UPLOAD_MAX_BYTES)
    except UnreadableWorkbook as exc:
        raise ValidationError({"file": str(exc)}) from None
    return keep_upload(
        region=region, source=source, name=name, data=data, read=read, actor=actor, action="比对数据.上传"
    )


def keep_upload(
    *, region, source: str, name: str, data: bytes, read: ReadResult, actor, action: str
) -> PartnerUpload:
    """Store a partner file already read by ``read_partner`` (the page's upload and the API's submission,
    ``submissions.partner_submit``): valid → the region's 有效 upload of the source (the previous one
    已替换), else 未通过校验 with its errors. The caller has checked the actor; audited as ``action``."""
    try:
        preview = upload_preview(data, name)
    except UnreadableWorkbook as exc:
        raise ValidationError({"file": str(exc)}) from None
    item = PartnerUpload(
        region=region,
        source=source,
        uploaded_by=audit.user_of(actor),
        uploaded_by_name=actor_name(actor),
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        rows_read=len(read.rows) if read.rows is not None else 0,
        error_count=len(read.errors),
        errors=[[e.sheet, e.row, e.column, e.message] for e in read.errors[:KEPT_ERRORS]],
        warnings=read.warnings[:200],
        preview={"header": preview["header"], "rows": preview["rows"]},
        status=UploadStatus.INVALID if read.errors else UploadStatus.VALID,
    )
    if item.status == UploadStatus.VALID:
        replaced = PartnerUpload.objects.select_for_update().filter(
            region=region, source=source, status=UploadStatus.VALID
        )
        replaced.update(status=UploadStatus.REPLACED)
    item.file.save(name, ContentFile(data), save=False)
    try:
        item.save()
        audit.record(
            actor=actor,
            action=action,
            target=item,
            region=region,
            after={
                "source": source,
                "file": name,
                "sha256": item.sha256,
                "rows": item.rows_read,
                "errors": item.error_count,
                "status": item.status,
            },
        )
    except BaseException:  # nothing stored when the row is not: no orphan file
        item.file.delete(save=False)
        raise
    return item


def upload_preview(data: bytes, filename: str, limit: int = PREVIEW_ROWS) -> dict:
    """The header and the first ``limit`` non-blank rows of the sheet the reader uses, as text."""
    ext = Path(filename).suffix.lower()
    if ext == ".csv":
        grids = xlsx._csv_sheets(data)
    else:
        book = xlsx._calamine_sheets(data, ext)
        grids = []
        for sheet_name in book.sheet_names:
            try:
                grids.append((sheet_name, book.get_sheet_by_name(sheet_name).iter_rows()))
            except Exception:
                raise UnreadableWorkbook(f"无法读取工作表“{sheet_name}”：文件已损坏或格式不正确。") from None
    for sheet_name, grid in grids:
        try:
            found = _preview_of(grid, limit)
        except UnreadableWorkbook:
            raise
        except Exception:
            raise UnreadableWorkbook(f"无法读取工作表“{sheet_name}”：文件已损坏或格式不正确。") from None
        if found:
            return found
    return {"header": [], "rows": []}


def _preview_of(grid, limit: int) -> dict | None:
    header, rows = None, []
    for line, values in enumerate(grid, start=1):
        if all(clean_cell(v) == "" for v in values):
            continue
        if header is None:
            header = [clean_cell(v) for v in values]
            continue
        rows.append([line, *(clean_cell(v) for v in values[: len(header)])])
        if len(rows) >= limit:
            break
    return {"header": header, "rows": rows} if header else None
