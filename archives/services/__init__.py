"""Writes to the document registry (archives). Imported by ``units``; imports nothing above it."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from archives.choices import (
    BASIS_KINDS,
    REQUEST_TRANSITIONS,
    DedicatedKind,
    DocumentKind,
    DocumentStatus,
    MinuteKind,
    RequestStatus,
    Retention,
)
from archives.models import (
    CatalogueClass,
    DedicatedEntry,
    DedicatedFile,
    Document,
    DocumentFile,
    MinuteEntry,
    Request,
    RequestStep,
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


def _check_filing(*, box_number: str, volume_number: str, catalogue_class: CatalogueClass | None) -> None:
    if volume_number and not box_number:
        raise ValidationError({"box_number": "填写卷号时必须同时填写盒号。"})
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
    _check_filing(box_number=box_number, volume_number=volume_number, catalogue_class=catalogue_class)
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
        created_by=actor if actor and actor.pk else None,
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
    _check_filing(box_number=doc.box_number, volume_number=doc.volume_number, catalogue_class=new_class)
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
    doc.withdrawn_by = actor if actor and actor.pk else None
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


# ---- classification catalogue ------------------------------------------------------------------------

CLASS_FIELDS = ("code", "name", "parent", "sort", "is_active")


def _check_class(cls: CatalogueClass) -> None:
    cls.code, cls.name = clean_cell(cls.code), clean_cell(cls.name)
    if not cls.code or not cls.name:
        raise ValidationError("分类号和类目名称都不能为空。")
    if cls.parent_id:
        if cls.parent.parent_id:
            raise ValidationError(
                {"parent": "档案分类目录只有两级：总目录下设分目录，分目录下不能再设类目。"}
            )
        if cls.pk and cls.parent_id == cls.pk:
            raise ValidationError({"parent": "类目不能作为自己的上级。"})
        if cls.pk and cls.children.exists():
            raise ValidationError({"parent": "该类目下设有分目录，不能再挂到其他类目之下。"})
    if CatalogueClass.objects.filter(code=cls.code).exclude(pk=cls.pk).exists():
        raise ValidationError({"code": f"分类号“{cls.code}”已经存在。"})


@transaction.atomic
def catalogue_class_create(
    *, code: str, name: str, actor, parent: CatalogueClass | None = None, sort: int = 0
) -> CatalogueClass:
    """Add a class to the catalogue (a top-level class of the 总目录, or a sub-class under one). Audited."""
    authorize(actor, "edit_registry")
    cls = CatalogueClass(code=code, name=name, parent=parent, sort=sort)
    _check_class(cls)
    cls.save()
    audit.record(actor=actor, action="档案分类.新增", target=cls, after=audit.snapshot(cls, CLASS_FIELDS))
    return cls


@transaction.atomic
def catalogue_class_update(*, cls: CatalogueClass, actor, **changes) -> CatalogueClass:
    """Rename, renumber, move or (de)activate a class. A deactivated class keeps its Documents but takes
    no new ones. Audited with before/after."""
    authorize(actor, "edit_registry")
    cls = CatalogueClass.objects.select_for_update().get(pk=cls.pk)
    before = audit.snapshot(cls, CLASS_FIELDS)
    for name, value in changes.items():
        if name not in CLASS_FIELDS:
            raise ValueError(name)
        setattr(cls, name, value)
    _check_class(cls)
    cls.save()
    old, new = audit.diff(before, audit.snapshot(cls, CLASS_FIELDS))
    if new:
        audit.record(actor=actor, action="档案分类.修改", target=cls, before=old, after=new)
    return cls


@transaction.atomic
def catalogue_class_delete(*, cls: CatalogueClass, actor) -> None:
    """Remove a class created by mistake. Refused while it (or a sub-class) holds Documents or has
    sub-classes: such a class can only be deactivated. Audited."""
    authorize(actor, "edit_registry")
    cls = CatalogueClass.objects.select_for_update().get(pk=cls.pk)
    held = cls.documents.count()
    if held:
        raise ValidationError(f"类目“{cls}”下已归档 {held} 份文件，不能删除；如不再使用，请停用。")
    if cls.children.exists():
        raise ValidationError(f"类目“{cls}”下还有分目录，不能删除；如不再使用，请停用。")
    snapshot = audit.snapshot(cls, CLASS_FIELDS)
    audit.record(actor=actor, action="档案分类.删除", target=cls, before=snapshot)
    cls.delete()


# ---- dedicated files (独立档案) ----------------------------------------------------------------------


@transaction.atomic
def dedicated_file_create(*, name: str, description: str = "", actor, kind: str = DedicatedKind.OTHER):
    """Open a new dedicated file for a line of work the office adds (其他专项工作档案). Audited."""
    authorize(actor, "edit_registry")
    name = clean_cell(name)
    if not name:
        raise ValidationError({"name": "档案名称不能为空。"})
    if DedicatedFile.objects.filter(name=name).exists():
        raise ValidationError({"name": f"独立档案“{name}”已经存在。"})
    folder = DedicatedFile.objects.create(
        name=name, kind=kind, description=description, sort=DedicatedFile.objects.count() * 10 + 10
    )
    audit.record(actor=actor, action="独立档案.建立", target=folder, after={"name": name, "kind": kind})
    return folder


@transaction.atomic
def dedicated_file_add_document(
    *, dedicated_file: DedicatedFile, document: Document, actor, note: str = ""
) -> DedicatedEntry:
    """File a Document into a dedicated file (once per file). Office staff of the Document's region.
    Audited (独立档案.归档)."""
    authorize(actor, "edit_registry", region=document.region_id)
    return _add_document(dedicated_file=dedicated_file, document=document, actor=actor, note=note)


def _add_document(*, dedicated_file: DedicatedFile, document: Document, actor, note: str) -> DedicatedEntry:
    if DedicatedEntry.objects.filter(dedicated_file=dedicated_file, document=document).exists():
        raise ValidationError({"number": f"文件“{document.number}”已经在“{dedicated_file.name}”中。"})
    entry = DedicatedEntry.objects.create(
        dedicated_file=dedicated_file,
        region=document.region,
        document=document,
        occurred_on=document.issued_on,
        note=note,
        filed_by=actor if actor and actor.pk else None,
    )
    audit.record(
        actor=actor,
        action="独立档案.归档",
        target=dedicated_file,
        region=document.region,
        after={"document": document.number, "note": note},
    )
    return entry


@transaction.atomic
def dedicated_file_add_record(
    *,
    dedicated_file: DedicatedFile,
    region,
    title: str,
    actor,
    occurred_on: dt.date | None = None,
    note: str = "",
    upload: UploadedFile | None = None,
) -> DedicatedEntry:
    """File other material (a work plan, a statistics table, a report) into a dedicated file, with an
    optional attachment checked like a scan. Office staff of the region. Audited (独立档案.归档)."""
    authorize(actor, "edit_registry", region=region)
    return _add_record(
        dedicated_file=dedicated_file,
        region=region,
        title=title,
        actor=actor,
        occurred_on=occurred_on,
        note=note,
        upload=upload,
    )


def _add_record(
    *,
    dedicated_file: DedicatedFile,
    region,
    title: str,
    actor,
    occurred_on: dt.date | None,
    note: str,
    upload: UploadedFile | None,
) -> DedicatedEntry:
    title = clean_cell(title)
    if not title:
        raise ValidationError({"title": "材料名称不能为空。"})
    entry = DedicatedEntry(
        dedicated_file=dedicated_file,
        region=region,
        title=title,
        occurred_on=occurred_on,
        note=note,
        filed_by=actor if actor and actor.pk else None,
    )
    if upload is not None:
        try:
            entry.sha256, _ = check_scan(upload)
        except ValidationError as exc:
            raise ValidationError({"upload": exc.messages}) from None
        entry.attachment_name = (upload.name or "")[-200:]
        entry.attachment.save(upload.name, upload, save=False)
    entry.save()
    audit.record(
        actor=actor,
        action="独立档案.归档",
        target=dedicated_file,
        region=region,
        after={"title": title, "occurred_on": occurred_on, "attachment": entry.attachment_name},
    )
    return entry


def file_into_dedicated(
    kind: str,
    *,
    actor,
    document: Document | None = None,
    title: str = "",
    note: str = "",
    region=None,
    occurred_on: dt.date | None = None,
    upload: UploadedFile | None = None,
) -> DedicatedEntry:
    """File material into the dedicated file of a line of work (e.g. ``"核查"`` for the verification
    campaign): a Document (filed once; filing it again returns the existing entry) or a record.

    Called by other services as a step of a change they have already authorised (a liaison's unit
    report files its PDF here), so it does not check the actor again; never call it from a view."""
    folder = DedicatedFile.objects.filter(kind=kind, is_active=True).order_by("sort", "id").first()
    if folder is None:
        raise ValidationError(f"没有“{kind}”独立档案。")
    if document is not None:
        existing = DedicatedEntry.objects.filter(dedicated_file=folder, document=document).first()
        return existing or _add_document(dedicated_file=folder, document=document, note=note, actor=actor)
    if region is None:
        raise ValueError("file_into_dedicated: a record needs its region")
    return _add_record(
        dedicated_file=folder,
        region=region,
        title=title,
        note=note,
        occurred_on=occurred_on,
        upload=upload,
        actor=actor,
    )


# ---- minute books ------------------------------------------------------------------------------------

MINUTE_FIELDS = ("kind", "met_on", "subject", "attendees", "departments", "items", "decisions")


def _check_minute(m: MinuteEntry) -> None:
    errors = {}
    for name, label in (("subject", "会议名称"), ("attendees", "参会人员"), ("items", "研究事项")):
        setattr(m, name, (getattr(m, name) or "").strip())
        if not getattr(m, name):
            errors[name] = f"请填写{label}。"
    m.departments = (m.departments or "").strip()
    if m.kind == MinuteKind.JOINT and not m.departments:
        errors["departments"] = "联席会议须写明参会部门（如纪检、组织、编办、财政、人社）。"
    if m.met_on and m.met_on > timezone.localdate():
        errors["met_on"] = "会议日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)


def _check_linked(documents: list[Document], region) -> None:
    other = [d.number for d in documents if d.region_id != region.pk]
    if other:
        raise ValidationError({"documents": f"文件“{'、'.join(other)}”不属于本区划。"})


@transaction.atomic
def minute_create(*, region, actor, documents: list[Document] = (), **fields) -> MinuteEntry:
    """Record a meeting in one of the three minute books; a joint meeting names its departments. Audited."""
    authorize(actor, "edit_registry", region=region)
    minute = MinuteEntry(region=region, recorded_by=actor if actor and actor.pk else None, **fields)
    _check_minute(minute)
    _check_linked(list(documents), region)
    minute.save()
    minute.documents.set(documents)
    after = audit.snapshot(minute, MINUTE_FIELDS) | {"documents": [d.number for d in documents]}
    audit.record(actor=actor, action="会议记录.登记", target=minute, after=after)
    return minute


@transaction.atomic
def minute_update(
    *, minute: MinuteEntry, actor, documents: list[Document] | None = None, **fields
) -> MinuteEntry:
    """Correct a minute entry (the audit keeps what it said before). Audited with before/after."""
    minute = MinuteEntry.objects.select_for_update().get(pk=minute.pk)
    authorize(actor, "edit_registry", region=minute.region_id)
    before = audit.snapshot(minute, MINUTE_FIELDS) | {
        "documents": sorted(minute.documents.values_list("number", flat=True))
    }
    for name, value in fields.items():
        if name not in MINUTE_FIELDS:
            raise ValueError(name)
        setattr(minute, name, value)
    _check_minute(minute)
    if documents is not None:
        _check_linked(list(documents), minute.region)
    minute.save()
    if documents is not None:
        minute.documents.set(documents)
    after = audit.snapshot(minute, MINUTE_FIELDS) | {
        "documents": sorted(minute.documents.values_list("number", flat=True))
    }
    old, new = audit.diff(before, after)
    if new:
        audit.record(actor=actor, action="会议记录.修改", target=minute, before=old, after=new)
    return minute


# ---- requests (请示事项) -----------------------------------------------------------------------------

REQUEST_CONTENT = (
    ("feasibility", "可行性论证"),
    ("necessity", "必要性论证"),
    ("unit_name", "机构名称"),
    ("unit_nature", "机构性质"),
    ("unit_rank", "机构规格"),
    ("affiliation", "隶属关系"),
    ("funding", "经费来源"),
    ("duties", "主要职责"),
    ("quota", "人员编制"),
    ("leader_posts", "领导职数"),
)
REQUEST_FIELDS = ("title", "requesting_body") + tuple(name for name, _ in REQUEST_CONTENT)


def check_basis(documents: list[Document], region) -> None:
    """A policy basis is a Document of a higher Party committee, government or establishment body
    (上级文件 / 党委政府文件 / 编委文件); a business department's standard never is (seed 002 §十七.1)."""
    errors = []
    for doc in documents:
        if doc.region_id != region.pk:
            errors.append(f"文件“{doc.number}”不属于本区划。")
        elif not doc.is_citable:
            errors.append(f"文件“{doc.number}”已撤回，不能作为政策依据。")
        elif doc.kind == DocumentKind.BUSINESS_STANDARD:
            errors.append(
                f"文件“{doc.number}”是业务主管部门文件：上级业务主管部门的行业标准不得作为审批机构编制的依据。"
            )
        elif doc.kind not in BASIS_KINDS:
            errors.append(f"文件“{doc.number}”是{doc.kind}：政策依据应为上级党委、政府或机构编制部门的文件。")
    if errors:
        raise ValidationError({"basis": errors})


def _clean_request(req: Request) -> None:
    for name in REQUEST_FIELDS:
        setattr(req, name, (getattr(req, name) or "").strip())
    errors = {}
    if not req.title:
        errors["title"] = "请填写请示事项。"
    if not req.requesting_body:
        errors["requesting_body"] = "请填写请示单位。"
    if errors:
        raise ValidationError(errors)


def _request_snapshot(req: Request) -> dict:
    return audit.snapshot(req, REQUEST_FIELDS + ("status",)) | {
        "basis": sorted(req.basis.values_list("number", flat=True)) if req.pk else []
    }


@transaction.atomic
def request_create(*, region, actor, basis: list[Document] = (), **content) -> Request:
    """Draft a request (草稿). Content may be completed later; the basis is checked at once. Audited."""
    authorize(actor, "edit_registry", region=region)
    req = Request(region=region, created_by=actor if actor and actor.pk else None, **content)
    _clean_request(req)
    check_basis(list(basis), region)
    req.save()
    req.basis.set(basis)
    RequestStep.objects.create(request=req, to_status=req.status, actor=req.created_by, note="起草")
    audit.record(actor=actor, action="请示事项.起草", target=req, region=region, after=_request_snapshot(req))
    return req


@transaction.atomic
def request_update(*, request: Request, actor, basis: list[Document] | None = None, **content) -> Request:
    """Change a draft request's content or basis (only a 草稿 can change). Audited with before/after."""
    req = Request.objects.select_for_update().get(pk=request.pk)
    authorize(actor, "edit_registry", region=req.region_id)
    if req.status != RequestStatus.DRAFT:
        raise ValidationError(f"请示事项已{req.status}，不能修改；如需修改，请先退回草稿。")
    before = _request_snapshot(req)
    for name, value in content.items():
        if name not in REQUEST_FIELDS:
            raise ValueError(name)
        setattr(req, name, value)
    _clean_request(req)
    if basis is not None:
        check_basis(list(basis), req.region)
    req.save()
    if basis is not None:
        req.basis.set(basis)
    old, new = audit.diff(before, _request_snapshot(req))
    if new:
        audit.record(
            actor=actor, action="请示事项.修改", target=req, region=req.region, before=old, after=new
        )
    return req


def request_missing(req: Request) -> dict[str, str]:
    """The required content a request still lacks, field -> Chinese message (empty when complete)."""
    missing = {}
    if not req.basis.exists():
        missing["basis"] = "缺少政策依据：请列出上级党委、政府或机构编制部门的文件。"
    for name, label in REQUEST_CONTENT:
        if not (getattr(req, name) or "").strip():
            missing[name] = f"缺少{label}。"
    return missing


def _move(req: Request, to: str, *, actor, note: str = "", action: str) -> Request:
    if to not in REQUEST_TRANSITIONS[req.status]:
        raise ValidationError(f"请示事项当前为“{req.status}”，不能改为“{to}”。")
    old = req.status
    req.status = to
    req.save()
    RequestStep.objects.create(
        request=req, from_status=old, to_status=to, actor=actor if actor and actor.pk else None, note=note
    )
    audit.record(
        actor=actor,
        action=action,
        target=req,
        region=req.region,
        before={"status": old},
        after={
            "status": to,
            **({"deciding_document": req.deciding_document.number} if req.deciding_document_id else {}),
        },
        reason=note,
    )
    return req


@transaction.atomic
def request_submit(*, request: Request, actor) -> Request:
    """草稿 → 已提交, refused with one message per missing item of the required content. Audited."""
    req = Request.objects.select_for_update().get(pk=request.pk)
    authorize(actor, "edit_registry", region=req.region_id)
    if req.status != RequestStatus.DRAFT:
        raise ValidationError(f"请示事项当前为“{req.status}”，不能提交。")
    missing = request_missing(req)
    if missing:
        raise ValidationError(missing)
    check_basis(list(req.basis.all()), req.region)
    return _move(req, RequestStatus.SUBMITTED, actor=actor, action="请示事项.提交")


@transaction.atomic
def request_return(*, request: Request, actor, note: str) -> Request:
    """已提交 → 草稿 (returned for changes), with a reason. Audited."""
    req = Request.objects.select_for_update().get(pk=request.pk)
    authorize(actor, "edit_registry", region=req.region_id)
    if not (note or "").strip():
        raise ValidationError({"note": "退回修改必须说明原因。"})
    return _move(req, RequestStatus.DRAFT, actor=actor, note=note.strip(), action="请示事项.退回")


@transaction.atomic
def request_decide(*, request: Request, document: Document | None, actor, decision: str = "") -> Request:
    """已提交 → 已决定, with the deciding Document (required, citable, of the same region). Audited."""
    req = Request.objects.select_for_update().get(pk=request.pk)
    authorize(actor, "edit_registry", region=req.region_id)
    if document is None:
        raise ValidationError({"document": "决定请示事项必须有批复文件（决定文件）。"})
    require_citable(document)
    if document.region_id != req.region_id:
        raise ValidationError({"document": "批复文件不属于本区划。"})
    if RequestStatus.DECIDED not in REQUEST_TRANSITIONS[req.status]:
        raise ValidationError(f"请示事项当前为“{req.status}”，不能决定。")
    req.deciding_document = document
    req.decision = (decision or "").strip()
    return _move(req, RequestStatus.DECIDED, actor=actor, note=req.decision, action="请示事项.决定")
