"""Stage 2, 群众监督: the notice posted and removed, feedback logged and answered, the stage finished."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import authorize
from verification.campaign.models import STAGES, CampaignUnit, Notice, NoticeFeedback, Stage
from verification.campaign.selectors import notice_period, window
from verification.campaign.services.common import (
    _fail,
    _in_stage,
    _lock,
    _move,
    _name,
    _not_future,
    _require_unit,
    _today,
)


@transaction.atomic
def notice_post(*, cu: CampaignUnit, posted_on: dt.date, actor, place: str = "") -> Notice:
    """Record the posting of the unit's notice (the liaison or the office). ``posted_on`` is not in the
    future and not before the campaign's first stage starts; the period is ``notice_period`` (refused
    when a year has no calendar data). Not for a confidential unit; once per unit; audited."""
    cu = _lock(cu)
    _require_unit(actor, cu)
    _in_stage(cu, Stage.NOTICE)
    if cu.snapshot.get("unit", {}).get("confidential"):
        _fail("涉密单位不进行公示。")
    if Notice.objects.filter(campaign_unit=cu).exists():
        _fail("该单位的公示已登记，不能重复登记。")
    _not_future(posted_on, "公示日期", "posted_on")
    first = window(cu.campaign, STAGES[cu.campaign.kind][0])
    if first is not None and posted_on < first.starts_on:
        _fail(f"公示日期不能早于本次核查开始（{first.starts_on:%Y年%m月%d日}）。", "posted_on")
    ends_on, remove_by = notice_period(posted_on)
    notice = Notice.objects.create(
        campaign_unit=cu,
        posted_on=posted_on,
        ends_on=ends_on,
        remove_by=remove_by,
        place=(place or "").strip()[:200],
        posted_by_name=_name(actor),
    )
    audit.record(
        actor=actor,
        action="核查.公示",
        target=cu,
        region=cu.campaign.region,
        after={"posted_on": posted_on, "ends_on": ends_on},
    )
    return notice


def _posted(cu: CampaignUnit, actor) -> tuple[CampaignUnit, Notice]:
    """The unit locked in 群众监督 with its notice, for its liaison or the office (refused when no notice
    was posted)."""
    cu = _lock(cu)
    _require_unit(actor, cu)
    _in_stage(cu, Stage.NOTICE)
    notice = Notice.objects.filter(campaign_unit=cu).first()
    if notice is None:
        _fail("尚未登记公示。")
    return cu, notice


@transaction.atomic
def notice_remove(*, cu: CampaignUnit, removed_on: dt.date, actor) -> Notice:
    """Record the removal of the notice: not in the future, and on or after ``ends_on`` (the 5th full
    working day after posting, see ``notice_period``). Removal after ``remove_by`` is flagged."""
    cu, notice = _posted(cu, actor)
    if notice.removed_on:
        _fail("已登记撤除，不能重复登记。")
    _not_future(removed_on, "撤除日期", "removed_on")
    if removed_on < notice.ends_on:
        _fail(f"公示期至 {notice.ends_on:%Y年%m月%d日}（公示后满5个工作日），期满后才能撤除。", "removed_on")
    notice.removed_on = removed_on
    notice.save(update_fields=["removed_on"])
    audit.record(
        actor=actor,
        action="核查.撤除公示",
        target=cu,
        region=cu.campaign.region,
        after={"removed_on": removed_on, "overdue": notice.is_overdue(removed_on)},
    )
    return notice


@transaction.atomic
def feedback_add(*, cu: CampaignUnit, received_on: dt.date, text: str, actor) -> NoticeFeedback:
    """Log feedback received on the notice (the liaison or the office): received while the notice was up
    (from posting to removal, or to today while it is still up), never in the future."""
    cu, notice = _posted(cu, actor)
    if not (text or "").strip():
        _fail("请填写反映内容。", "text")
    received_on = _not_future(received_on or _today(), "收到日期", "received_on")
    if received_on < notice.posted_on or (notice.removed_on and received_on > notice.removed_on):
        end = notice.removed_on or _today()
        _fail(f"收到日期应在公示期间（{notice.posted_on:%Y年%m月%d日}至{end:%Y年%m月%d日}）。", "received_on")
    item = NoticeFeedback.objects.create(
        notice=notice, received_on=received_on, text=text.strip(), recorded_by_name=_name(actor)
    )
    audit.record(
        actor=actor, action="核查.公示反馈", target=cu, region=cu.campaign.region, after={"text": item.text}
    )
    return item


@transaction.atomic
def feedback_reply(*, feedback: NoticeFeedback, reply: str, actor) -> NoticeFeedback:
    """The office's reply to a feedback (once)."""
    feedback = (
        NoticeFeedback.objects.select_for_update()
        .select_related("notice__campaign_unit__campaign__region")
        .get(pk=feedback.pk)
    )
    cu = feedback.notice.campaign_unit
    authorize(actor, "run_campaign", region=cu.campaign.region)
    if feedback.reply:
        _fail("该反馈已答复。")
    if not (reply or "").strip():
        _fail("请填写答复。", "reply")
    feedback.reply, feedback.replied_by_name, feedback.replied_at = (
        reply.strip(),
        _name(actor),
        timezone.now(),
    )
    feedback.save()
    audit.record(
        actor=actor,
        action="核查.答复反馈",
        target=cu,
        region=cu.campaign.region,
        after={"reply": feedback.reply},
    )
    return feedback


@transaction.atomic
def notice_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """群众监督 → 数据比对: the notice was removed and every feedback answered (a confidential unit has
    no notice)."""
    cu = _lock(cu)
    _require_unit(actor, cu)
    _in_stage(cu, Stage.NOTICE)
    if not cu.snapshot.get("unit", {}).get("confidential"):
        notice = Notice.objects.filter(campaign_unit=cu).first()
        if notice is None:
            _fail("尚未登记公示，不能进入下一环节。")
        if notice.removed_on is None:
            _fail("公示尚未撤除，不能进入下一环节。")
        if notice.feedback.filter(reply="").exists():
            _fail("还有公示反馈尚未答复。")
    return _move(
        cu,
        Stage.COMPARISON,
        actor=actor,
        reason="" if not cu.snapshot["unit"].get("confidential") else "涉密单位不公示",
    )
