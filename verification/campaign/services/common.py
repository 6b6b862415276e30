"""What every campaign service shares: the refusal, today, the actor's name, who may act (one vocabulary:
``bianzhi.roles.authorize`` for the office, ``units.services.common.authorize_unit`` for a unit's liaison or
the office), the unit's lock, the stage and window checks, and ``_move`` — the one place a unit's stage
is assigned."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import actor_name, authorize
from units.services.common import _fail, authorize_unit
from verification.campaign.models import (
    TRANSITIONS,
    Campaign,
    CampaignStatus,
    CampaignUnit,
    StageTransition,
)
from verification.campaign.proxy import ProxyReason, units_with_liaison
from verification.campaign.selectors import is_liaison, window


def _today() -> dt.date:
    return timezone.localdate()


def _name(actor) -> str:
    return actor_name(actor)


def _user(actor):
    return actor if actor is not None and actor.pk else None


def _require_unit(actor, cu: CampaignUnit) -> None:
    """The unit's liaison or an office writer of its region (``authorize_unit``; PermissionDenied)."""
    authorize_unit(actor, cu.unit, capability="run_campaign")


def _filler(actor, cu: CampaignUnit, on_behalf_reason: str = "") -> str:
    """Who fills in the unit's own forms (self-check, unit report): its liaison (returns "") or, on its
    behalf (代填), an office writer of the region giving a ``ProxyReason`` (returns the reason). Anyone
    else is refused (PermissionDenied); a liaison never 代填s, the office never fills in without a
    reason, and 无联络员 is refused for a unit that has a liaison (that is 纸质报送)."""
    reason = (on_behalf_reason or "").strip()
    liaison = is_liaison(actor, cu)
    if not reason:
        if liaison:
            return ""
        _require_unit(actor, cu)
        _fail("编办代填须选择代填原因（无联络员或纸质报送）。", "on_behalf_reason")
    if liaison:
        _fail("单位联络员直接填写本单位的材料，不能代填。", "on_behalf_reason")
    authorize(actor, "run_campaign", region=cu.campaign.region)
    if reason not in ProxyReason.values:
        _fail("代填原因应为“无联络员”或“纸质报送”。", "on_behalf_reason")
    if reason == ProxyReason.NO_LIAISON and units_with_liaison([cu.unit_id]):
        _fail("该单位已有联络员，不能以“无联络员”为由代填；单位报送纸质材料的请选择“纸质报送”。")
    return reason


def _not_future(day: dt.date | None, label: str, field: str) -> dt.date:
    if day is None:
        _fail(f"请填写{label}。", field)
    if day > _today():
        _fail(f"{label}不能晚于今天（{_today():%Y年%m月%d日}）。", field)
    return day


def _check_window(campaign: Campaign, stage: str) -> None:
    w = window(campaign, stage)
    today = _today()
    if w is None:
        _fail(f"“{stage}”环节未设定工作时间。")
    if today < w.starts_on:
        _fail(f"“{stage}”环节自 {w.starts_on:%Y年%m月%d日} 开始，尚未开始。")
    if today > w.ends_on:
        _fail(f"“{stage}”环节已于 {w.ends_on:%Y年%m月%d日} 截止，不能再办理；如需延期请由编办调整环节时间。")


def _lock(cu: CampaignUnit) -> CampaignUnit:
    return (
        CampaignUnit.objects.select_for_update()
        .select_related("campaign", "campaign__region", "unit")
        .get(pk=cu.pk)
    )


def _in_stage(cu: CampaignUnit, stage: str) -> None:
    """The unit is in ``stage`` of an active campaign and the stage's window is open."""
    if cu.campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    if cu.stage != stage:
        _fail(f"该单位当前处于“{cu.stage}”环节，不能办理“{stage}”环节的事项。")
    _check_window(cu.campaign, stage)


def _move(cu: CampaignUnit, to_stage: str, *, actor, reason: str = "") -> CampaignUnit:
    """The one place a unit's stage is assigned: legal by TRANSITIONS, recorded and audited."""
    allowed = TRANSITIONS[cu.campaign.kind].get(cu.stage, ())
    if to_stage not in allowed:
        _fail(f"不能从“{cu.stage}”直接转到“{to_stage}”，核查环节不能跳过。")
    StageTransition.objects.create(
        campaign_unit=cu,
        from_stage=cu.stage,
        to_stage=to_stage,
        actor=_user(actor),
        actor_name=_name(actor),
        reason=reason,
    )
    before = cu.stage
    cu.stage = to_stage
    cu.stage_since = timezone.now()
    cu.save(update_fields=["stage", "stage_since", "selfcheck_submitted_at", "prereview_passed"])
    audit.record(
        actor=actor,
        action="核查.环节流转",
        target=cu,
        region=cu.campaign.region,
        before={"stage": before},
        after={"stage": to_stage},
        reason=reason,
    )
    return cu
