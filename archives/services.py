"""Writes to the document registry (archives). Imported by ``units``; imports nothing above it."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from archives.choices import DocumentKind
from archives.models import Document, DocumentFile
from bianzhi import audit
from bianzhi.lib.text import clean_cell, normalize_doc_number

DOCUMENT_FIELDS = ("number", "title", "issuer", "issued_on", "kind", "note")

# What a scan may be, told by its first bytes (never by its name alone).
SCAN_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
}


def find_document(region, number: str) -> Document | None:
    number = normalize_doc_number(number)
    return Document.objects.filter(region=region, number=number).order_by("id").first() if number else None


@transaction.atomic
def document_create(
    *,
    region,
    number: str,
    title: str,
    actor,
    issuer: str = "",
    issued_on: dt.date | None = None,
    kind: str = DocumentKind.COMMITTEE,
    note: str = "",
) -> Document:
    """Register a Document. The 文号 is normalised and unique per issuing body within the region."""
    number = normalize_doc_number(number)
    title, issuer = clean_cell(title), clean_cell(issuer)
    if not number:
        raise ValidationError({"number": "文号不能为空。"})
    if not title:
        raise ValidationError({"title": "标题不能为空。"})
    if issued_on and issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "发文日期不能晚于今天。"})
    if Document.objects.filter(region=region, issuer=issuer, number=number).exists():
        raise ValidationError({"number": f"文号“{number}”已经登记过。"})
    doc = Document(
        region=region,
        number=number,
        title=title,
        issuer=issuer,
        issued_on=issued_on,
        kind=kind,
        note=note,
        created_by=actor if actor and actor.pk else None,
    )
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        raise ValidationError({"number": f"文号“{number}”已经登记过。"}) from None
    audit.record(actor=actor, action="文件.登记", target=doc, after=audit.snapshot(doc, DOCUMENT_FIELDS))
    return doc


def document_for_number(
    *, region, number: str, actor, title: str = "", issued_on: dt.date | None = None
) -> Document:
    """The Document with this 文号, registered on the fly when an import cites one not yet on file."""
    found = find_document(region, number)
    if found:
        return found
    return document_create(
        region=region,
        number=number,
        title=title or f"{normalize_doc_number(number)}（导入时登记）",
        issued_on=issued_on,
        actor=actor,
        note="由数据导入自动登记，请补全标题与扫描件。",
    )


def check_scan(upload: UploadedFile) -> tuple[str, str]:
    """Refuse a scan that is too large or is not what its extension says. Returns (sha256, content type)."""
    name = upload.name or ""
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in SCAN_SIGNATURES:
        raise ValidationError("只能上传 PDF、JPG、PNG 或 TIFF 格式的扫描件。")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(f"文件过大：上限为 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB。")
    upload.seek(0)
    head = upload.read(16)
    if not any(head.startswith(sig) for sig in SCAN_SIGNATURES[ext]):
        raise ValidationError(f"文件内容与扩展名“{ext}”不符。")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    ctype = {".pdf": "application/pdf", ".png": "image/png", ".tif": "image/tiff", ".tiff": "image/tiff"}
    return digest.hexdigest(), ctype.get(ext, "image/jpeg")


@transaction.atomic
def document_attach(*, document: Document, upload: UploadedFile, actor) -> DocumentFile:
    """Attach a scan (PDF or image) to a Document, after checking its size and type."""
    sha, ctype = check_scan(upload)
    item = DocumentFile(
        document=document,
        original_name=(upload.name or "")[-200:],
        content_type=ctype,
        size=upload.size,
        sha256=sha,
        uploaded_by=actor if actor and actor.pk else None,
    )
    item.file.save(upload.name, upload, save=False)
    item.save()
    audit.record(
        actor=actor,
        action="文件.上传扫描件",
        target=document,
        after={"file": item.original_name, "sha256": sha, "size": item.size},
    )
    return item
