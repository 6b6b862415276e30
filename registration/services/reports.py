"""年度报告: the office sets each year's deadline (default 03-31 of the next year); a unit registered at
the year's end files its report (its liaison, or the office), submits it; the office accepts it (filed
into the 独立档案) or returns it with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import authorize
from registration.models import (
    REPORT_FIELDS,
    REPORT_REQUIRED,
    AnnualReport,
    RegistrationRecord,
    ReportStatus,
    ReportYear,
)
from registration.services.common import _fail, _name, _today, archive, authorize_filer

DECIMALS = ("capital", "net_assets_start", "net_assets_end", "income", "expense")
OPEN = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _label(field: str) -> str:
    return str(AnnualReport._meta.get_field(field).verbose_name)


@transaction.atomic
def report_year_set(*, region, year: int, deadline: dt.date, actor) -> ReportYear:
    """The office sets (or moves) a year's deadline. Audited."""
    authorize(actor, "register_units", region=region)
    if not 2000 <= year <= _today().year:
        _fail("报告年度无效。", "year")
    if deadline <= dt.date(year, 12, 31):
        _fail(f"{year}年度报告的截止日期须在该年度结束之后。", "deadline")
    row = ReportYear.objects.select_for_update().filter(region=region, year=year).first()
    before = {"deadline": str(row.deadline)} if row else None
    if row is None:
        row = ReportYear(region=region, year=year)
    row.deadline = deadline
    row.save()
    audit.record(
        actor=actor,
        action="事业单位登记.年报截止日期",
        target=row,
        region=region,
        before=before,
        after={"year": year, "deadline": str(deadline)},
    )
    return row


def _clean(data: dict) -> dict:
    out, errors = {}, {}
    for field in REPORT_FIELDS:
        if field not in data:
            continue
        raw = data[field]
        if field in DECIMALS:
            if raw in (None, ""):
                out[field] = None
                continue
            try:
                value = Decimal(str(raw).strip())
            except (InvalidOperation, TypeError, ValueError):
                errors[field] = f"{_label(field)}须为数字（万元）。"
                continue
            if not value.is_finite() or abs(value) >= Decimal("10000000000"):
                errors[field] = f"{_label(field)}超出范围。"
                continue
            if field == "capital" and value < 0:
                errors[field] = "开办资金不能为负数。"
                continue
            out[field] = value.quantize(Decimal("0.01"))
        elif field == "staff_count":
            if raw in (None, ""):
                out[field] = None
                continue
            try:
                value = int(raw)
            except (TypeError, ValueError):
                errors[field] = "从业人数须为整数。"
                continue
            if value < 0 or value > 1_000_000:
                errors[field] = "从业人数无效。"
                continue
            out[field] = value
        else:
            out[field] = (raw or "").strip()[:5000]
    if errors:
        raise ValidationError(errors)
    return out


def _check_year(record: RegistrationRecord, year: int) -> None:
    if year >= _today().year:
        _fail(f"{year}年度尚未结束，不能填报该年度报告。")
    if not record.registered_at_end_of(year):
        _fail(f"“{record.name}”在{year}年末不是已登记的事业单位，无须报送该年度报告。")


@transaction.atomic
def report_save(
    *, record: RegistrationRecord, year: int, data: dict, actor, submit: bool = False
) -> AnnualReport:
    """Fill (and, with ``submit``, submit) a unit's report for ``year``: its liaison or the office. A
    submitted or accepted report is not changed; a submission lists every required section left empty."""
    authorize_filer(actor, record.unit)
    record = RegistrationRecord.objects.select_for_update().get(pk=record.pk)
    _check_year(record, year)
    report = AnnualReport.objects.select_for_update().filter(record=record, year=year).first()
    if report is None:
        report = AnnualReport(record=record, region=record.region, year=year, capital=record.capital)
    elif report.status not in OPEN:
        _fail(f"{year}年度报告{report.status}，不能修改。")
    clean = _clean(data)
    for field, value in clean.items():
        setattr(report, field, value)
    report.filed_by_name = _name(actor)
    before_status = report.status
    if submit:
        empty = [_label(f) for f in REPORT_REQUIRED if getattr(report, f) in (None, "")]
        if empty:
            _fail("以下内容尚未填写，不能提交：" + "、".join(empty))
        report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    report.save()
    audit.record(
        actor=actor,
        action="事业单位登记.年度报告提交" if submit else "事业单位登记.年度报告填报",
        target=report,
        region=record.region,
        before={"status": before_status},
        after={"status": report.status, **{k: str(v) for k, v in clean.items()}},
    )
    return report


def _decide(report: AnnualReport, actor) -> AnnualReport:
    authorize(actor, "register_units", region=report.region_id)
    report = AnnualReport.objects.select_for_update().select_related("record", "region").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        _fail(f"{report.year}年度报告{report.status}，不能审核。")
    return report


@transaction.atomic
def report_accept(*, report: AnnualReport, actor) -> AnnualReport:
    """The office accepts a submitted report (已通过); it goes into the 独立档案. Audited."""
    report = _decide(report, actor)
    report.status, report.decided_at, report.decided_by_name = (
        ReportStatus.ACCEPTED,
        timezone.now(),
        _name(actor),
    )
    report.return_reason = ""
    report.save(update_fields=["status", "decided_at", "decided_by_name", "return_reason"])
    audit.record(
        actor=actor,
        action="事业单位登记.年度报告通过",
        target=report,
        region=report.region,
        before={"status": ReportStatus.SUBMITTED},
        after={"status": report.status},
    )
    archive(
        report.region,
        f"{report.record.name}{report.year}年度报告（已通过）",
        note=f"证书号：{report.record.certificate_number}",
        actor=actor,
    )
    return report


@transaction.atomic
def report_return(*, report: AnnualReport, reason: str, actor) -> AnnualReport:
    """The office returns a submitted report with a reason; the unit corrects and submits again."""
    report = _decide(report, actor)
    reason = (reason or "").strip()
    if not reason:
        _fail("退回时须写明理由。", "reason")
    report.status, report.return_reason = ReportStatus.RETURNED, reason[:2000]
    report.decided_at, report.decided_by_name = timezone.now(), _name(actor)
    report.save(update_fields=["status", "return_reason", "decided_at", "decided_by_name"])
    audit.record(
        actor=actor,
        action="事业单位登记.年度报告退回",
        target=report,
        region=report.region,
        before={"status": ReportStatus.SUBMITTED},
        after={"status": report.status},
        reason=reason,
    )
    return report
