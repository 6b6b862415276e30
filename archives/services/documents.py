"""Documents (文件): register, update the filing, withdraw, attach scans, resolve 文号."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from archives.choices import (
    DocumentKind,
    DocumentStatus,
    Retention,
)
from archives.models import (
    CatalogueClass,
    Document,
    DocumentFile,
    document_year,
)
from bianzhi import audit
from bianzhi.lib.text import clean_cell, normalize_doc_number
from bianzhi.roles import authorize

DOCUMENT_FIELDS = ("number", "title", "issuer", "issued_on", "kind", "note")
FILING_FIELDS = ("catalogue_class", "year", "retention", "box_number", "volume_number")
EDITABLE_FIELDS = (
    "title",
    "issuer",
    "issued_on",
    "kind",
    "note",
    "catalogue_class",
    "retention",
    "box_number",
    "volume_number",
)

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


def require_citable(document: Document | None) -> None:
    """Refuse to cite a withdrawn Document in a new change (call from every service that cites one)."""
    if document is not None and not document.is_citable:
        raise ValidationError(
            f"文件“{document.number}”已撤回（{document.withdrawn_reason}），不能作为新的变更依据。"
        )


def _duplicate_check(*, region, issuer: str, number: str, year: int | None, exclude: int | None = None):
    qs = Document.objects.filter(region=region, issuer=issuer, number=number, year=year)
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        when = f"{year}年" if year else "同一年度"
        raise ValidationError(
            {"number": f"文号“{number}”已经登记过（{issuer or '未填发文机关'}，{when}），不能重复登记。"}
        )


def _check_filing(
    *, box_number: str, volume_number: str, catalogue_class: CatalogueClass | None, region
) -> None:
    """Box before volume; an active class, shared (总目录) or of the Document's own region."""
    if volume_number and not box_number:
        raise ValidationError({"box_number": "填写卷号时必须同时填写盒号。"})
    if catalogue_class is not None and catalogue_class.region_id not in (None, getattr(region, "pk", region)):
        raise ValidationError(
            {"catalogue_class": f"档案分类“{catalogue_class}”属于其他区划，不能用于本区划的文件。"}
        )
    if (
        catalogue_class is not None
        and not CatalogueClass.objects.filter(pk=catalogue_class.pk, is_active=True).exists()
    ):
        raise ValidationError({"catalogue_class": f"档案分类“{catalogue_class}”已停用，请选择其他分类。"})


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
    catalogue_class: CatalogueClass | None = None,
    retention: str = Retention.PERMANENT,
    box_number: str = "",
    volume_number: str = "",
) -> Document:
    """Register a Document. The 文号 is normalised and unique per issuing body and year in the region;
    the year is the 〔year〕 of the 文号, else the issue year. Office administrators and staff of the
    region. Audited (文件.登记)."""
    authorize(actor, "edit_registry", region=region)
    number = normalize_doc_number(number)
    title, issuer = clean_cell(title), clean_cell(issuer)
    if not number:
        raise ValidationError({"number": "文号不能为空。"})
    if not title:
        raise ValidationError({"title": "标题不能为空。"})
    if issued_on and issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "发文日期不能晚于今天。"})
    year = document_year(number, issued_on)
    box_number, volume_number = clean_cell(box_number), clean_cell(volume_number)
    _check_filing(
        box_number=box_number, volume_number=volume_number, catalogue_class=catalogue_class, region=region
    )
    _duplicate_check(region=region, issuer=issuer, number=number, year=year)
    doc = Document(
        region=region,
        number=number,
        title=title,
        issuer=issuer,
        issued_on=issued_on,
        kind=kind,
        note=note,
        year=year,
        catalogue_class=catalogue_class,
        retention=retention,
        box_number=box_number,
        volume_number=volume_number,
        created_by=audit.user_of(actor),
    )
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        raise ValidationError({"number": f"文号“{number}”已经登记过，不能重复登记。"}) from None
    audit.record(
        actor=actor,
        action="文件.登记",
        target=doc,
        after=audit.snapshot(doc, DOCUMENT_FIELDS + FILING_FIELDS),
    )
    return doc


REGISTER_FIELDS = ("region", "number", *EDITABLE_FIELDS)


@transaction.atomic
def document_register(*, actor, scan: UploadedFile | None = None, **fields) -> Document:
    """Register a Document (``document_create``, REGISTER_FIELDS) and its scan together: a refused scan
    leaves no half-registered Document (the refusal is shown on the scan field). Both steps audited."""
    document = document_create(
        actor=actor, **{name: fields[name] for name in REGISTER_FIELDS if name in fields}
    )
    if scan:
        try:
            document_attach(document=document, upload=scan, actor=actor)
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from None
    return document


@transaction.atomic
def document_update(*, document: Document, actor, reason: str = "", **changes) -> Document:
    """Change a Document's description and filing (class, retention, box, volume). The 文号 and region
    never change (a wrong 文号 is withdrawn and registered again). Audited (文件.修改) with before/after."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"document_update: unknown fields {sorted(unknown)}")
    doc = Document.objects.select_for_update().get(pk=document.pk)
    authorize(actor, "edit_registry", region=doc.region_id)
    if not doc.is_citable:
        raise ValidationError("已撤回的文件不能修改。")
    before = audit.snapshot(doc, DOCUMENT_FIELDS + FILING_FIELDS)
    for name in ("title", "issuer", "box_number", "volume_number"):
        if name in changes:
            changes[name] = clean_cell(changes[name])
    if "title" in changes and not changes["title"]:
        raise ValidationError({"title": "标题不能为空。"})
    if changes.get("issued_on") and changes["issued_on"] > timezone.localdate():
        raise ValidationError({"issued_on": "发文日期不能晚于今天。"})
    for name, value in changes.items():
        setattr(doc, name, value)
    doc.year = document_year(doc.number, doc.issued_on)
    new_class = doc.catalogue_class if doc.catalogue_class_id != before["catalogue_class"] else None
    _check_filing(
        box_number=doc.box_number,
        volume_number=doc.volume_number,
        catalogue_class=new_class,
        region=doc.region_id,
    )
    _duplicate_check(region=doc.region, issuer=doc.issuer, number=doc.number, year=doc.year, exclude=doc.pk)
    doc.save()
    old, new = audit.diff(before, audit.snapshot(doc, DOCUMENT_FIELDS + FILING_FIELDS))
    if new:
        audit.record(actor=actor, action="文件.修改", target=doc, before=old, after=new, reason=reason)
    return doc


def citations(document: Document) -> dict[str, int]:
    """How many records cite the Document, per kind of record (reverse relations; archives imports no app above)."""
    out: dict[str, int] = {}
    for rel in Document._meta.related_objects:
        if rel.related_model in (DocumentFile,) or not (rel.one_to_many or rel.many_to_many):
            continue
        count = getattr(document, rel.get_accessor_name()).count()
        if count:
            out[str(rel.related_model._meta.verbose_name)] = (
                out.get(str(rel.related_model._meta.verbose_name), 0) + count
            )
    return out


@transaction.atomic
def document_withdraw(*, document: Document, reason: str, actor) -> Document:
    """Withdraw (撤回) a Document with a reason. Nothing is deleted: the records that cite it keep their
    history, but no new change may cite it (``require_citable``). Audited (文件.撤回)."""
    authorize(actor, "edit_registry", region=document.region_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "撤回文件必须填写原因。"})
    doc = Document.objects.select_for_update().get(pk=document.pk)
    if not doc.is_citable:
        raise ValidationError("该文件已经撤回。")
    doc.status = DocumentStatus.WITHDRAWN
    doc.withdrawn_reason = reason
    doc.withdrawn_by = audit.user_of(actor)
    doc.withdrawn_at = timezone.now()
    doc.save(update_fields=["status", "withdrawn_reason", "withdrawn_by", "withdrawn_at"])
    audit.record(
        actor=actor,
        action="文件.撤回",
        target=doc,
        before={"status": DocumentStatus.VALID},
        after={"status": doc.status, "citations": citations(doc)},
        reason=reason,
    )
    return doc


def document_delete(*, document: Document, actor) -> None:
    """There is no deleting a Document: this refuses, with the records that cite it, and says what to do."""
    authorize(actor, "edit_registry", region=document.region_id)
    cited = citations(document)
    where = "、".join(f"{k}{v}条" for k, v in cited.items())
    raise ValidationError(
        f"文件“{document.number}”永久保存，不能删除"
        + (f"（已被{where}引用）" if where else "")
        + "；如需作废，请撤回并说明原因。"
    )


def document_for_number(
    *, region, number: str, actor, title: str = "", issued_on: dt.date | None = None
) -> Document:
    """The Document with this 文号, registered on the fly when an import cites one not yet on file.
    A withdrawn Document is refused (``require_citable``)."""
    found = find_document(region, number)
    if found:
        require_citable(found)
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


def store_checked(item, upload: UploadedFile, *, uploaded_by_name: str = "", default_name: str = "附件"):
    """Check ``upload`` (``check_scan``: Chinese ValidationError) and store it on ``item``, a
    ``CheckedFile`` not saved yet (its parent fields already set): the name, checksum, size and type, the
    file itself, then the row. Returns the saved item."""
    sha, ctype = check_scan(upload)
    item.original_name = Path(upload.name or default_name).name[-200:]
    item.sha256, item.size, item.content_type = sha, upload.size, ctype
    item.uploaded_by_name = uploaded_by_name
    item.file.save(item.original_name, upload, save=False)
    item.save()
    return item


@transaction.atomic
def document_attach(*, document: Document, upload: UploadedFile, actor) -> DocumentFile:
    """Attach a scan (PDF or image) to a Document, after checking its size and type."""
    authorize(actor, "edit_registry", region=document.region_id)
    sha, ctype = check_scan(upload)
    if document.files.filter(sha256=sha).exists():
        raise ValidationError("同一扫描件已经上传过。")
    item = DocumentFile(
        document=document,
        original_name=(upload.name or "")[-200:],
        content_type=ctype,
        size=upload.size,
        sha256=sha,
        uploaded_by=audit.user_of(actor),
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


def resolve_numbers(region, text: str, *, field: str = "documents") -> list[Document]:
    """Documents of the region named by 文号, one per line (or separated by ；、,). Unknown ones refused."""
    parts = [p for p in re.split(r"[\n\r;；,，、]+", text or "") if p.strip()]
    found: list[Document] = []
    missing: list[str] = []
    for part in parts:
        doc = find_document(region, part)
        if doc is None:
            missing.append(normalize_doc_number(part))
        elif doc not in found:
            found.append(doc)
    if missing:
        raise ValidationError({field: f"没有找到文号为“{'”“'.join(missing)}”的文件，请先登记文件。"})
    return found
