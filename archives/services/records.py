"""The office's records: the three minute books (会议记录) and requests (请示事项) with their workflow."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from archives.choices import (
    BASIS_KINDS,
    REQUEST_TRANSITIONS,
    DocumentKind,
    MinuteKind,
    RequestStatus,
)
from archives.models import (
    Document,
    MinuteEntry,
    Request,
    RequestStep,
)
from archives.services.documents import require_citable
from bianzhi import audit
from bianzhi.roles import authorize

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
    minute = MinuteEntry(region=region, recorded_by=audit.user_of(actor), **fields)
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
    req = Request(region=region, created_by=audit.user_of(actor), **content)
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
        request=req, from_status=old, to_status=to, actor=audit.user_of(actor), note=note
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
