"""The comparison as a background job (issue 17): the page queues it, a worker reads the uploads,
compares and records the findings (``comparison_run``), the job page shows the stages and links the run."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from jobs.registry import job
from jobs.results import JobResult
from verification.findings.services.runs import comparison_run

KIND = "verification.compare"
CAMPAIGN_KIND = "verification.campaign_compare"  # verification.campaign.tasks: a campaign's comparison
REGION_COMPARISONS = (KIND, CAMPAIGN_KIND)  # both record the region's findings: one at a time


@job(KIND, label="数据比对")
def compare_job(job, progress) -> JobResult:
    cutoff = job.params.get("cutoff")
    run = comparison_run(
        region=job.region,
        actor=job.owner,
        cutoff=dt.date.fromisoformat(cutoff) if cutoff else None,
        progress=progress,
    )
    return JobResult(
        url=reverse("verification:run_detail", args=[run.pk]),
        message=f"比对完成：共 {run.finding_count} 个问题，新增 {run.new_count} 个，消失 {run.gone_count} 个。",
    )
