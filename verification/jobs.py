"""The comparison's and the campaign's downloads made in the background (issue 17): the filtered
findings (问题清单) and a campaign's county report (核查情况报告) and 附件2–5 over
``JOBS_INLINE_MAX_ROWS`` rows (findings, or units of the campaign) run as jobs of the task queue;
smaller ones are made in the request by the same functions.

A job keeps only what the page asked for (the filters, the campaign) and makes the file as its owner:
the owner's rights and scope are read again when it runs (a campaign no longer visible, or a role taken
away, fails the job with a Chinese reason), and the audit row (比对问题.导出, 核查.打印县级报告,
核查.下载附件2-5) is written when the file is produced, naming the owner."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from bianzhi.roles import require
from jobs.registry import job
from jobs.results import JobResult
from units.jobs import OWNER_ONLY
from verification.campaign import prints
from verification.campaign import selectors as campaign_selectors
from verification.findings import exports, selectors
from verification.findings.forms import FindingFilterForm
from verification.findings.models import Finding

FINDINGS_KIND = "verification.findings_export"
CAMPAIGN_KIND = "verification.campaign_file"
CAMPAIGN_FILES = {"report": ("核查情况报告", "pdf"), "annex": ("附件2-5", "xlsx")}
GONE = "该核查工作已不在您的查看范围内，任务未执行。"
NO_RUN = "本次核查尚未进行数据比对。"


def query_of(params) -> dict[str, str]:
    """The filters of a page's query string, JSON-able for a job (paging dropped)."""
    return {k: v for k, v in params.items() if k != "page" and v}


def stamped(name: str, fmt: str) -> str:
    return f"{name}_{timezone.localtime():%Y%m%d%H%M}.{fmt}"


# ---- 问题清单 ---------------------------------------------------------------------------------------------


def filtered_findings(
    user, query, latest: dict[int, int]
) -> tuple[QuerySet[Finding], QuerySet[Finding], FindingFilterForm, dict[str, Any]]:
    """(findings filtered, filtered except by code — for the counts per code, the form, the filters
    used) of the findings ``user`` sees, by the finding list's filters (a QueryDict or a plain dict)."""
    if not isinstance(query, QueryDict):
        data = QueryDict(mutable=True)
        data.update(query)
        query = data
    form = FindingFilterForm(query or None)
    findings = selectors.findings_for(user)
    used: dict[str, Any] = {}
    if form.is_valid():
        used = {k: v for k, v in form.cleaned_data.items() if v}
        findings = selectors.filter_findings(findings, used, latest)
    return selectors.of_code(findings, used.get("code", "")), findings, form, used


def findings_size(user, query: dict[str, str]) -> int:
    findings, *_rest = filtered_findings(user, query, selectors.latest_runs(user))
    return findings.count()


def findings_file(user, query: dict[str, str], *, progress=None) -> bytes:
    """问题清单 of the findings ``user`` sees under the list's filters (``exports.findings_export``:
    authorised, audited as the user); ``progress`` advanced by each row written."""
    require(user, "export")
    findings, _by_code, _form, used = filtered_findings(user, query, selectors.latest_runs(user))
    if progress is not None:
        progress.stage("写入Excel", total=findings.count())
    return exports.findings_export(
        findings=findings.order_by("code", "unit_name", "id"), actor=user, filters=used, progress=progress
    )


@job(FINDINGS_KIND, label="导出比对问题清单")
def findings_job(job, progress) -> JobResult:
    """The background 问题清单 (params: query)."""
    data = findings_file(job.owner, job.params.get("query", {}), progress=progress)
    return JobResult(
        file=data, filename=stamped("比对问题清单", "xlsx"), message=f"共 {job.done} 条。{OWNER_ONLY}"
    )


# ---- the campaign's county report and 附件2–5 ------------------------------------------------------------


def campaign_size(campaign) -> int:
    """How many units the campaign's county report and 附件2–5 cover."""
    return campaign.units.count()


def campaign_file(user, campaign, what: str, *, progress=None) -> tuple[bytes, str]:
    """The campaign's county report (PDF) or 附件2–5 (xlsx) made as ``user`` (audited as the user):
    (the bytes, the file name without the time stamp)."""
    name, fmt = CAMPAIGN_FILES[what]
    total = 0
    if progress is not None:
        total = campaign_size(campaign)
        progress.stage("汇总核查数据" if what == "report" else "写入附件2-5", total=total)
    if what == "report":
        data = prints.county_report_pdf(campaign, actor=user)
    else:
        if campaign.comparison_run_id is None:
            raise Http404(NO_RUN)
        data = prints.annex_workbook(campaign, actor=user)
    if progress is not None:
        progress.advance(total)
    return data, f"{campaign.name}{name}.{fmt}"


@job(CAMPAIGN_KIND, label="生成核查报告")
def campaign_job(job, progress) -> JobResult:
    """The background county report or 附件2–5 of a campaign (params: campaign, what)."""
    what = job.params["what"]
    if what not in CAMPAIGN_FILES:
        raise ValidationError("不支持的核查文件。")
    try:
        campaign = campaign_selectors.campaign_for(job.owner, job.params["campaign"])
    except Http404:
        raise ValidationError(GONE) from None
    try:
        data, filename = campaign_file(job.owner, campaign, what, progress=progress)
    except Http404 as exc:
        raise ValidationError(str(exc)) from None
    stem, _dot, fmt = filename.rpartition(".")
    return JobResult(file=data, filename=stamped(stem, fmt), message=f"共 {job.done} 个单位。{OWNER_ONLY}")
