"""核编在先: 用编申请 → 审核 → 编制使用单, and the administrator's audited override.

Vacancy = approved − occupied − reserved, where reserved counts unused, unexpired, valid slips.
Approval and use lock the quota row and recount in the same transaction, so two clerks racing for
the last vacancy cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from archives.models import Document
from bianzhi import audit
from bianzhi.models import Region
from bianzhi.roles import authorize
from units.choices import REQUEST_TRANSITIONS, EntryMethod, OverrideKind, RequestStatus, SlipStatus
from units.models import EstablishmentRequest, Override, Person, Quota, RequestEvent, Unit, UseSlip
from units.selectors import can_request, open_overrides, reserved, vacancy
from units.services.common import _fail, _today, authorize_second_person, authorize_unit, require_document_of
from units.services.registry import check_type_allowed

DEFAULT_VALID_DAYS = 90
MAX_REQUEST = 200


def lock_quota(unit: Unit, establishment_type: str) -> int:
    """Lock the quota row (creating it at 0 if absent, so there is always a row to lock); the approved number."""
    quota, _ = Quota.objects.select_for_update().get_or_create(
        unit=unit, establishment_type=establishment_type
    )
    return quota.approved


def _record(request: EstablishmentRequest, from_status: str, actor, note: str = "") -> None:
    RequestEvent.objects.create(
        request=request,
        from_status=from_status,
        to_status=request.status,
        actor=audit.user_of(actor),
        note=note,
    )


def _move(request: EstablishmentRequest, to_status: str, *, actor, action: str, reason: str, **decided):
    """Save the request's new status (and the decision's fields), its event and the audit row."""
    before = request.status
    request.status = to_status
    for name, value in decided.items():
        setattr(request, name, value)
    request.save(update_fields=["status", *decided])
    _record(request, before, actor, reason)
    audit.record(
        actor=actor,
        action=action,
        target=request,
        region=request.unit.region,
        before={"status": before},
        after={"status": request.status},
        reason=reason,
    )
    return request


def _check_replacement(unit: Unit, establishment_type: str, leaver: Person) -> None:
    leaver = Person.objects.get(pk=leaver.pk)
    if leaver.in_establishment:
        _fail(f"出一进一：{leaver.name}尚未出编。", "replacement_for")
    if leaver.unit_id != unit.pk or leaver.establishment_type != establishment_type:
        _fail(
            f"出一进一：{leaver.name}不是从{unit.name}的{establishment_type}出编的人员。", "replacement_for"
        )
    taken = EstablishmentRequest.objects.filter(
        replacement_for=leaver, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]
    )
    if taken.exists():
        _fail(f"出一进一：{leaver.name}出编腾出的编制已经申请过。", "replacement_for")


@transaction.atomic
def request_create(
    *,
    unit: Unit,
    establishment_type: str,
    count: int,
    reason: str,
    entry_method: str,
    planned_on: dt.date,
    actor,
    replacement_for: Person | None = None,
    client_token: str = "",
) -> EstablishmentRequest:
    """A liaison or office staff asks for slots. Refused when the unit has no vacancy, unless 出一进一.

    The same ``client_token`` submitted twice by one user returns the first request (two tabs, double click).
    """
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    authorize_unit(actor, unit)
    if client_token:
        earlier = EstablishmentRequest.objects.filter(requested_by=actor, client_token=client_token).first()
        if earlier is not None:
            return earlier
    if not unit.is_live:
        _fail(f"{unit.name}已撤销或合并。")
    check_type_allowed(unit, establishment_type)
    if count is None or count < 1:
        _fail("申请数必须是正整数。", "count")
    if count > MAX_REQUEST:
        _fail(f"一次最多申请{MAX_REQUEST}名。", "count")
    if entry_method not in EntryMethod.values:
        _fail("请选择进入方式。", "entry_method")
    if not (reason or "").strip():
        _fail("请填写申请理由。", "reason")
    if planned_on < _today():
        _fail("计划入编时间不能早于今天。", "planned_on")
    if replacement_for is not None:
        if count != 1:
            _fail("出一进一申请每次只能申请1名。", "count")
        _check_replacement(unit, establishment_type, replacement_for)
    else:
        free = vacancy(unit, establishment_type)
        if free < count:
            _fail(
                f"{unit.name}{establishment_type}空编{max(free, 0)}名，不足{count}名；"
                "平编或超编单位只能按“出一进一”申请。",
                "count",
            )
    request = EstablishmentRequest(
        unit=unit,
        establishment_type=establishment_type,
        count=count,
        reason=reason.strip(),
        entry_method=entry_method,
        planned_on=planned_on,
        replacement_for=replacement_for,
        requested_by=audit.user_of(actor),
        client_token=client_token,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        _fail("该申请已经提交过，或对应的出编人员已被其他申请使用。")
    _record(request, "", actor)
    audit.record(
        actor=actor,
        action="用编申请.提交",
        target=request,
        region=unit.region,
        after={
            "unit": unit.name,
            "type": establishment_type,
            "count": count,
            "replacement_for": replacement_for.name if replacement_for else None,
        },
        reason=reason,
    )
    return request


def _lock_request(
    request: EstablishmentRequest, to_status: str, *, actor, capability: str | None
) -> EstablishmentRequest:
    """Lock the request and check the actor: ``capability`` in the unit's region, or (``None``, a
    withdrawal) the requester or office staff of the region."""
    request = (
        EstablishmentRequest.objects.select_for_update()
        .select_related("unit", "unit__region")
        .get(pk=request.pk)
    )
    region = request.unit.region_id
    if capability is not None:
        authorize(actor, capability, region=region)
    elif actor is not None and request.requested_by_id != actor.pk:
        authorize(actor, "edit_registry", region=region)  # not the requester: office staff of the region
    if to_status not in REQUEST_TRANSITIONS[request.status]:
        _fail(f"该申请当前状态为“{request.status}”，不能改为“{to_status}”。")
    return request


def _next_numbers(region: Region, year: int, count: int) -> list[str]:
    Region.objects.select_for_update().get(pk=region.pk)  # serialises numbering within the region
    short = region.name.removesuffix("县").removesuffix("区").removesuffix("市") or region.name
    prefix = f"{short}编使〔{year}〕"
    last = 0
    for number in UseSlip.objects.filter(region=region, number__startswith=prefix).values_list(
        "number", flat=True
    ):
        match = re.search(r"〕(\d+)号$", number)
        if match:
            last = max(last, int(match.group(1)))
    return [f"{prefix}{last + i:04d}号" for i in range(1, count + 1)]


@transaction.atomic
def request_approve(
    *, request: EstablishmentRequest, actor, valid_days: int = DEFAULT_VALID_DAYS, note: str = ""
) -> list[UseSlip]:
    """Approve and issue one numbered slip per slot; the slots are reserved until used or expired.

    Office roles of the unit's region only, and never the user who filed the request (four eyes)."""
    request = _lock_request(request, RequestStatus.APPROVED, actor=actor, capability="approve")
    authorize_second_person(actor, request.requested_by_id)
    if valid_days < 1 or valid_days > 366:
        _fail("有效期应在1到366天之间。", "valid_days")
    unit = Unit.objects.select_for_update().get(pk=request.unit_id)
    if not unit.is_live:
        _fail(f"{unit.name}已撤销或合并。")
    lock_quota(unit, request.establishment_type)
    if request.replacement_for is None:
        free = vacancy(unit, request.establishment_type)
        if free < request.count:
            _fail(
                f"{unit.name}{request.establishment_type}现有空编{max(free, 0)}名，不足{request.count}名，不能批准。"
            )
    today = _today()
    numbers = _next_numbers(unit.region, today.year, request.count)
    slips = UseSlip.objects.bulk_create(
        [
            UseSlip(
                region=unit.region,
                number=n,
                request=request,
                unit=unit,
                establishment_type=request.establishment_type,
                issued_on=today,
                valid_until=today + dt.timedelta(days=valid_days),
                is_replacement=request.replacement_for_id is not None,
            )
            for n in numbers
        ]
    )
    before = request.status
    request.status, request.decided_by, request.decided_at = RequestStatus.APPROVED, actor, timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _record(request, before, actor, note)
    audit.record(
        actor=actor,
        action="用编申请.批准",
        target=request,
        region=unit.region,
        before={"status": before},
        after={"status": request.status, "slips": numbers},
        reason=note,
    )
    return slips


@transaction.atomic
def request_refuse(*, request: EstablishmentRequest, actor, reason: str) -> EstablishmentRequest:
    """Refuse a request; a reason is required. Office roles of the unit's region."""
    request = _lock_request(request, RequestStatus.REFUSED, actor=actor, capability="approve")
    if not (reason or "").strip():
        _fail("不予批准必须填写理由。", "reason")
    return _move(
        request,
        RequestStatus.REFUSED,
        actor=actor,
        action="用编申请.不予批准",
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=reason.strip(),
    )


@transaction.atomic
def request_withdraw(*, request: EstablishmentRequest, actor, reason: str = "") -> EstablishmentRequest:
    """The requester (or the office of the unit's region) withdraws a pending request."""
    request = _lock_request(request, RequestStatus.WITHDRAWN, actor=actor, capability=None)
    return _move(request, RequestStatus.WITHDRAWN, actor=actor, action="用编申请.撤回", reason=reason)


@transaction.atomic
def slip_void(*, slip: UseSlip, actor, reason: str) -> UseSlip:
    """Void an unused slip (releases its reservation). Office administrators and staff of the slip's
    region (supervisors approve requests but do not void slips)."""
    slip = UseSlip.objects.select_for_update().get(pk=slip.pk)
    authorize(actor, "edit_registry", region=slip.region_id)
    if not (reason or "").strip():
        _fail("作废编制使用单必须填写原因。", "reason")
    if slip.status != SlipStatus.VALID:
        _fail(f"编制使用单{slip.number}当前为“{slip.status}”，不能作废。")
    slip.status, slip.void_reason = SlipStatus.VOID, reason.strip()
    slip.save(update_fields=["status", "void_reason"])
    audit.record(
        actor=actor,
        action="编制使用单.作废",
        target=slip,
        region=slip.region,
        before={"status": SlipStatus.VALID},
        after={"status": SlipStatus.VOID},
        reason=reason,
    )
    return slip


def lock_slip_for_entry(slip: UseSlip, unit: Unit, establishment_type: str, on: dt.date) -> UseSlip:
    """Lock a slip and check it can be used for this 入编 (right unit and type, unused, not expired)."""
    slip = UseSlip.objects.select_for_update().get(pk=slip.pk)
    if slip.status == SlipStatus.USED:
        _fail(f"编制使用单{slip.number}已经使用过，一张使用单只能办理一人入编。", "slip")
    if slip.status == SlipStatus.VOID:
        _fail(f"编制使用单{slip.number}已作废。", "slip")
    if slip.unit_id != unit.pk:
        _fail(f"编制使用单{slip.number}是核给{slip.unit.name}的，不能用于{unit.name}。", "slip")
    if slip.establishment_type != establishment_type:
        _fail(f"编制使用单{slip.number}核准的是{slip.establishment_type}，不是{establishment_type}。", "slip")
    if _today() > slip.valid_until:
        _fail(f"编制使用单{slip.number}已于{slip.valid_until:%Y-%m-%d}过期。", "slip")
    return slip


def consume_slip(slip: UseSlip, person: Person, on: dt.date) -> None:
    slip.status, slip.person, slip.used_on = SlipStatus.USED, person, on
    slip.save(update_fields=["status", "person", "used_on"])


def find_slip(region: Region, number: str) -> UseSlip | None:
    return UseSlip.objects.filter(region=region, number=number.strip()).select_related("unit").first()


def check_override(actor, document: Document | None, reason: str, *, region) -> None:
    """Only the office administrator of the region overrides a rule, with a reason and a Document of
    the region."""
    authorize(actor, "override", region=region)
    require_document_of(document, region, "特批")
    if not (reason or "").strip():
        _fail("特批必须填写原因。", "override_reason")


def record_override(
    *, kind: str, unit: Unit, person: Person | None, document: Document, reason: str, actor
) -> Override:
    override = Override.objects.create(
        kind=kind,
        unit=unit,
        person=person,
        document=document,
        reason=reason.strip(),
        actor=audit.user_of(actor),
    )
    audit.record(
        actor=actor,
        action=f"特批.{kind}",
        target=unit,
        after={"person": person.name if person else None, "document": document.number},
        reason=reason,
    )
    return override


__all__ = [
    "DEFAULT_VALID_DAYS",
    "OverrideKind",
    "can_request",
    "check_override",
    "consume_slip",
    "find_slip",
    "lock_quota",
    "lock_slip_for_entry",
    "open_overrides",
    "record_override",
    "request_approve",
    "request_create",
    "request_refuse",
    "request_withdraw",
    "reserved",
    "slip_void",
    "vacancy",
]
