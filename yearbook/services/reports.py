"""Generating and sending the 统计年报. Office staff of the region (``edit_registry``); every write audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from archives.services import file_into_dedicated
from bianzhi import audit
from bianzhi.models import RegionLevel
from bianzhi.roles import actor_name, authorize
from yearbook.choices import ARCHIVE_KIND, ReportStatus
from yearbook.models import YearReport
from yearbook.prints import report_pdf
from yearbook.selectors.rollup import rollup_tables
from yearbook.selectors.tables import build_tables

FIRST_YEAR = 1949


def check_year(year: int, today: dt.date | None = None) -> None:
    """A report is for a year that has ended (its figures are as of 12-31)."""
    today = today or timezone.localdate()
    if year < FIRST_YEAR:
        raise ValidationError({"year": f"年度不能早于{FIRST_YEAR}年。"})
    if dt.date(year, 12, 31) >= today:
        raise ValidationError(
            {"year": f"{year}年度尚未结束，统计时点为{year}年12月31日，年度结束后才能生成年报。"}
        )


@transaction.atomic
def report_generate(
    *, region, year: int, actor, note: str = "", today: dt.date | None = None, progress=None
) -> YearReport:
    """Compute the region's 统计年报 for ``year`` as of 12-31 and keep it as a new version; earlier
    versions that were not sent are marked 已被替代 (all are kept). Audited (统计年报.生成).
    ``progress``: the background job's (``yearbook.jobs``), told each stage."""
    authorize(actor, "edit_registry", region=region)
    check_year(year, today)
    # a city or province keeps the sum of its counties (issue 17, yearbook.selectors.rollup); a job's
    # progress is told a stage per table (a county) or per region summed (a city or province)
    if region.level == RegionLevel.COUNTY:
        tables = build_tables(region, year, progress)
    else:
        tables = rollup_tables(region, year, progress)
    if progress is not None:
        progress.stage("保存新版本")
    previous = (
        YearReport.objects.select_for_update().filter(region=region, year=year).order_by("-version").first()
    )
    report = YearReport.objects.create(
        region=region,
        year=year,
        version=(previous.version + 1) if previous else 1,
        as_of=dt.date(year, 12, 31),
        tables=tables,
        note=note.strip()[:300],
        generated_by=audit.user_of(actor),
        generated_by_name=actor_name(actor),
    )
    YearReport.objects.filter(region=region, year=year, status=ReportStatus.GENERATED).exclude(
        pk=report.pk
    ).update(status=ReportStatus.SUPERSEDED)
    audit.record(
        actor=actor,
        action="统计年报.生成",
        target=report,
        region=region,
        after={"year": year, "version": report.version, "summary": report.tables["summary"]},
        reason=note,
    )
    return report


@transaction.atomic
def report_submit(*, report: YearReport, actor, confirmed: bool) -> YearReport:
    """Mark the newest version of a year's report 已报送 and file it in the 实名制 独立档案
    (机构编制实名制管理档案, which keeps the statistics tables): the printed tables as PDF (the archive
    takes PDF and image attachments only; the workbook is rebuilt from the same kept tables on the
    report's page). Only the newest version, only once; a version sent earlier for the same year becomes
    已被替代 (its archive entry stays). Audited (统计年报.报送, and the print)."""
    authorize(actor, "edit_registry", region=report.region_id)
    if not confirmed:
        raise ValidationError({"confirm": "请勾选确认：报送后年报将归入独立档案。"})
    report = YearReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError("该年报已经报送。")
    newest = (
        YearReport.objects.filter(region_id=report.region_id, year=report.year).order_by("-version").first()
    )
    if newest.pk != report.pk:
        raise ValidationError(f"只能报送最新版本（第{newest.version}版）。")
    YearReport.objects.filter(
        region_id=report.region_id, year=report.year, status=ReportStatus.SUBMITTED
    ).update(status=ReportStatus.SUPERSEDED)
    title = f"{report.region.name}{report.year}年度机构编制统计年报（第{report.version}版）"
    entry = file_into_dedicated(
        ARCHIVE_KIND,
        actor=actor,
        region=report.region,
        title=title,
        occurred_on=timezone.localdate(),
        note=f"统计时点{report.as_of:%Y-%m-%d}，报送人{actor_name(actor)}。",
        upload=SimpleUploadedFile(f"{title}.pdf", report_pdf(report, actor=actor), "application/pdf"),
    )
    report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    report.submitted_by, report.archive_entry = audit.user_of(actor), entry
    report.save(update_fields=["status", "submitted_at", "submitted_by", "archive_entry"])
    audit.record(
        actor=actor,
        action="统计年报.报送",
        target=report,
        region=report.region,
        after={"year": report.year, "version": report.version, "archive_entry": entry.pk},
    )
    return report
