"""The 统计年报 in the background (issue 17): generating a version is always a job of the task queue (its
work grows with the region: every person of the register at two dates, and a city's or province's
roll-up), with a stage per table; the workbook and the print of a kept report are jobs over
``JOBS_INLINE_MAX_ROWS`` rows of its tables, and made in the request below that.

The generation job runs ``services.report_generate`` as its owner: the service authorises the owner
again (a role or region taken away meanwhile fails the job with the Chinese refusal), computes the
tables and keeps the version in one transaction (all-or-nothing), and writes the audit row 统计年报.生成.
The downloads are audited (统计年报.导出 / 统计年报.打印) when the file is produced, naming the owner."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from bianzhi.roles import authorize, require
from jobs.registry import job
from jobs.results import JobResult
from jobs.services import job_submit
from units.jobs import OWNER_ONLY
from yearbook import exports, prints, selectors, services
from yearbook.models import YearReport
from yearbook.services.reports import check_year

GENERATE_KIND = "yearbook.generate"
FILE_KIND = "yearbook.file"
FORMATS = {"xlsx": "Excel", "pdf": "PDF"}
GONE = "该统计年报已不在您的查看范围内，任务未执行。"


def generate_submit(*, region, year: int, note: str, actor):
    """Queue the generation of the region's 统计年报 for ``year`` (a job; its page shows the stages).
    The actor and the year are checked now, so a refusal shows on the form (ValidationError /
    PermissionDenied in Chinese); the job checks again when it runs. Audited 任务.提交."""
    authorize(actor, "edit_registry", region=region)
    check_year(year)
    label = f"生成{region.name}{year}年度统计年报"
    return job_submit(
        GENERATE_KIND, actor=actor, region=region, params={"year": year, "note": note}, label=label
    )


@job(GENERATE_KIND, label="生成统计年报")
def generate_job(job, progress) -> JobResult:
    """Generate the version (params: year, note; the job's region): a stage per table."""
    p = job.params
    report = services.report_generate(
        region=job.region, year=p["year"], note=p.get("note", ""), actor=job.owner, progress=progress
    )
    return JobResult(
        url=reverse("yearbook:report_detail", args=[report.pk]),
        message=f"已生成{report.year}年度统计年报（第{report.version}版）。",
    )


def report_size(report: YearReport) -> int:
    """The rows of the kept report's tables (what its workbook and print hold)."""
    return sum(len(t["rows"]) + bool(t.get("total")) for t in report.tables["tables"])


def report_filename(report: YearReport, fmt: str) -> str:
    return f"{report.title}（第{report.version}版）.{fmt}"


def report_file(user, report: YearReport, fmt: str, *, progress=None) -> bytes:
    """The kept report as a workbook or a print, made and audited as ``user`` (who must export)."""
    require(user, "export")
    if fmt == "xlsx":
        return exports.report_workbook(report, actor=user, progress=progress)
    if progress is not None:
        progress.stage("排版PDF", total=report_size(report))
    data = prints.report_pdf(report, actor=user)
    if progress is not None:
        progress.advance(report_size(report))
    return data


@job(FILE_KIND, label="导出统计年报")
def file_job(job, progress) -> JobResult:
    """The background workbook or print of a kept report (params: report, fmt)."""
    fmt = job.params["fmt"]
    if fmt not in FORMATS:
        raise ValidationError("不支持的导出格式。")
    try:
        report = selectors.report_for(job.owner, job.params["report"])
    except Http404:
        raise ValidationError(GONE) from None
    data = report_file(job.owner, report, fmt, progress=progress)
    stem = report_filename(report, fmt).rpartition(".")[0]
    filename = f"{stem}_{timezone.localtime():%Y%m%d%H%M}.{fmt}"
    return JobResult(file=data, filename=filename, message=OWNER_ONLY)
