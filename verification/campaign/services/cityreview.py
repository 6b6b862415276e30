"""The upper office's pre-review of a county's campaign report (市级预审核, issue 17).

The county's office submits its report (报送市级预审核) once every unit is done; the office of the county's
parent region — a city, or the province for a county directly under it — returns it with comments
(退回, comments required) or accepts it (通过). A returned report is fixed and submitted again as the next
round; every round is kept. The campaign is closed (定稿) only after its latest round was accepted and no
unit moved since. A county with no parent region in the installation (a single-county install) is not
reviewed: its report is final on its own, as before.

Who: the county's office writers submit (``run_campaign`` in the county); the parent region's office
writers decide (``review_reports`` in the parent region — acting there, never in the county). Every step
is audited; a refusal writes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import actor_name, authorize
from verification.campaign.models import (
    Campaign,
    CampaignStatus,
    CountyReview,
    ReviewDecision,
    Stage,
    StageTransition,
)
from verification.campaign.services.common import _fail, _user


def _campaign(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("region", "region__parent")
        .get(pk=campaign.pk)
    )


def _latest(campaign: Campaign) -> CountyReview | None:
    return CountyReview.objects.filter(campaign=campaign).order_by("-round").first()


def _moved_since(campaign: Campaign, review: CountyReview) -> bool:
    """A unit of the campaign changed stage after the review was decided."""
    return StageTransition.objects.filter(
        campaign_unit__campaign=campaign, at__gt=review.decided_at or review.submitted_at
    ).exists()


@transaction.atomic
def review_submit(*, campaign: Campaign, actor, note: str = "") -> CountyReview:
    """报送市级预审核: the county's office writers, every unit done, no round waiting or accepted (unless a
    unit moved after the acceptance). Starts the next round."""
    campaign = _campaign(campaign)
    authorize(actor, "run_campaign", region=campaign.region)
    parent = campaign.region.parent
    if parent is None:
        _fail(f"{campaign.region.name}没有上级区划，县级报告无需上级预审核。")
    if campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    latest = _latest(campaign)
    if latest is not None and latest.decision == ReviewDecision.PENDING:
        _fail(f"第{latest.round}轮报送正在等待{parent.name}编办预审核。")
    if (
        latest is not None
        and latest.decision == ReviewDecision.ACCEPTED
        and not _moved_since(campaign, latest)
    ):
        _fail(f"县级报告已通过{parent.name}编办预审核，无需再次报送。")
    units = campaign.units.count()
    done = campaign.units.filter(stage=Stage.DONE).count()
    if units == 0 or done < units:
        _fail(f"还有{units - done}个单位未完成全部核查环节，完成后才能报送预审核。")
    review = CountyReview.objects.create(
        campaign=campaign,
        round=(latest.round + 1) if latest else 1,
        reviewer_region=parent,
        note=(note or "").strip(),
        figures={"units": units, "done": done, "cutoff": campaign.cutoff.isoformat()},
        submitted_by=_user(actor),
        submitted_by_name=actor_name(actor),
    )
    audit.record(
        actor=actor,
        action="核查.报送预审核",
        target=review,
        region=campaign.region,
        after={"round": review.round, "reviewer_region": parent.code, "note": review.note},
    )
    return review


def _pending(campaign: Campaign, actor, capability_region) -> CountyReview:
    authorize(actor, "review_reports", region=capability_region)
    latest = _latest(campaign)
    if latest is None or latest.decision != ReviewDecision.PENDING:
        _fail("该县目前没有待预审核的报告。")
    if latest.reviewer_region_id != capability_region.pk:
        _fail("该报告不是报送本级预审核的。")
    return latest


def _decide(campaign: Campaign, *, actor, decision: str, comments: str) -> CountyReview:
    campaign = _campaign(campaign)
    parent = campaign.region.parent
    if parent is None:
        _fail(f"{campaign.region.name}没有上级区划，县级报告无需上级预审核。")
    review = _pending(campaign, actor, parent)
    comments = (comments or "").strip()
    if decision == ReviewDecision.RETURNED and not comments:
        _fail("退回须填写预审核意见，写明需要修改的地方。", "comments")
    review.decision = decision
    review.comments = comments
    review.decided_by = _user(actor)
    review.decided_by_name = actor_name(actor)
    review.decided_at = timezone.now()
    review.save(update_fields=["decision", "comments", "decided_by", "decided_by_name", "decided_at"])
    audit.record(
        actor=actor,
        action="核查.预审核通过" if decision == ReviewDecision.ACCEPTED else "核查.预审核退回",
        target=review,
        region=campaign.region,
        before={"decision": ReviewDecision.PENDING},
        after={"round": review.round, "decision": decision, "comments": comments},
    )
    return review


@transaction.atomic
def review_return(*, campaign: Campaign, actor, comments: str) -> CountyReview:
    """退回: the parent region's office writers, comments required; the county sees them on its page."""
    return _decide(campaign, actor=actor, decision=ReviewDecision.RETURNED, comments=comments)


@transaction.atomic
def review_accept(*, campaign: Campaign, actor, comments: str = "") -> CountyReview:
    """通过: the parent region's office writers; the county may then close the campaign (定稿)."""
    return _decide(campaign, actor=actor, decision=ReviewDecision.ACCEPTED, comments=comments)


def require_final(campaign: Campaign) -> None:
    """The county report may be made final (the campaign closed): no parent region, or the latest round
    accepted and no unit moved since. ValidationError (Chinese) otherwise; called by ``campaign_close``."""
    parent = campaign.region.parent
    if parent is None:
        return
    latest = _latest(campaign)
    if latest is None:
        _fail(f"县级报告须报送{parent.name}编办预审核，通过后才能定稿。")
    if latest.decision == ReviewDecision.PENDING:
        _fail(f"县级报告正在等待{parent.name}编办预审核，通过后才能定稿。")
    if latest.decision == ReviewDecision.RETURNED:
        _fail(f"县级报告被{parent.name}编办退回，请按预审核意见修改后重新报送。")
    if _moved_since(campaign, latest):
        _fail(f"预审核通过后又有单位变动，请重新报送{parent.name}编办预审核。")
