"""Who sees which campaign and unit (default deny, 404 outside the scope), and who acts in it.

- Office roles: every campaign of their regions and every unit in it.
- A unit liaison: only their own units' pages in a campaign (never the campaign dashboard).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.roles import can
from units.selectors import liaison_unit_ids, regions_for
from verification.campaign.models import Campaign, CampaignAttachment, CampaignUnit


def campaigns_for(user) -> QuerySet[Campaign]:
    if not can(user, "view_registry"):
        return Campaign.objects.none()
    return Campaign.objects.filter(region__in=regions_for(user))


def campaign_for(user, pk: int) -> Campaign:
    try:
        return campaigns_for(user).select_related("region", "region__parent", "comparison_run").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError):
        raise Http404("没有找到该核查工作。") from None


def campaign_units_for(user) -> QuerySet[CampaignUnit]:
    if can(user, "view_registry"):
        return CampaignUnit.objects.filter(campaign__region__in=regions_for(user))
    ids = liaison_unit_ids(user)
    return CampaignUnit.objects.filter(unit_id__in=ids) if ids else CampaignUnit.objects.none()


def campaign_unit_for(user, pk: int) -> CampaignUnit:
    try:
        return campaign_units_for(user).select_related("campaign", "campaign__region", "unit").get(pk=pk)
    except (CampaignUnit.DoesNotExist, ValueError):
        raise Http404("没有找到该核查单位。") from None


def attachment_for(user, pk: int) -> CampaignAttachment:
    """A file attached to a campaign unit (or one of its visits) the user may see: the office of the
    campaign's region, or the unit's liaison. Anyone else: 404."""
    try:
        return (
            CampaignAttachment.objects.filter(campaign_unit__in=campaign_units_for(user))
            .select_related("campaign_unit__campaign__region")
            .get(pk=pk)
        )
    except (CampaignAttachment.DoesNotExist, ValueError):
        raise Http404("没有找到该附件。") from None


def is_writer(actor, region) -> bool:
    """Office administrator or staff of the region (the campaign's office work, ``run_campaign``)."""
    return can(actor, "run_campaign", region=region)


def is_liaison(actor, cu: CampaignUnit) -> bool:
    """The actor is a liaison granted the campaign unit's unit."""
    return cu.unit_id in liaison_unit_ids(actor)
