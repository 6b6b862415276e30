"""What the registration services share: today, who may act, the record's checks against the registry
(先审批机构编制、后登记), the certificate number, the dated step of an application and the archive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from archives.choices import DedicatedKind
from archives.services import file_into_dedicated
from bianzhi.lib.idnumbers import InvalidNumber, normalize_credit_code
from bianzhi.lib.text import clean_cell
from bianzhi.roles import actor_name
from registration.models import (
    RECORD_FIELDS,
    REGISTRABLE,
    Application,
    ApplicationStep,
    RecordStatus,
    RegistrationRecord,
)
from units.choices import Funding, Nature
from units.models import Unit
from units.services.common import _fail, authorize_unit

VALID_YEARS = 5  # a 事业单位法人证书 is valid five years from its registration


def _today() -> dt.date:
    return timezone.localdate()


def _name(actor) -> str:
    return actor_name(actor)


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def authorize_filer(actor, unit: Unit) -> None:
    """The unit's liaison, or an office writer of the unit's region holding ``register_units``."""
    authorize_unit(actor, unit, capability="register_units")


def check_registrable(unit: Unit) -> None:
    """Only a live 事业单位 or 参公事业单位 set up by a Document of the registry is registered."""
    if unit.nature not in REGISTRABLE:
        _fail(
            f"“{unit.name}”是{unit.nature}，不属于事业单位法人登记范围：只有事业单位和参公事业单位办理登记。"
        )
    if not unit.is_live:
        _fail(f"“{unit.name}”已撤销或合并，不能办理登记。")
    if unit.founding_document_id is None:
        _fail(f"“{unit.name}”在机构编制台账中没有设立文件：先审批机构编制、后登记，请先登记其设立文件。")


def registry_differences(unit: Unit, data: dict) -> list[str]:
    """What ``data`` says that the registry (the unit as its Documents set it up) does not: the rule
    先审批机构编制、后登记. Each difference is a Chinese sentence naming both values."""
    out = []
    if "name" in data and data["name"] != unit.name:
        out.append(f"登记名称“{data['name']}”与机构编制部门批准的名称“{unit.name}”不一致。")
    if "nature" in data and data["nature"] != unit.nature:
        out.append(f"登记的机构性质“{data['nature']}”与批准的机构性质“{unit.nature}”不一致。")
    if "funding" in data and data["funding"] != unit.funding:
        out.append(f"登记的经费来源“{data['funding']}”与批准的经费形式“{unit.funding or '未定'}”不一致。")
    if data.get("credit_code") and unit.credit_code and data["credit_code"] != unit.credit_code:
        out.append(f"统一社会信用代码“{data['credit_code']}”与机构编制台账中的“{unit.credit_code}”不一致。")
    return out


def check_registry(unit: Unit, data: dict) -> None:
    if differences := registry_differences(unit, data):
        raise ValidationError(
            [*differences, "先审批机构编制、后登记：请先由机构编制部门依据批准文件变更台账，再申请登记。"]
        )


def clean_data(data: dict, fields) -> dict:
    """The registered facts of ``data`` for ``fields``, checked and JSON-ready (capital as a string).
    Every problem is listed at once, on its field."""
    errors: dict[str, str] = {}
    out: dict[str, str] = {}
    for field in fields:
        label = RECORD_FIELDS[field]
        raw = data.get(field)
        if field == "capital":
            try:
                value = Decimal(str(raw).strip())
            except (InvalidOperation, TypeError, ValueError):
                errors[field] = f"{label}须为数字（万元）。"
                continue
            if not value.is_finite() or value < 0 or value >= Decimal("10000000000"):
                errors[field] = f"{label}须为不小于0的数字（万元）。"
                continue
            out[field] = str(value.quantize(Decimal("0.01")))
            continue
        text = clean_cell(raw)
        if not text:
            errors[field] = f"{label}不能为空。"
            continue
        if field == "credit_code":
            try:
                text = normalize_credit_code(text)
            except InvalidNumber as exc:
                errors[field] = str(exc)
                continue
        elif field == "funding" and text not in Funding.values:
            errors[field] = f"{label}只能是" + "、".join(Funding.values) + "。"
            continue
        elif field == "nature" and text not in [str(n) for n in REGISTRABLE]:
            errors[field] = "机构性质只能是事业单位或参公事业单位。"
            continue
        limit = RegistrationRecord._meta.get_field(field).max_length
        if limit and len(text) > limit:
            errors[field] = f"{label}不能超过{limit}个字。"
            continue
        out[field] = text
    if errors:
        raise ValidationError(errors)
    return out


def apply_data(record: RegistrationRecord, data: dict) -> None:
    for field, value in data.items():
        setattr(record, field, Decimal(value) if field == "capital" else value)


def record_values(record: RegistrationRecord, fields) -> dict:
    return {f: str(getattr(record, f)) for f in fields}


def next_certificate_number(region) -> str:
    """事证第 + the region's code + a six-digit sequence (unique per region; the caller holds the lock)."""
    prefix = f"事证第{region.code}"
    taken = RegistrationRecord.objects.filter(region=region, certificate_number__startswith=prefix)
    highest = 0
    for number in taken.values_list("certificate_number", flat=True):
        digits = number[len(prefix) :].rstrip("号")
        if digits.isdigit():
            highest = max(highest, int(digits))
    return f"{prefix}{highest + 1:06d}号"


def valid_until(start: dt.date) -> dt.date:
    try:
        end = start.replace(year=start.year + VALID_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + VALID_YEARS, day=28)
    return end - dt.timedelta(days=1)


def step(application: Application, from_status: str, *, actor, note: str = "") -> None:
    ApplicationStep.objects.create(
        application=application,
        from_status=from_status,
        to_status=application.status,
        actor_name=_name(actor),
        note=note,
    )


def archive(
    region, title: str, *, actor, note: str = "", pdf: bytes | None = None, filename: str = ""
) -> None:
    """File into the 事业单位登记管理 独立档案 (a record, with the PDF when given)."""
    upload = SimpleUploadedFile(filename, pdf, content_type="application/pdf") if pdf is not None else None
    file_into_dedicated(
        DedicatedKind.REGISTRATION,
        region=region,
        title=title,
        note=note,
        occurred_on=_today(),
        upload=upload,
        actor=actor,
    )


def live_record_of(unit: Unit) -> RegistrationRecord | None:
    return RegistrationRecord.objects.filter(unit=unit).exclude(status=RecordStatus.CANCELLED).first()


def end_check(unit: Unit) -> str | None:
    """The units hook (``units.services.common.END_CHECKS``): a registered 事业单位 is abolished or merged
    away only after its 注销登记 is approved."""
    if unit.nature not in (Nature.PUBLIC_INSTITUTION, Nature.CIVIL_PI):
        return None
    record = live_record_of(unit)
    if record is None:
        return None
    if record.status == RecordStatus.PENDING:
        return f"“{unit.name}”有未办结的设立登记申请，请先处理后再撤销或合并。"
    return (
        f"“{unit.name}”已办理事业单位法人登记（{record.certificate_number}），"
        "须先核准其注销登记，才能撤销或合并。"
    )
