"""What a unit liaison must do in the campaigns (issue 12 point 6): for each of their units in an active
campaign, the stage, its deadline (the stage window's end, overdue when passed), the findings waiting
for their answer and the correction proposals the office refused. One query whatever the number of
units; the liaison's home page reads it through ``verification.templatetags.campaign_tags``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DateField, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from units.selectors import liaison_unit_ids
from verification.campaign.models import (
    CampaignStatus,
    CampaignUnit,
    CampaignWindow,
    ProposalStatus,
    Stage,
)
from verification.findings.models import Finding, FindingStatus


@dataclass(frozen=True)
class ToDo:
    cu: CampaignUnit
    deadline: dt.date | None
    overdue: bool
    findings: int  # findings of the campaign's comparison waiting for the unit's answer (待核实)
    refused: int  # correction proposals the office did not adopt (未采纳)
    returned: bool  # the 预审核 did not pass: the unit must correct its data

    @property
    def anything(self) -> bool:
        return self.overdue or bool(self.findings or self.refused or self.returned)


def todo(user, today: dt.date | None = None) -> list[ToDo]:
    """The liaison's campaign units in active campaigns, with what is due (empty for anyone else)."""
    ids = liaison_unit_ids(user)
    if not ids:
        return []
    today = today or timezone.localdate()
    ends = CampaignWindow.objects.filter(campaign_id=OuterRef("campaign_id"), stage=OuterRef("stage"))
    open_findings = (
        Finding.objects.filter(
            region_id=OuterRef("campaign__region_id"),
            last_run_id=OuterRef("campaign__comparison_run_id"),
            unit_id=OuterRef("unit_id"),
            status=FindingStatus.OPEN,
        )
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    rows = (
        CampaignUnit.objects.filter(unit_id__in=ids, campaign__status=CampaignStatus.ACTIVE)
        .select_related("campaign")
        .annotate(
            deadline=Subquery(ends.values("ends_on")[:1], output_field=DateField()),
            findings_open=Coalesce(Subquery(open_findings, output_field=IntegerField()), Value(0)),
            refused=Count("proposals", filter=Q(proposals__status=ProposalStatus.REJECTED)),
        )
        .order_by("campaign__cutoff", "campaign_id", "id")
    )
    return [
        ToDo(
            cu=cu,
            deadline=cu.deadline if cu.stage != Stage.DONE else None,
            overdue=bool(cu.stage != Stage.DONE and cu.deadline and cu.deadline < today),
            findings=cu.findings_open,
            refused=cu.refused,
            returned=cu.prereview_passed is False,
        )
        for cu in rows
    ]
