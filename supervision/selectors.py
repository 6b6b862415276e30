"""Every read of 监督检查, scoped to the user (default deny; 404 outside the scope).

举报, self-inspections, inspections and findings are the office's (``view_registry`` of the region): a
liaison sees none of them. A liaison sees only their own units' questionnaires and 整改通知书 (and their
attachments). The reporter of a 举报 is shown masked to anyone without ``view_reporter``."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bianzhi.roles import can
from supervision.choices import (
    REPORT_OPEN,
    FindingStatus,
    Item,
    MatterKind,
    NoticeStatus,
    QuestionnaireStatus,
    ReportStatus,
)
from supervision.models import (
    DEFAULT_DEADLINE_DAYS,
    Attachment,
    Finding,
    Inspection,
    Notice,
    Questionnaire,
    Report,
    SelfInspection,
    Setting,
)
from units import selectors as registry
from units.selectors import acting_regions, liaison_unit_ids, live_legal_units, regions_for

# ---- confidentiality -------------------------------------------------------------------------------------


def mask_name(value: str) -> str:
    """张三丰 → 张**; empty stays empty."""
    return value[:1] + "*" * max(len(value) - 1, 1) if value else ""


def mask_contact(value: str) -> str:
    """13812345678 → 138****5678; short values keep only their first character."""
    if not value:
        return ""
    if len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:1] + "*" * (len(value) - 1)


def reporter(user, report: Report) -> dict[str, str]:
    """The reporter as ``user`` may see them: in full with ``view_reporter``, else masked."""
    if report.anonymous:
        return {"name": "匿名", "contact": "", "masked": False}
    if can(user, "view_reporter", region=report.region_id):
        return {"name": report.reporter_name, "contact": report.reporter_contact, "masked": False}
    return {
        "name": mask_name(report.reporter_name),
        "contact": mask_contact(report.reporter_contact),
        "masked": True,
    }


# ---- scope -----------------------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


def office_regions(user):
    """The regions an office user reads here (their own and those below: a city's counties)."""
    return regions_for(user)


def acting_office_regions(user):
    """The regions an office user records in (a 举报, a self-inspection, an inspection, a year's archive):
    their own only — a city's office reads its counties' supervision, it does not keep it."""
    return acting_regions(user)


def page_region(user, wanted=None):
    """The region an office page is about: ``wanted`` (an id) among the user's regions, else the first;
    404 when the user has none (or asks for another)."""
    regions = regions_for(user)
    region = _one(regions, wanted, "区划") if wanted else regions.first()
    if region is None:
        raise Http404("没有可查看的区划。")
    return region


def is_liaison_of(user, unit) -> bool:
    """The user is a liaison granted this 法人 unit (object-level, ``units.selectors.liaison_unit_ids``)."""
    return user is not None and can(user, "liaise") and unit.pk in liaison_unit_ids(user)


def _one(qs: QuerySet, pk, what: str):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"没有找到该{what}。") from None


def setting_of(region) -> Setting:
    return Setting.objects.filter(region=region).first() or Setting(
        region=region, deadline_days=DEFAULT_DEADLINE_DAYS
    )


def choosable_units(user) -> QuerySet:
    """Live 法人 units of the regions the office user keeps (the unit of a 举报, an inspection's units)."""
    if not can(user, "view_registry"):
        return live_legal_units(None)  # nothing
    return registry.choosable_units(user)


# ---- 举报 ------------------------------------------------------------------------------------------------


def reports_for(user) -> QuerySet[Report]:
    if not can(user, "view_registry"):
        return Report.objects.none()
    return Report.objects.filter(region__in=regions_for(user)).select_related("region", "unit")


def report_for(user, pk) -> Report:
    return _one(reports_for(user), pk, "举报")


def overdue_q(day: dt.date) -> Q:
    """Open and past the deadline in force on ``day``, or closed after it."""
    due_passed_open = Q(status__in=REPORT_OPEN) & (
        Q(extended_to__isnull=True, deadline__lt=day) | Q(extended_to__lt=day)
    )
    closed_late = Q(status=ReportStatus.CLOSED) & (
        Q(extended_to__isnull=True, closed_on__gt=F("deadline")) | Q(closed_on__gt=F("extended_to"))
    )
    return due_passed_open | closed_late


def reports_filtered(user, data: dict[str, Any], day: dt.date | None = None) -> QuerySet[Report]:
    """The register, filtered: search (summary, unit, reporter for those who may see it), status, matter,
    year, overdue."""
    day = day or timezone.localdate()
    qs = reports_for(user)
    if q := (data.get("q") or "").strip():
        cond = Q(summary__icontains=q) | Q(unit__name__icontains=q)
        if can(user, "view_reporter"):
            cond |= Q(reporter_name__icontains=q)
        qs = qs.filter(cond)
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("matter"):
        qs = qs.filter(matter=data["matter"])
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    if data.get("overdue"):
        qs = qs.filter(overdue_q(day))
    return qs.order_by("-received_on", "-id")


def report_page(user, report: Report) -> dict[str, Any]:
    day = timezone.localdate()
    return {
        "report": report,
        "who": reporter(user, report),
        "steps": report.steps.all(),
        "documents": report.documents.all(),
        "overdue": report.overdue_on(day),
        "today": day,
    }


# ---- self-inspection -------------------------------------------------------------------------------------


def self_inspections_for(user) -> QuerySet[SelfInspection]:
    if not can(user, "view_registry"):
        return SelfInspection.objects.none()
    return SelfInspection.objects.filter(region__in=regions_for(user)).annotate(
        total=Count("questionnaires"),
        answered=Count(
            "questionnaires",
            filter=Q(
                questionnaires__status__in=[QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.ACCEPTED]
            ),
        ),
    )


def self_inspection_for(user, pk) -> SelfInspection:
    return _one(self_inspections_for(user), pk, "年度自查")


def questionnaire_counts(si: SelfInspection) -> dict[str, int]:
    counts = dict(si.questionnaires.values_list("status").annotate(n=Count("id")))
    total = sum(counts.values())
    answered = counts.get(QuestionnaireStatus.SUBMITTED, 0) + counts.get(QuestionnaireStatus.ACCEPTED, 0)
    return {
        "total": total,
        "answered": answered,
        "not_answered": total - answered,
        "open": counts.get(QuestionnaireStatus.OPEN, 0),
        "returned": counts.get(QuestionnaireStatus.RETURNED, 0),
        "submitted": counts.get(QuestionnaireStatus.SUBMITTED, 0),
        "accepted": counts.get(QuestionnaireStatus.ACCEPTED, 0),
        "rate": answered / total if total else None,
    }


def questionnaires_of(si: SelfInspection, data: dict[str, Any]) -> QuerySet[Questionnaire]:
    """The units' questionnaires of a self-inspection: filter by status (or 未答 = not answered) and name."""
    qs = si.questionnaires.select_related("unit")
    status = data.get("status")
    if status == "未答":
        qs = qs.filter(status__in=[QuestionnaireStatus.OPEN, QuestionnaireStatus.RETURNED])
    elif status:
        qs = qs.filter(status=status)
    if q := (data.get("q") or "").strip():
        qs = qs.filter(unit__name__icontains=q)
    if data.get("township"):
        qs = qs.filter(unit__township=data["township"])
    return qs.order_by("unit__sort_order", "unit_id")


def questionnaires_for(user) -> QuerySet[Questionnaire]:
    """The office: every questionnaire of its regions; a liaison: their own units' only."""
    qs = Questionnaire.objects.select_related("inspection", "unit", "inspection__region")
    if can(user, "view_registry"):
        return qs.filter(inspection__region__in=regions_for(user))
    ids = liaison_unit_ids(user)
    return qs.filter(unit_id__in=ids) if ids else qs.none()


def questionnaire_for(user, pk) -> Questionnaire:
    return _one(questionnaires_for(user), pk, "自查表")


def answer_rows(q: Questionnaire) -> list[dict[str, Any]]:
    rows = {a.item: a for a in q.answers.all()}
    return [
        {
            "item": item,
            "label": label,
            "answer": rows[item].answer if item in rows else "",
            "text": rows[item].text if item in rows else "",
        }
        for item, label in Item.choices
    ]


# ---- inspections, findings, notices -------------------------------------------------------------------------


def inspections_for(user) -> QuerySet[Inspection]:
    if not can(user, "view_registry"):
        return Inspection.objects.none()
    return Inspection.objects.filter(region__in=regions_for(user)).annotate(
        unit_count=Count("units", distinct=True), notice_count=Count("notices", distinct=True)
    )


def inspection_for(user, pk) -> Inspection:
    return _one(inspections_for(user), pk, "检查")


def inspections_filtered(user, data: dict[str, Any]) -> QuerySet[Inspection]:
    qs = inspections_for(user)
    if q := (data.get("q") or "").strip():
        qs = qs.filter(title__icontains=q)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    return qs.order_by("-inspected_on", "-id")


def inspection_page(inspection: Inspection) -> dict[str, Any]:
    findings = inspection.findings.select_related("unit", "notice")
    return {
        "inspection": inspection,
        "units": inspection.units.order_by("sort_order", "id"),
        "findings": findings,
        "proposed": [f for f in findings if f.status == FindingStatus.PROPOSED],
        "notices": inspection.notices.select_related("unit"),
    }


def inspection_units(inspection: Inspection) -> QuerySet:
    return inspection.units.order_by("sort_order", "id")


def notice_units(inspection: Inspection) -> QuerySet:
    """Covered units with confirmed findings not yet in a notice."""
    ids = inspection.findings.filter(status=FindingStatus.CONFIRMED, notice__isnull=True).values("unit_id")
    return inspection.units.filter(pk__in=ids).order_by("sort_order", "id")


def finding_for(user, pk) -> Finding:
    if not can(user, "view_registry"):
        raise Http404("没有找到该问题。")
    return _one(
        Finding.objects.filter(inspection__region__in=regions_for(user)).select_related("inspection", "unit"),
        pk,
        "问题",
    )


def notices_for(user) -> QuerySet[Notice]:
    """The office: every notice of its regions; a liaison: their own units' only."""
    qs = Notice.objects.select_related("unit", "inspection", "region")
    if can(user, "view_registry"):
        return qs.filter(region__in=regions_for(user))
    ids = liaison_unit_ids(user)
    return qs.filter(unit_id__in=ids) if ids else qs.none()


def notice_for(user, pk) -> Notice:
    return _one(notices_for(user), pk, "整改通知书")


def notices_filtered(user, data: dict[str, Any]) -> QuerySet[Notice]:
    qs = notices_for(user)
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(number__icontains=q) | Q(unit__name__icontains=q))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    return qs.order_by("-issued_on", "-id")


def notice_page(notice: Notice) -> dict[str, Any]:
    return {
        "notice": notice,
        "findings": notice.findings.all(),
        "evidence": notice.evidence.prefetch_related("attachments"),
        "accountability": notice.accountability.select_related("document"),
        "steps": notice.steps.all(),
        "overdue": notice.status == NoticeStatus.OPEN and timezone.localdate() > notice.deadline,
    }


def attachment_for(user, pk) -> Attachment:
    """A questionnaire's or 整改 evidence's file, through its parent's scope."""
    qs = Attachment.objects.filter(
        Q(questionnaire__in=questionnaires_for(user)) | Q(evidence__notice__in=notices_for(user))
    ).select_related("questionnaire__inspection__region", "evidence__notice__region")
    return _one(qs, pk, "附件")


def region_of_attachment(item: Attachment):
    return item.questionnaire.inspection.region if item.questionnaire_id else item.evidence.notice.region


# ---- statistics --------------------------------------------------------------------------------------------


def statistics(region, year: int, day: dt.date | None = None) -> dict[str, Any]:
    """The year's figures: 举报 received / closed / closed in time / overdue; the self-inspection rate;
    confirmed findings by kind; 整改 closed / open."""
    day = day or timezone.localdate()
    reports = Report.objects.filter(region=region, year=year)
    closed_q = Q(status=ReportStatus.CLOSED)
    counted = reports.aggregate(  # one query for the register's six figures
        received=Count("pk"),
        closed=Count("pk", filter=closed_q),
        refused=Count("pk", filter=Q(status=ReportStatus.REFUSED)),
        overdue=Count("pk", filter=overdue_q(day)),
        late_closed=Count("pk", filter=closed_q & overdue_q(day)),
        open=Count("pk", filter=Q(status__in=REPORT_OPEN)),
    )
    si = SelfInspection.objects.filter(region=region, year=year).first()
    kinds = Tally(
        Finding.objects.filter(
            inspection__region=region, inspection__year=year, status=FindingStatus.CONFIRMED
        ).values_list("kind", flat=True)
    )
    notices = Notice.objects.filter(region=region, year=year).aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=NoticeStatus.CLOSED)),
        open=Count("pk", filter=Q(status=NoticeStatus.OPEN)),
    )
    by_matter = Tally(reports.values_list("matter", flat=True))
    return {
        "year": year,
        "received": counted["received"],
        "closed": counted["closed"],
        "refused": counted["refused"],
        "closed_in_time": counted["closed"] - counted["late_closed"],
        "overdue": counted["overdue"],
        "open": counted["open"],
        "by_matter": [(label, by_matter.get(value, 0)) for value, label in MatterKind.choices],
        "self_inspection": si,
        "si": questionnaire_counts(si) if si else None,
        "inspections": Inspection.objects.filter(region=region, year=year).count(),
        "findings": [(label, kinds.get(value, 0)) for value, label in MatterKind.choices],
        "findings_total": sum(kinds.values()),
        "notices": notices["total"],
        "notices_closed": notices["closed"],
        "notices_open": notices["open"],
    }


def years(region) -> list[int]:
    """Years with any supervision record, and this year."""
    found = set(Report.objects.filter(region=region).values_list("year", flat=True))
    found |= set(SelfInspection.objects.filter(region=region).values_list("year", flat=True))
    found |= set(Inspection.objects.filter(region=region).values_list("year", flat=True))
    found.add(timezone.localdate().year)
    return sorted(found, reverse=True)


def closed_reports(region, year: int) -> QuerySet[Report]:
    return (
        Report.objects.filter(
            region=region, year=year, status__in=[ReportStatus.CLOSED, ReportStatus.REFUSED]
        )
        .select_related("unit")
        .order_by("seq")
    )


def reports_of_year(region, year: int) -> QuerySet[Report]:
    return Report.objects.filter(region=region, year=year).select_related("unit").order_by("seq")


# ---- the home page -----------------------------------------------------------------------------------------


def dashboard_panel(request) -> dict[str, Any] | None:
    """The office's figures for this year (first region), or a liaison's open questionnaires and notices;
    the monitoring phones where the office wants them shown. None for anyone else."""
    user = request.user
    day = timezone.localdate()
    if can(user, "view_registry"):
        region = regions_for(user).first()
        if region is None:
            return None
        setting = setting_of(region)
        return {
            "office": True,
            "region": region,
            "s": statistics(region, day.year, day),
            "phones": setting.phones if setting.show_on_home else "",
        }
    ids = liaison_unit_ids(user)
    if not ids:
        return None
    questionnaires = (
        questionnaires_for(user)
        .filter(status__in=[QuestionnaireStatus.OPEN, QuestionnaireStatus.RETURNED])
        .order_by("-inspection__year")
    )
    notices = notices_for(user).filter(status=NoticeStatus.OPEN)
    phones = [
        s.phones
        for s in Setting.objects.filter(region__units__pk__in=ids, show_to_liaisons=True).distinct()
        if s.phones
    ]
    if not questionnaires and not notices and not phones:
        return None
    return {
        "office": False,
        "questionnaires": questionnaires,
        "notices": notices,
        "phones": "；".join(phones),
    }
