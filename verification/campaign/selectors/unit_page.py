"""The reads of a unit's campaign page and of its action forms: each form's choices are limited to the
unit (its people, its notice's feedback, its proposals, its findings), so a row of another unit is a
validation error on the form."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from units.models import Person
from verification.campaign.models import TRANSITIONS, CampaignUnit, NoticeFeedback, Stage
from verification.campaign.proxy import proxy_notes
from verification.campaign.selectors.progress import unit_findings, window
from verification.campaign.selectors.selfcheck import target_label


def campaign_list(user) -> dict:
    """The campaigns page: the office's campaigns (a city's: its counties' too, with the state of each
    county report's pre-review, and those waiting for the user's decision), or the liaison's own units."""
    from bianzhi.roles import can
    from verification.campaign.selectors.access import campaign_units_for, campaigns_for
    from verification.campaign.selectors.cityreview import latest_rounds, review_labels, waiting_among

    office = can(user, "view_registry")
    campaigns = list(campaigns_for(user).select_related("region").order_by("region__code", "-cutoff", "-id"))
    latest = latest_rounds(campaigns)  # the upper office's pre-review of each (issue 17): one query
    labels = review_labels(campaigns, latest)
    for c in campaigns:
        c.review_label = labels[c.pk]
    return {
        "campaigns": campaigns,
        "waiting": waiting_among(user, campaigns, latest) if office else [],
        "my_units": [] if office else campaign_units_for(user).select_related("campaign"),
    }


def unit_people(cu: CampaignUnit) -> QuerySet[Person]:
    """The unit's people in establishment (a correction proposal may name one of them)."""
    return Person.objects.filter(unit_id=cu.unit_id, in_establishment=True).order_by("name")


def unit_feedback(cu: CampaignUnit) -> QuerySet[NoticeFeedback]:
    return NoticeFeedback.objects.filter(notice__campaign_unit=cu)


def document_by_number(region, number: str):
    """The region's document with this 文号 (or None): the basis a correction cites."""
    from archives.models import Document

    return Document.objects.filter(region=region, number=number).first()


def earlier_stages(cu: CampaignUnit) -> list[str]:
    """The stages the office may return the unit to (earlier ones the transitions allow)."""
    order = [*cu.campaign.stages, Stage.DONE]
    if cu.stage not in order:
        return []
    allowed = TRANSITIONS[cu.campaign.kind].get(cu.stage, ())
    return [s for s in cu.campaign.stages if s in allowed and order.index(s) < order.index(cu.stage)]


def unit_page(cu: CampaignUnit) -> dict:
    """Everything the unit's page shows besides its forms."""
    findings = unit_findings(cu)
    notice = getattr(cu, "notice", None)
    today = timezone.localdate()
    return {
        "items": cu.items.all(),
        "attachments": cu.attachments.filter(visit=None),
        "proposals": [(p, target_label(p.kind, p.target)) for p in cu.proposals.select_related("person")],
        "people": unit_people(cu),
        "notice": notice,
        "feedback": notice.feedback.all() if notice else [],
        "overdue": notice.is_overdue(today) if notice else False,
        "findings": findings,
        "follow_ups": {f.finding_id: f for f in cu.campaign.follow_ups.filter(finding__in=findings)},
        "visits": cu.visits.prefetch_related("attachments"),
        "report": getattr(cu, "report", None),
        "transitions": cu.transitions.all(),
        "window": window(cu.campaign, cu.stage),
        "earlier": earlier_stages(cu),
        "today": today,
        "proxy": proxy_notes(cu),
    }
