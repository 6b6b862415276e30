"""Moving units on and back: advance (the current stage's service), return with a reason, and closing
the campaign."""

from __future__ import annotations

from django.db import transaction

from bianzhi import audit
from bianzhi.roles import authorize
from verification.campaign.models import STAGES, Campaign, CampaignStatus, CampaignUnit, Stage
from verification.campaign.services.cityreview import require_final
from verification.campaign.services.common import _fail, _lock, _move
from verification.campaign.services.comparison import comparison_finish
from verification.campaign.services.notices import notice_finish
from verification.campaign.services.onsite import onsite_finish, sampling_finish
from verification.campaign.services.selfcheck import selfcheck_submit
from verification.campaign.services.update import update_finish

ADVANCE = {
    Stage.SELF_CHECK: selfcheck_submit,
    Stage.NOTICE: notice_finish,
    Stage.COMPARISON: comparison_finish,
    Stage.ONSITE: onsite_finish,
    Stage.SAMPLING: sampling_finish,
    Stage.UPDATE: update_finish,
}


def stage_advance(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """Move the unit on from its current stage (dispatches to that stage's service)."""
    service = ADVANCE.get(cu.stage)
    if service is None:
        _fail("该单位已完成全部核查环节。")
    return service(cu=cu, actor=actor)


@transaction.atomic
def stage_return(*, cu: CampaignUnit, to_stage: str, reason: str, actor) -> CampaignUnit:
    """Return a unit to an earlier stage (a reason is required). Office writers; the 预审核 and, for a
    return to 单位自查, the submission are cleared."""
    cu = _lock(cu)
    authorize(actor, "run_campaign", region=cu.campaign.region)
    if cu.campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    reason = (reason or "").strip()
    if not reason:
        _fail("退回到之前的环节须填写原因。", "reason")
    order = [*STAGES[cu.campaign.kind], Stage.DONE]
    if to_stage not in order or cu.stage not in order or order.index(to_stage) >= order.index(cu.stage):
        _fail("只能退回到之前的环节。", "to_stage")
    cu.prereview_passed = None
    if to_stage == Stage.SELF_CHECK:
        cu.selfcheck_submitted_at = None
    return _move(cu, to_stage, actor=actor, reason=reason)


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor) -> Campaign:
    """End the campaign (every unit done; for a county under a city, the pre-review accepted — 定稿).
    Office writers; audited."""
    campaign = (
        Campaign.objects.select_for_update(of=("self",)).select_related("region__parent").get(pk=campaign.pk)
    )
    authorize(actor, "run_campaign", region=campaign.region)
    if campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    if campaign.units.exclude(stage=Stage.DONE).exists():
        _fail("还有单位未完成全部核查环节。")
    require_final(campaign)  # a county under a city: only once the city's pre-review accepted the report
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    audit.record(actor=actor, action="核查.结束", target=campaign)
    return campaign
