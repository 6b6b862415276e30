"""One set of figures: every page, print and workbook of a campaign reads the units' snapshots (the
figures as of the cut-off), never the live register."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from units.choices import ESTABLISHMENT_ORDER, PostCategory
from verification.campaign.models import (
    PROBLEMS,
    Campaign,
    CorrectionProposal,
    ProposalStatus,
    Stage,
    UnitReport,
)
from verification.campaign.selectors.progress import findings_by_code
from verification.compare.data import PARTNER_SOURCES
from verification.compare.workbook import AnnexUnit
from verification.findings.models import ComparisonRun, Finding


@dataclass(frozen=True)
class FigureLine:
    """核定 / 实有 (实配) / 空编 of one 编制类型 or 职数类别; ``vacancy`` < 0 means 超编 (超职数)."""

    name: str
    approved: int
    actual: int

    @property
    def vacancy(self) -> int:
        return self.approved - self.actual

    @property
    def over(self) -> bool:
        return self.actual > self.approved


@dataclass(frozen=True)
class SnapshotLines:
    types: list[FigureLine]
    posts: list[FigureLine]
    baseline: bool  # the figures at the cut-off come from 建账 (loaded after the cut-off)

    @property
    def approved_total(self) -> int:
        return sum(line.approved for line in self.types)

    @property
    def actual_total(self) -> int:
        return sum(line.actual for line in self.types)

    @property
    def vacancy_total(self) -> int:
        return self.approved_total - self.actual_total


def _type_order(name: str) -> int:
    return ESTABLISHMENT_ORDER.index(name) if name in ESTABLISHMENT_ORDER else len(ESTABLISHMENT_ORDER)


def snapshot_lines(snap: dict) -> SnapshotLines:
    """A unit's figures as of the cut-off from its snapshot: per 编制类型 核定/实有/空编 (every type that is
    approved or occupied), per 职数类别 核定/实配/空缺; the unit page, the notice and the unit report."""
    quotas, occupied = snap.get("quotas", {}), snap.get("occupied", {})
    posts, held = snap.get("posts", {}), snap.get("held", {})
    types = [
        FigureLine(t, quotas.get(t, 0), occupied.get(t, 0))
        for t in sorted(set(quotas) | set(occupied), key=_type_order)
    ]
    categories = [c for c in PostCategory.values if c in posts or c in held]
    return SnapshotLines(
        types=types,
        posts=[FigureLine(c, posts.get(c, 0), held.get(c, 0)) for c in categories],
        baseline=bool(snap.get("baseline")),
    )


def county_figures(campaign: Campaign) -> dict:
    """The county report's figures, summed from the snapshots (the same numbers the unit pages, notices,
    unit reports and 附件2–5 show): units, 核定/实有/空编 by type, leader posts with vacancy, 军转行政编制,
    建账 units; findings by code; problems reported by units; corrections adopted; progress by stage."""
    cus = list(campaign.units.order_by("id"))
    natures = Counter(cu.snapshot["unit"]["nature"] for cu in cus)
    quotas: Counter = Counter()
    occupied: Counter = Counter()
    posts: Counter = Counter()
    held: Counter = Counter()
    earmark = military = 0
    for cu in cus:
        quotas.update(cu.snapshot.get("quotas", {}))
        occupied.update(cu.snapshot.get("occupied", {}))
        posts.update(cu.snapshot.get("posts", {}))
        held.update(cu.snapshot.get("held", {}))
        earmark += cu.snapshot.get("earmark", 0)
        military += cu.snapshot.get("military", 0) if cu.snapshot.get("earmark", 0) else 0
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
    stages = [*campaign.stages, Stage.DONE]
    by_stage = Counter(cu.stage for cu in cus)
    types = [
        FigureLine(t, quotas[t], occupied[t]) for t in sorted(set(quotas) | set(occupied), key=_type_order)
    ]
    return {
        "units": len(cus),
        "natures": sorted(natures.items()),
        "types": types,
        "total": FigureLine("合计", sum(quotas.values()), sum(occupied.values())),
        "posts": [FigureLine(c, posts[c], held[c]) for c in PostCategory.values if c in posts or c in held],
        "military": FigureLine("军转行政编制", earmark, military),
        "baseline": sum(bool(cu.snapshot.get("baseline")) for cu in cus),
        "staff": sum(occupied.values()),
        "outside": outside,
        "findings": [(code, label, n, round(100 * n / top)) for code, label, n in findings],
        "finding_total": sum(n for *_x, n in findings),
        "problems": [(p, problems[p]) for p in PROBLEMS],
        "corrections": [(CorrectionProposal.Kind(k).label, n) for k, n in sorted(corrections.items())],
        "stages": [(s, by_stage[s]) for s in stages],
        "onsite": sum(cu.onsite_selected for cu in cus),
        "sampled": sum(cu.sample_selected for cu in cus),
        "done": sum(cu.stage == Stage.DONE for cu in cus),
    }


def annex_units(campaign: Campaign, run: ComparisonRun | None = None) -> list[AnnexUnit]:
    """The campaign's units as rows of 附件2–5: figures from the snapshots; partner head counts and
    findings from the campaign's comparison run (``run``, else ``campaign.comparison_run``; none yet:
    empty counts and 0 findings)."""
    run = run if run is not None else campaign.comparison_run
    cus = list(campaign.units.order_by("id"))
    sources = list(run.sources) if run is not None else []
    per_unit = (run.counts or {}).get("units", {}) if run is not None else {}
    findings: dict[int, int] = {}
    if run is not None:
        rows = (
            Finding.objects.filter(region_id=campaign.region_id, last_run_id=run.pk, unit_id__isnull=False)
            .values_list("unit_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        findings = dict(rows)
    out = []
    for cu in cus:
        snap = cu.snapshot
        unit = snap.get("unit", {})
        township = unit.get("township", "")
        out.append(
            AnnexUnit(
                name=unit.get("name", ""),
                township="" if township == "县直" else township,
                nature=unit.get("nature", ""),
                quotas=dict(snap.get("quotas", {})),
                occupied=dict(snap.get("occupied", {})),
                posts=dict(snap.get("posts", {})),
                held=dict(snap.get("held", {})),
                counts={
                    s: (per_unit.get(s, {}).get(str(cu.unit_id), 0) if s in sources else None)
                    for s in PARTNER_SOURCES
                },
                findings=findings.get(cu.unit_id, 0),
                baseline=bool(snap.get("baseline")),
                earmark=snap.get("earmark", 0),
                military=snap.get("military", 0),
            )
        )
    return out
