"""Every read of 事业单位登记管理, scoped to the user: the office sees its regions, a liaison the units
granted to them; anything else is 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bianzhi.roles import acting_region_ids, can
from registration.models import (
    LIVE_RECORD,
    REGISTRABLE,
    AnnualReport,
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    RecordStatus,
    RegistrationRecord,
    ReportStatus,
    ReportYear,
    default_deadline,
)
from units.choices import UnitStatus
from units.models import Unit
from units.selectors import liaison_unit_ids, regions_for, units_for

EXPIRING_DAYS = 90


def _scope(user) -> Q | None:
    """The rows' ``unit`` filter for the user, or None for nothing."""
    if can(user, "view_registry"):
        return Q(region__in=regions_for(user))
    ids = liaison_unit_ids(user)
    return Q(unit_id__in=ids) if ids else None


def records_for(user) -> QuerySet[RegistrationRecord]:
    scope = _scope(user)
    if scope is None:
        return RegistrationRecord.objects.none()
    return RegistrationRecord.objects.filter(scope).select_related("unit", "region")


def record_for(user, pk: int) -> RegistrationRecord:
    try:
        return records_for(user).get(pk=pk)
    except (RegistrationRecord.DoesNotExist, ValueError):
        raise Http404("没有找到该登记记录。") from None


def records_filtered(user, data: dict[str, Any]) -> QuerySet[RegistrationRecord]:
    qs = records_for(user)
    if q := (data.get("q") or "").strip():
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(credit_code__icontains=q)
            | Q(certificate_number__icontains=q)
            | Q(unit__name__icontains=q)
        )
    if status := data.get("status"):
        qs = qs.filter(status=status)
    return qs.order_by("name", "id")


def applications_for(user) -> QuerySet[Application]:
    scope = _scope(user)
    if scope is None:
        return Application.objects.none()
    return Application.objects.filter(scope).select_related("unit", "record", "region")


def application_for(user, pk: int) -> Application:
    try:
        return applications_for(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError):
        raise Http404("没有找到该登记申请。") from None


def applications_filtered(user, data: dict[str, Any]) -> QuerySet[Application]:
    qs = applications_for(user)
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(unit__name__icontains=q) | Q(record__certificate_number__icontains=q))
    if kind := data.get("kind"):
        qs = qs.filter(kind=kind)
    if status := data.get("status"):
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def attachment_for(user, pk: int) -> ApplicationAttachment:
    apps = applications_for(user)
    try:
        return ApplicationAttachment.objects.select_related("application__region").get(
            pk=pk, application__in=apps
        )
    except (ApplicationAttachment.DoesNotExist, ValueError):
        raise Http404("没有找到该材料。") from None


def attachments_of(application: Application) -> QuerySet[ApplicationAttachment]:
    return application.attachments.order_by("id")


def steps_of(application: Application):
    return application.steps.order_by("at", "id")


def record_history(record: RegistrationRecord) -> dict[str, Any]:
    return {
        "applications": record.applications.order_by("-created_at", "-id"),
        "reports": record.reports.order_by("-year"),
        "reissues": record.reissues.order_by("-reissued_on", "-id"),
    }


def filable_units(user) -> QuerySet[Unit]:
    """The live 事业单位/参公事业单位 the user may file an application for."""
    qs = units_for(user).filter(status=UnitStatus.ACTIVE, nature__in=REGISTRABLE)
    if not can(user, "register_units"):
        qs = qs.filter(pk__in=liaison_unit_ids(user))
    elif (kept := acting_region_ids(user)) is not None:
        qs = qs.filter(region_id__in=kept)  # a city's office reads its counties' units, files for its own
    return qs.order_by("sort_order", "name", "id")


def unit_in(units: QuerySet[Unit], pk) -> Unit | None:
    return units.filter(pk=pk).first() if pk else None


def unregistered_units(user) -> QuerySet[Unit]:
    """事业单位 of the registry without a live registration (to register)."""
    live = RegistrationRecord.objects.filter(LIVE_RECORD, status=RecordStatus.REGISTERED).values("unit_id")
    return (
        units_for(user)
        .filter(status=UnitStatus.ACTIVE, nature__in=REGISTRABLE)
        .exclude(pk__in=live)
        .order_by("sort_order", "name")
    )


def expiring(
    user, *, days: int = EXPIRING_DAYS, today: dt.date | None = None
) -> QuerySet[RegistrationRecord]:
    return records_for(user).filter(expiring_q(days=days, today=today)).order_by("valid_to")


def expiring_q(*, days: int = EXPIRING_DAYS, today: dt.date | None = None) -> Q:
    """Registered, and valid to within ``days`` of ``today`` (or already past it)."""
    today = today or timezone.localdate()
    return Q(
        status=RecordStatus.REGISTERED, valid_to__isnull=False, valid_to__lte=today + dt.timedelta(days=days)
    )


# ---- annual reports --------------------------------------------------------------------------------------


def reports_for(user) -> QuerySet[AnnualReport]:
    if can(user, "view_registry"):
        qs = AnnualReport.objects.filter(region__in=regions_for(user))
    elif ids := liaison_unit_ids(user):
        qs = AnnualReport.objects.filter(record__unit_id__in=ids)
    else:
        return AnnualReport.objects.none()
    return qs.select_related("record", "region")


def report_for(user, pk: int) -> AnnualReport:
    try:
        return reports_for(user).get(pk=pk)
    except (AnnualReport.DoesNotExist, ValueError):
        raise Http404("没有找到该年度报告。") from None


def report_of(record: RegistrationRecord, year: int) -> AnnualReport | None:
    return AnnualReport.objects.filter(record=record, year=year).first()


def deadline(region, year: int) -> dt.date:
    row = ReportYear.objects.filter(region=region, year=year).first()
    return row.deadline if row else default_deadline(year)


def registered_at_end(records: QuerySet[RegistrationRecord], year: int) -> QuerySet[RegistrationRecord]:
    end = dt.date(year, 12, 31)
    return records.filter(registered_on__isnull=False, registered_on__lte=end).filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=end)
    )


@dataclass
class YearRow:
    record: RegistrationRecord
    report: AnnualReport | None
    late: bool

    @property
    def state(self) -> str:
        return self.report.status if self.report else "未填报"


@dataclass
class YearFigures:
    year: int
    registered: int
    filed: int
    accepted: int

    @property
    def rate(self) -> float | None:
        """年报率: accepted reports / units registered at the year's end (percent)."""
        return round(100 * self.accepted / self.registered, 1) if self.registered else None

    @property
    def not_filed(self) -> int:
        return self.registered - self.filed


def year_figures(user, year: int) -> YearFigures:
    records = registered_at_end(records_for(user), year)
    reports = AnnualReport.objects.filter(year=year, record__in=records).aggregate(
        filed=Count("pk", filter=~Q(status=ReportStatus.DRAFT)),
        accepted=Count("pk", filter=Q(status=ReportStatus.ACCEPTED)),
    )
    return YearFigures(year=year, registered=records.count(), **reports)


FILTERS = {"not_filed": "未报送", "submitted": "待审核", "returned": "已退回", "accepted": "已通过"}


def year_rows(user, year: int, data: dict[str, Any]) -> list[YearRow]:
    """Each unit registered at the year's end with its report (or none), filtered by ``data``
    (``state``: a key of ``FILTERS``; ``q``: name, credit code or certificate number)."""
    records = registered_at_end(records_for(user), year)
    if q := (data.get("q") or "").strip():
        records = records.filter(
            Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(certificate_number__icontains=q)
        )
    reports = {r.record_id: r for r in AnnualReport.objects.filter(year=year, record__in=records)}
    deadlines = {row.region_id: row.deadline for row in ReportYear.objects.filter(year=year)}
    now = timezone.localdate()
    rows = []
    for record in records.order_by("name", "id"):
        report = reports.get(record.pk)
        due = deadlines.get(record.region_id) or default_deadline(year)
        if report and report.submitted_at:
            late = timezone.localdate(report.submitted_at) > due
        else:
            late = now > due
        rows.append(YearRow(record, report, late))
    state = data.get("state")
    wanted = {
        "not_filed": lambda r: r.report is None or r.report.status == ReportStatus.DRAFT,
        "submitted": lambda r: r.report is not None and r.report.status == ReportStatus.SUBMITTED,
        "returned": lambda r: r.report is not None and r.report.status == ReportStatus.RETURNED,
        "accepted": lambda r: r.report is not None and r.report.status == ReportStatus.ACCEPTED,
    }.get(state)
    return [r for r in rows if wanted(r)] if wanted else rows


def report_years(user) -> list[int]:
    """The years a report may be filed for: from the first registration to last year, newest first."""
    last = timezone.localdate().year - 1
    first = (
        records_for(user)
        .filter(registered_on__isnull=False)
        .order_by("registered_on")
        .values_list("registered_on", flat=True)
        .first()
    )
    start = min(first.year, last) if first else last
    return list(range(last, max(start, last - 20) - 1, -1))


def region_of(user, year: int):
    """The first region the user works for (where a deadline is set), or None."""
    return regions_for(user).order_by("code").first()


# ---- dashboard -------------------------------------------------------------------------------------------


def dashboard_panel(request) -> dict[str, Any] | None:
    """The home-page panel: office roles for their regions, a liaison for their units."""
    user = request.user
    office = can(user, "view_registry")
    if not office and not units_for(user).filter(nature__in=REGISTRABLE).exists():
        return None  # neither the office nor the liaison of a 事业单位
    last = timezone.localdate().year - 1
    records = records_for(user).aggregate(  # one query for both
        registered=Count("pk", filter=Q(status=RecordStatus.REGISTERED)),
        expiring=Count("pk", filter=expiring_q()),
    )
    return {
        "registered": records["registered"],
        "to_register": unregistered_units(user).count(),
        "figures": year_figures(user, last),
        "expiring": records["expiring"],
        "waiting": applications_for(user).filter(status=ApplicationStatus.SUBMITTED).count(),
        "office": office,
    }


def is_liaison(user) -> bool:
    return bool(liaison_unit_ids(user))
