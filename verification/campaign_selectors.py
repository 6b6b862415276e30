"""Reads of the campaign, scoped (default deny, 404 outside the scope), and the dashboard figures.

- Office roles: every campaign of their regions and every unit in it.
- A unit liaison: only their own units' pages in a campaign (never the campaign dashboard).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from units.selectors import liaison_unit_ids, regions_for
from verification import selectors
from verification.campaign_models import (
    PROBLEMS,
    STAGES,
    Campaign,
    CampaignUnit,
    CorrectionProposal,
    ProposalStatus,
    Stage,
    UnitReport,
)
from verification.compare.engine import CODES
from verification.models import Finding


def campaigns_for(user) -> QuerySet[Campaign]:
    if not selectors.is_office(user):
        return Campaign.objects.none()
    return Campaign.objects.filter(region__in=regions_for(user))


def campaign_for(user, pk: int) -> Campaign:
    try:
        return campaigns_for(user).select_related("region", "comparison_run").get(pk=pk)
    except (Campaign.DoesNotExist, ValueError):
        raise Http404("没有找到该核查工作。") from None


def campaign_units_for(user) -> QuerySet[CampaignUnit]:
    if selectors.is_office(user):
        return CampaignUnit.objects.filter(campaign__region__in=regions_for(user))
    ids = liaison_unit_ids(user)
    return CampaignUnit.objects.filter(unit_id__in=ids) if ids else CampaignUnit.objects.none()


def campaign_unit_for(user, pk: int) -> CampaignUnit:
    try:
        return campaign_units_for(user).select_related("campaign", "campaign__region", "unit").get(pk=pk)
    except (CampaignUnit.DoesNotExist, ValueError):
        raise Http404("没有找到该核查单位。") from None


def overdue(campaign: Campaign, cus) -> list[CampaignUnit]:
    """Units still in a stage whose window has ended."""
    today = timezone.localdate()
    ends = {w.stage: w.ends_on for w in campaign.windows.all()}
    return [cu for cu in cus if cu.stage != Stage.DONE and ends.get(cu.stage) and ends[cu.stage] < today]


def findings_by_code(campaign: Campaign) -> list[tuple[str, str, int]]:
    if campaign.comparison_run_id is None:
        return []
    rows = (
        Finding.objects.filter(region_id=campaign.region_id, last_run_id=campaign.comparison_run_id)
        .values_list("code")
        .annotate(n=Count("id"))
        .order_by("-n", "code")
    )
    return [(code, CODES.get(code, code), n) for code, n in rows]


def _grid(cus, key) -> list[tuple[str, list[int], int]]:
    stages = [*STAGES[cus[0].campaign.kind], Stage.DONE] if cus else []
    table: dict[str, Counter] = defaultdict(Counter)
    for cu in cus:
        table[key(cu)][cu.stage] += 1
    return [(name, [row[s] for s in stages], sum(row.values())) for name, row in sorted(table.items())]


def dashboard(campaign: Campaign) -> dict:
    """Progress by stage, township and department (主管部门), overdue units and findings by code."""
    cus = list(campaign.units.select_related("campaign", "unit__parent").order_by("id"))
    stages = [*campaign.stages, Stage.DONE]
    by_stage = Counter(cu.stage for cu in cus)
    return {
        "stages": stages,
        "cus": cus,
        "by_stage": [(s, by_stage[s]) for s in stages],
        "by_township": _grid(cus, lambda cu: cu.snapshot["unit"]["township"]),
        "by_department": _grid(cus, lambda cu: (cu.unit.parent or cu.unit).name),
        "overdue": overdue(campaign, cus),
        "findings": findings_by_code(campaign),
        "total": len(cus),
    }


def county_figures(campaign: Campaign) -> dict:
    """The county report's figures: units, quotas, posts, staff from the snapshots; findings; problems
    reported by units; corrections adopted; visits."""
    cus = list(campaign.units.order_by("id"))
    natures = Counter(cu.snapshot["unit"]["nature"] for cu in cus)
    quotas: Counter = Counter()
    occupied: Counter = Counter()
    posts: Counter = Counter()
    held: Counter = Counter()
    for cu in cus:
        quotas.update(cu.snapshot.get("quotas", {}))
        occupied.update(cu.snapshot.get("occupied", {}))
        posts.update(cu.snapshot.get("posts", {}))
        held.update(cu.snapshot.get("held", {}))
    problems: Counter = Counter()
    outside = 0
    for report in UnitReport.objects.filter(campaign_unit__campaign=campaign):
        problems.update(k for k in report.problems if k in PROBLEMS)
        outside += report.outside_staff
    corrections = Counter(
        CorrectionProposal.objects.filter(
            campaign_unit__campaign=campaign, status=ProposalStatus.ACCEPTED
        ).values_list("kind", flat=True)
    )
    findings = findings_by_code(campaign)
    top = max([n for *_x, n in findings] or [1])
    return {
        "units": len(cus),
        "natures": sorted(natures.items()),
        "types": [(t, quotas[t], occupied[t]) for t in sorted(set(quotas) | set(occupied))],
        "posts": [(c, posts[c], held[c]) for c in sorted(set(posts) | set(held))],
        "staff": sum(occupied.values()),
        "outside": outside,
        "findings": [(code, label, n, round(100 * n / top)) for code, label, n in findings],
        "finding_total": sum(n for *_x, n in findings),
        "problems": [(p, problems[p]) for p in PROBLEMS],
        "corrections": [(CorrectionProposal.Kind(k).label, n) for k, n in sorted(corrections.items())],
        "onsite": sum(cu.onsite_selected for cu in cus),
        "sampled": sum(cu.sample_selected for cu in cus),
        "done": sum(cu.stage == Stage.DONE for cu in cus),
    }
