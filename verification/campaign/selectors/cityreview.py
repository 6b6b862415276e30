"""Reads of the upper office's pre-review of a county's report (市级预审核, issue 17): the state of one
campaign's review with its rounds, the states of many campaigns at once (one query), and the reports
waiting for a user's decision."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from bianzhi.roles import acting_region_ids, can, region_ids
from verification.campaign.models import Campaign, CountyReview, ReviewDecision

NOT_NEEDED = "无需上级预审核"
NOT_SUBMITTED = "未报送"
LABELS = {
    ReviewDecision.PENDING: "待上级预审核",
    ReviewDecision.RETURNED: "已退回修改",
    ReviewDecision.ACCEPTED: "预审核通过",
}


@dataclass
class ReviewState:
    campaign: Campaign
    needed: bool  # the campaign's region has a parent region
    rounds: list[CountyReview] = field(default_factory=list)

    @property
    def reviewer(self):
        return self.campaign.region.parent

    @property
    def latest(self) -> CountyReview | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def label(self) -> str:
        if not self.needed:
            return NOT_NEEDED
        return LABELS[self.latest.decision] if self.latest else NOT_SUBMITTED

    @property
    def pending(self) -> bool:
        return self.latest is not None and self.latest.decision == ReviewDecision.PENDING

    @property
    def returned(self) -> bool:
        return self.latest is not None and self.latest.decision == ReviewDecision.RETURNED

    @property
    def accepted(self) -> bool:
        return self.latest is not None and self.latest.decision == ReviewDecision.ACCEPTED


def review_state(campaign: Campaign) -> ReviewState:
    """The campaign's review (``campaign.region`` and its parent should be loaded: ``campaign_for``)."""
    needed = campaign.region.parent_id is not None
    rounds = list(CountyReview.objects.filter(campaign=campaign).order_by("round")) if needed else []
    return ReviewState(campaign, needed, rounds)


def latest_rounds(campaigns) -> dict[int, CountyReview]:
    """Campaign id → its latest round, for a list of campaigns (their ``region`` loaded): one query, none
    when no campaign's region has a parent (a single-county installation)."""
    ids = [c.pk for c in campaigns if c.region.parent_id is not None]
    latest: dict[int, CountyReview] = {}
    if ids:
        for review in CountyReview.objects.filter(campaign_id__in=ids).order_by("round"):
            latest[review.campaign_id] = review  # the last round wins
    return latest


def review_labels(campaigns, latest: dict[int, CountyReview] | None = None) -> dict[int, str]:
    """Campaign id → its review label (``latest``: ``latest_rounds`` of the same campaigns, if read)."""
    campaigns = list(campaigns)
    if latest is None:
        latest = latest_rounds(campaigns)
    out = {}
    for c in campaigns:
        if c.region.parent_id is None:
            out[c.pk] = NOT_NEEDED
        else:
            out[c.pk] = LABELS[latest[c.pk].decision] if c.pk in latest else NOT_SUBMITTED
    return out


def waiting_among(user, campaigns, latest: dict[int, CountyReview]) -> list[Campaign]:
    """The campaigns of the list whose latest round waits for the user's decision."""
    out = []
    for c in campaigns:
        review = latest.get(c.pk)
        if review is not None and review.decision == ReviewDecision.PENDING and may_review(user, c):
            c.review_round = review.round
            out.append(c)
    return out


def may_review(user, campaign: Campaign) -> bool:
    """The user decides the campaign's pre-review: an office writer of its region's parent."""
    parent_id = campaign.region.parent_id
    return parent_id is not None and can(user, "review_reports", region=parent_id)


def waiting_for(user) -> QuerySet[Campaign]:
    """Campaigns whose latest round waits for the user's office (the regions they act in)."""
    if not can(user, "review_reports") or region_ids(user) == acting_region_ids(user):
        return Campaign.objects.none()  # a county's office (nothing below it): no query
    latest = CountyReview.objects.filter(campaign=OuterRef("pk")).order_by("-round")
    qs = Campaign.objects.annotate(
        review_decision=Subquery(latest.values("decision")[:1]),
        review_round=Subquery(latest.values("round")[:1]),
    ).filter(review_decision=ReviewDecision.PENDING)
    ids = acting_region_ids(user)
    if ids is not None:
        qs = qs.filter(region__parent_id__in=ids)
    return qs.select_related("region").order_by("region__code", "-cutoff")
