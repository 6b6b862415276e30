"""设立 / 变更 / 注销 登记: an application is filed (草稿) by the unit's liaison or the office, with the
materials of its checklist attached, submitted, and 核准 or 退回 by the office. A return lists every
missing material and every reason at once (一次性告知); each step is dated and audited; the approval
applies the application to the registration record and files it into the 独立档案."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from archives.services import store_checked
from bianzhi import audit
from bianzhi.lib.text import clean_cell
from bianzhi.models import Region
from bianzhi.roles import authorize
from registration.models import (
    CHANGEABLE,
    MATERIALS,
    RECORD_FIELDS,
    Application,
    ApplicationAttachment,
    ApplicationKind,
    ApplicationStatus,
    RecordStatus,
    RegistrationRecord,
)
from registration.services.common import (
    _fail,
    _name,
    _today,
    _user,
    apply_data,
    archive,
    authorize_filer,
    check_registrable,
    check_registry,
    clean_data,
    live_record_of,
    next_certificate_number,
    record_values,
    step,
    valid_until,
)
from units.models import Unit

MAX_ATTACHMENTS = 30  # per application: bounded
OPEN = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
ESTABLISH_FIELDS = tuple(RECORD_FIELDS)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("unit", "region", "record")
        .get(pk=application.pk)
    )


def _audit(
    application: Application, action: str, *, actor, before=None, after=None, reason: str = ""
) -> None:
    audit.record(
        actor=actor,
        action=f"事业单位登记.{action}",
        target=application,
        region=application.region,
        before=before,
        after=after,
        reason=reason,
    )


def _check_open_application(record: RegistrationRecord | None) -> None:
    if (
        record is not None
        and record.applications.filter(status__in=[*OPEN, ApplicationStatus.SUBMITTED]).exists()
    ):
        _fail(f"“{record.name}”已有未办结的登记申请，请先办结该申请。")


def _clean(unit: Unit, kind: str, data: dict, record: RegistrationRecord | None) -> dict:
    """The application's data, checked: all the facts for a 设立 (against the registry), the changed facts
    for a 变更 (the name and the funding only to what the registry says now), nothing for a 注销."""
    if kind == ApplicationKind.ESTABLISH:
        data = {"nature": unit.nature, **{k: v for k, v in data.items() if v not in (None, "")}}
        clean = clean_data(data, ESTABLISH_FIELDS)
        check_registry(unit, clean)
        return clean
    if kind == ApplicationKind.CHANGE:
        wanted = {k: v for k, v in data.items() if k in CHANGEABLE and v not in (None, "")}
        clean = clean_data(wanted, tuple(wanted))
        current = record_values(record, clean)
        clean = {k: v for k, v in clean.items() if v != current[k]}
        if not clean:
            _fail("请填写至少一项与现登记事项不同的变更内容。")
        check_registry(unit, clean)
        return clean
    return {}


@transaction.atomic
def application_create(
    *, unit: Unit, kind: str, actor, data: dict | None = None, explanation: str = ""
) -> Application:
    """File an application (草稿). 设立: a live 事业单位/参公事业单位 of the registry with no live registration
    (a 待登记 record is opened with it); 变更/注销: a registered unit. The unit's liaison or the office."""
    authorize_filer(actor, unit)
    unit = Unit.objects.select_for_update().select_related("region").get(pk=unit.pk)
    if kind not in ApplicationKind.values:
        _fail("申请类别无效。", "kind")
    record = live_record_of(unit)
    if kind == ApplicationKind.ESTABLISH:
        check_registrable(unit)
        if record is not None:
            _fail(f"“{unit.name}”已有登记记录（{record.status}），不能重复申请设立登记。")
        clean = _clean(unit, kind, data or {}, None)
        record = RegistrationRecord(region=unit.region, unit=unit, status=RecordStatus.PENDING)
        apply_data(record, clean)
        record.save()
    else:
        if record is None or record.status != RecordStatus.REGISTERED:
            _fail(f"“{unit.name}”尚未核准登记，不能申请{kind}。")
        _check_open_application(record)
        clean = _clean(unit, kind, data or {}, record)
    application = Application.objects.create(
        region=unit.region,
        unit=unit,
        record=record,
        kind=kind,
        data=clean,
        explanation=clean_cell(explanation)[:2000] if explanation else "",
        filed_by=_user(actor),
        filed_by_name=_name(actor),
    )
    step(application, "", actor=actor, note=f"填报{kind}申请")
    _audit(application, "申请", actor=actor, after={"kind": kind, "data": clean})
    return application


@transaction.atomic
def application_update(
    *, application: Application, actor, data: dict | None = None, explanation: str = ""
) -> Application:
    """Change a draft or returned application's data (checked as when filed)."""
    application = _lock(application)
    authorize_filer(actor, application.unit)
    if application.status not in OPEN:
        _fail(f"申请{application.status}，不能修改。")
    clean = _clean(application.unit, application.kind, data or {}, application.record)
    before = {"data": application.data, "explanation": application.explanation}
    application.data, application.explanation = clean, (explanation or "").strip()[:2000]
    application.save(update_fields=["data", "explanation"])
    if application.kind == ApplicationKind.ESTABLISH:
        apply_data(application.record, clean)
        application.record.save()
    _audit(application, "修改申请", actor=actor, before=before, after={"data": clean})
    return application


def missing_materials(application: Application) -> list[str]:
    have = set(application.attachments.values_list("material", flat=True))
    return [m for m in MATERIALS[application.kind] if m not in have]


@transaction.atomic
def attachment_add(
    *, application: Application, material: str, upload: UploadedFile, actor
) -> ApplicationAttachment:
    """Attach one material of the checklist (PDF/image, checked by content and size; at most
    ``MAX_ATTACHMENTS`` per application), while the application is a draft or returned."""
    application = _lock(application)
    authorize_filer(actor, application.unit)
    if application.status not in OPEN:
        _fail(f"申请{application.status}，不能再上传材料。")
    if material not in MATERIALS[application.kind]:
        _fail(f"“{material}”不是{application.kind}所需的材料。", "material")
    if application.attachments.count() >= MAX_ATTACHMENTS:
        _fail(f"每份申请最多上传{MAX_ATTACHMENTS}个材料文件。")
    try:
        item = store_checked(
            ApplicationAttachment(application=application, material=material),
            upload,
            uploaded_by_name=_name(actor),
            default_name="材料",
        )
    except ValidationError as exc:
        raise ValidationError({"upload": exc.messages}) from None
    _audit(
        application,
        "上传材料",
        actor=actor,
        after={"material": material, "file": item.original_name, "sha256": item.sha256},
    )
    return item


@transaction.atomic
def application_submit(*, application: Application, actor) -> Application:
    """Submit a draft or returned application for review (its data checked against the registry again)."""
    application = _lock(application)
    authorize_filer(actor, application.unit)
    if application.status not in OPEN:
        _fail(f"申请{application.status}，不能提交。")
    if application.kind == ApplicationKind.ESTABLISH:
        check_registrable(application.unit)
    check_registry(application.unit, application.data)
    before = application.status
    application.status, application.submitted_at = ApplicationStatus.SUBMITTED, timezone.now()
    application.save(update_fields=["status", "submitted_at"])
    missing = missing_materials(application)
    step(
        application, before, actor=actor, note=("尚缺材料：" + "、".join(missing)) if missing else "材料齐全"
    )
    _audit(application, "提交", actor=actor, before={"status": before}, after={"status": application.status})
    return application


def _require_reviewer(actor, application: Application) -> None:
    authorize(actor, "register_units", region=application.region_id)


@transaction.atomic
def application_return(
    *, application: Application, actor, reasons: str = "", deficient: list[str] | tuple = ()
) -> Application:
    """退回 a submitted application, telling everything at once (一次性告知): every material not attached,
    every material the reviewer marks ``deficient`` (不符合要求), and the reviewer's ``reasons``."""
    application = _lock(application)
    _require_reviewer(actor, application)
    if application.status != ApplicationStatus.SUBMITTED:
        _fail(f"申请{application.status}，不能退回。")
    unknown = [m for m in deficient if m not in MATERIALS[application.kind]]
    if unknown:
        _fail("不是本类申请所需的材料：" + "、".join(unknown), "deficient")
    items = [f"缺少材料：{m}" for m in missing_materials(application)]
    items += [f"材料不符合要求：{m}" for m in MATERIALS[application.kind] if m in deficient]
    items += [line.strip() for line in (reasons or "").splitlines() if line.strip()]
    if not items:
        _fail("退回时须写明理由或需补正的材料（一次性告知）。", "reasons")
    before = application.status
    application.status, application.returned_reasons = ApplicationStatus.RETURNED, items
    application.decided_by_name = _name(actor)
    application.save(update_fields=["status", "returned_reasons", "decided_by_name"])
    step(application, before, actor=actor, note="；".join(items))
    _audit(
        application,
        "退回",
        actor=actor,
        before={"status": before},
        after={"status": application.status, "items": items},
    )
    return application


@transaction.atomic
def application_approve(*, application: Application, actor, on: dt.date | None = None) -> Application:
    """核准 a submitted application with every material attached: 设立 registers the record (证书号, 有效期
    five years), 变更 changes it, 注销 cancels it. Files the approval (and the certificate or the 注销
    notice) into the 事业单位登记管理 独立档案. ``on``: the approval day (default today; an earlier day
    records an approval given on paper before the system), never later than today."""
    from registration import prints  # the certificate and notice of the approved record

    application = _lock(application)
    _require_reviewer(actor, application)
    if application.status != ApplicationStatus.SUBMITTED:
        _fail(f"申请{application.status}，不能核准。")
    if missing := missing_materials(application):
        _fail("材料不齐全，不能核准（可退回并一次性告知）：" + "、".join(missing))
    unit = application.unit
    record = RegistrationRecord.objects.select_for_update().get(pk=application.record_id)
    if application.kind == ApplicationKind.ESTABLISH:
        check_registrable(unit)
    if application.kind != ApplicationKind.CANCEL:
        check_registry(unit, application.data)
    today = _today()
    if on is not None:
        if on > today:
            _fail("核准日期不能晚于今天。")
        today = on
    before = record_values(record, (*RECORD_FIELDS, "status", "certificate_number"))
    if application.kind == ApplicationKind.ESTABLISH:
        apply_data(record, application.data)
        record.status, record.registered_on = RecordStatus.REGISTERED, today
        Region.objects.select_for_update().get(pk=unit.region_id)  # one number at a time per region
        record.certificate_number = next_certificate_number(unit.region)
        record.valid_from, record.valid_to = today, valid_until(today)
    elif application.kind == ApplicationKind.CHANGE:
        apply_data(record, application.data)
    else:
        record.status, record.cancelled_on = RecordStatus.CANCELLED, today
    record.save()
    previous = application.status
    application.status, application.decided_at = ApplicationStatus.APPROVED, timezone.now()
    application.decided_by_name, application.returned_reasons = _name(actor), []
    application.save(update_fields=["status", "decided_at", "decided_by_name", "returned_reasons"])
    step(application, previous, actor=actor, note=f"核准{application.kind}")
    after = record_values(record, (*RECORD_FIELDS, "status", "certificate_number"))
    _audit(application, "核准", actor=actor, before=before, after=after)
    changes = "；".join(f"{RECORD_FIELDS[k]}：{v}" for k, v in application.data.items())
    archive(
        unit.region,
        f"{record.name}{application.kind}核准（{record.certificate_number}）",
        note=changes,
        actor=actor,
    )
    if application.kind == ApplicationKind.ESTABLISH:
        pdf = prints.certificate_pdf(record, copy=False, actor=actor)
        archive(
            unit.region,
            f"{record.name}事业单位法人证书（正本）",
            actor=actor,
            pdf=pdf,
            filename="法人证书.pdf",
        )
    elif application.kind == ApplicationKind.CANCEL:
        pdf = prints.cancel_notice_pdf(record, actor=actor)
        archive(unit.region, f"{record.name}注销登记通知书", actor=actor, pdf=pdf, filename="注销通知书.pdf")
    return application
