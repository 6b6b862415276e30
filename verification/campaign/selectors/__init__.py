"""Reads of the campaign: every read a page, print, workbook or service needs (no writes here).

- ``access``: scope (404 outside it) and who acts — ``campaigns_for``, ``campaign_for``, ``is_writer`` …
- ``plan``: the county plan's numbers — ratios, default windows, working group, notice period, draws.
- ``progress``: windows, next stage, the dashboard, overdue units, the comparison run's findings.
- ``snapshots``: the units in scope and their figures as of the cut-off.
- ``figures``: the snapshot figures of a unit, the county report and 附件2–5.
- ``selfcheck``: the self-check answers and the targets a correction may change (Chinese names).
- ``units``: the filtered list of the campaign's units (the units page).
"""

from verification.campaign.selectors.access import (
    attachment_for,
    campaign_for,
    campaign_unit_for,
    campaign_units_for,
    campaigns_for,
    is_liaison,
    is_writer,
)
from verification.campaign.selectors.figures import (
    FigureLine,
    SnapshotLines,
    annex_units,
    county_figures,
    snapshot_lines,
)
from verification.campaign.selectors.plan import (
    MIN_ONSITE,
    MIN_SAMPLE,
    NOTICE_WORKING_DAYS,
    PLAN_OFFSETS,
    SEED_DUTY,
    SEED_WORKING_GROUP,
    default_windows,
    draw_sample,
    minimum,
    notice_period,
)
from verification.campaign.selectors.progress import (
    dashboard,
    findings_by_code,
    next_stage,
    onsite_ranking,
    open_finding_counts,
    overdue,
    unit_findings,
    window,
)
from verification.campaign.selectors.selfcheck import (
    ITEM_ANSWERS,
    NEEDS_TEXT,
    PERSON_PROPOSABLE,
    UNIT_PROPOSABLE,
    current_value,
    proposal_targets,
    proposals_of,
    target_label,
)
from verification.campaign.selectors.snapshots import build_snapshots, units_in_scope
from verification.campaign.selectors.units import COUNTY_SEAT, UnitRow, townships, unit_rows

__all__ = [
    "attachment_for",
    "COUNTY_SEAT",
    "ITEM_ANSWERS",
    "MIN_ONSITE",
    "MIN_SAMPLE",
    "NEEDS_TEXT",
    "NOTICE_WORKING_DAYS",
    "PERSON_PROPOSABLE",
    "PLAN_OFFSETS",
    "SEED_DUTY",
    "SEED_WORKING_GROUP",
    "UNIT_PROPOSABLE",
    "FigureLine",
    "SnapshotLines",
    "UnitRow",
    "annex_units",
    "build_snapshots",
    "campaign_for",
    "campaign_unit_for",
    "campaign_units_for",
    "campaigns_for",
    "county_figures",
    "current_value",
    "dashboard",
    "default_windows",
    "draw_sample",
    "findings_by_code",
    "is_liaison",
    "is_writer",
    "minimum",
    "next_stage",
    "notice_period",
    "onsite_ranking",
    "open_finding_counts",
    "overdue",
    "proposal_targets",
    "proposals_of",
    "snapshot_lines",
    "target_label",
    "townships",
    "unit_findings",
    "unit_rows",
    "units_in_scope",
    "window",
]
