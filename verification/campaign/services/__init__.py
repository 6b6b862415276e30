"""Writes of the verification campaign (核查, DOMAIN.md §5), one module per stage or concern; the package
exposes every service by name (``from verification.campaign import services as cs; cs.notice_post(…)``).

Each service locks the campaign unit, checks who may act (``bianzhi.roles.authorize(actor,
"run_campaign", region=…)`` for the office's work, ``units.services.common.authorize_unit`` for what
the unit's liaison or the office may do — PermissionDenied), that the unit is in the right stage and
the stage's window is open, and what must be true (a ``ValidationError`` with the Chinese refusal);
records a ``StageTransition`` and an audit row; nothing is written when refused
(``transaction.atomic``). Registry corrections are applied through the ``units`` services only.

- ``common``: the shared checks and ``_move`` (the one place a unit's stage is assigned).
- ``setup``: create a campaign, its working group and windows, refresh a snapshot.
- ``selfcheck`` (stage 1), ``proposals`` (corrections), ``notices`` (stage 2), ``comparison``
  (stage 3), ``onsite`` (stages 4–5), ``update`` (stage 6 and the reports filed), ``flow`` (advance,
  return, close), ``bulk`` (one action on many units).

Who: office administrators and staff of the region (编办) create campaigns, review, advance and return
units; the unit's liaison answers the self-check, proposes corrections, records the notice and
confirms the unit's report. Supervisors only read. Reads are in ``verification.campaign.selectors``.
"""

from verification.campaign.services.cityreview import (
    require_final,
    review_accept,
    review_return,
    review_submit,
)
from verification.campaign.services.comparison import (
    campaign_compare,
    campaign_compare_precheck,
    comparison_finish,
    followup_set,
)
from verification.campaign.services.flow import ADVANCE, campaign_close, stage_advance, stage_return
from verification.campaign.services.notices import (
    feedback_add,
    feedback_reply,
    notice_finish,
    notice_post,
    notice_remove,
)
from verification.campaign.services.onsite import (
    onsite_finish,
    onsite_propose,
    onsite_set,
    sample_draw,
    sampling_finish,
    visit_record,
)
from verification.campaign.services.proposals import proposal_create, proposal_decide
from verification.campaign.services.selfcheck import (
    attachment_add,
    selfcheck_answer,
    selfcheck_save,
    selfcheck_submit,
)
from verification.campaign.services.setup import (
    campaign_create,
    snapshot_refresh,
    window_set,
    windows_set,
    working_group_set,
)
from verification.campaign.services.update import (
    county_report_file,
    unit_prereview,
    unit_report_confirm,
    update_finish,
)

__all__ = [
    "require_final",
    "review_accept",
    "review_return",
    "review_submit",
    "ADVANCE",
    "attachment_add",
    "campaign_close",
    "campaign_compare",
    "campaign_compare_precheck",
    "campaign_create",
    "comparison_finish",
    "county_report_file",
    "feedback_add",
    "feedback_reply",
    "followup_set",
    "notice_finish",
    "notice_post",
    "notice_remove",
    "onsite_finish",
    "onsite_propose",
    "onsite_set",
    "proposal_create",
    "proposal_decide",
    "sample_draw",
    "sampling_finish",
    "selfcheck_answer",
    "selfcheck_save",
    "selfcheck_submit",
    "snapshot_refresh",
    "stage_advance",
    "stage_return",
    "unit_prereview",
    "unit_report_confirm",
    "update_finish",
    "visit_record",
    "window_set",
    "windows_set",
    "working_group_set",
]
