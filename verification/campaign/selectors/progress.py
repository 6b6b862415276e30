"""Where a campaign stands: its stage windows, each unit's next stage, the dashboard's progress grids,
overdue units, and the findings of the campaign's comparison run."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, QuerySet
from django.utils import timezone

from verification.campaign.models import STAGES, Campaign, CampaignUnit, CampaignWindow, Stage
from verification.compare.engine import CODES
from verification.findings.models import Finding, FindingStatus


def window(campaign: Campaign, stage: str) -> CampaignWindow | None:
    return next((w for w in campaign.windows.all() if w.stage == stage), None)


def next_stage(cu: CampaignUnit) -> str:
    stages = STAGES[cu.campaign.kind]
    i = stages.index(cu.stage) if cu.stage in stages else len(stages)
    return stages[i + 1] if i + 1 < len(stages) else Stage.DONE


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


def unit_findings(cu: CampaignUnit) -> QuerySet[Finding]:
    """The findings of the campaign's comparison run on this unit."""
    run_id = cu.campaign.comparison_run_id
    if run_id is None:
        return Finding.objects.none()
    return Finding.objects.filter(region_id=cu.campaign.region_id, unit_id=cu.unit_id, last_run_id=run_id)


def open_finding_counts(campaign: Campaign) -> dict[int, int]:
    """Open (待核实 or 已说明) findings of the campaign's run per unit."""
    if campaign.comparison_run_id is None:
        return {}
    rows = (
        Finding.objects.filter(
            region_id=campaign.region_id,
            last_run_id=campaign.comparison_run_id,
            status__in=[FindingStatus.OPEN, FindingStatus.EXPLAINED],
        )
        .values_list("unit_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def onsite_ranking(campaign: Campaign) -> list[tuple[CampaignUnit, int]]:
    """The campaign's units, most open findings first (the on-site list takes the top of it)."""
    counts = open_finding_counts(campaign)
    cus = list(campaign.units.order_by("id"))
    return sorted(((cu, counts.get(cu.unit_id, 0)) for cu in cus), key=lambda p: (-p[1], p[0].pk))
