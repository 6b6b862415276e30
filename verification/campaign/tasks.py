"""The campaign's comparison (stage 3, 数据比对) as a background job, like the comparison page's: the
campaign page queues it, a worker runs ``campaign_compare`` as the owner (their rights read again), the
job page shows the stages with their counts and links back to the campaign."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from jobs.registry import job
from jobs.results import JobResult
from verification.campaign.models import Campaign
from verification.campaign.services import campaign_compare
from verification.findings.tasks import CAMPAIGN_KIND as KIND

__all__ = ["KIND", "campaign_compare_job"]
GONE = "该核查工作已不存在，任务未执行。"


@job(KIND, label="核查数据比对")
def campaign_compare_job(job, progress) -> JobResult:
    """params: campaign (its pk). Refusals (a role taken away, the campaign closed, the window passed)
    fail the job with the service's Chinese reason; nothing is written then (all-or-nothing)."""
    campaign = Campaign.objects.select_related("region").filter(pk=job.params.get("campaign")).first()
    if campaign is None:
        raise ValidationError(GONE)
    run = campaign_compare(campaign=campaign, actor=job.owner, progress=progress)
    return JobResult(
        url=reverse("verification:campaign_detail", args=[campaign.pk]),
        message=(
            f"“{campaign.name}”数据比对完成：共 {run.finding_count} 个问题，"
            f"新增 {run.new_count} 个，消失 {run.gone_count} 个。"
        ),
    )
