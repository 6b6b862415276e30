"""Bulk actions of a campaign (issue 11 point 6): where the county plan treats units alike, the office acts
on many units at once — 代填自查“无异常”, 公示张贴, 公示撤除, 推进到下一环节, 预审核通过.

``bulk_apply`` calls the single-unit service for each unit, each in its own transaction (the services
are ``transaction.atomic`` and lock the unit), so every rule, refusal and audit row is exactly the one
of the single-unit path; a refusal of one unit is reported with its Chinese reason and does not stop the
others. The filtered list of the campaign's units the page shows is ``selectors.unit_rows``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError

from bianzhi.roles import authorize
from verification.campaign import services as cs
from verification.campaign.models import Campaign, CampaignStatus, CampaignUnit, SelfCheckItem
from verification.campaign.proxy import ProxyReason

ACTIONS: dict[str, str] = {
    "selfcheck_clean": "代填自查“无异常”并提交",
    "notice_post": "登记公示张贴",
    "notice_remove": "登记公示撤除",
    "advance": "推进到下一环节",
    "prereview_pass": "预审核通过",
}
CLEAN_ANSWERS = {
    item: ("无差异" if item == SelfCheckItem.Item.BUDGET else "相符") for item in SelfCheckItem.Item.values
}


@dataclass(frozen=True)
class BulkResult:
    """One unit's outcome: done, or refused with the service's Chinese reason."""

    cu_id: int
    name: str
    done: bool
    message: str


def _clean_selfcheck(cu: CampaignUnit, actor, reason: str) -> None:
    """代填 every line as 相符/无差异 and submit; a unit whose liaison already answered a line is refused
    (its answers are not overwritten in bulk — fill it in on its own page)."""
    if any(i.answer and not i.on_behalf for i in cu.items.all()):
        raise ValidationError("联络员已填写了部分自查事项，不能批量代填，请在该单位页面核对后办理。")
    cs.selfcheck_save(cu=cu, answers=CLEAN_ANSWERS, actor=actor, on_behalf_reason=reason, submit=True)


def _check_params(action: str, params: dict) -> dict:
    """The action's parameters, refused as a whole when missing (before any unit is touched)."""
    if action not in ACTIONS:
        raise ValidationError("批量操作无效。")
    if action == "selfcheck_clean":
        reason = (params.get("on_behalf_reason") or "").strip()
        if not reason:
            raise ValidationError("批量代填须选择代填原因（无联络员或纸质报送）。")
        if reason not in ProxyReason.values:
            raise ValidationError("代填原因应为“无联络员”或“纸质报送”。")
    if action == "notice_post" and not isinstance(params.get("posted_on"), dt.date):
        raise ValidationError("请填写公示日期。")
    if action == "notice_remove" and not isinstance(params.get("removed_on"), dt.date):
        raise ValidationError("请填写撤除日期。")
    return params


def _one(cu: CampaignUnit, action: str, actor, params: dict) -> None:
    if action == "selfcheck_clean":
        _clean_selfcheck(cu, actor, params["on_behalf_reason"])
    elif action == "notice_post":
        cs.notice_post(cu=cu, posted_on=params["posted_on"], place=params.get("place", ""), actor=actor)
    elif action == "notice_remove":
        cs.notice_remove(cu=cu, removed_on=params["removed_on"], actor=actor)
    elif action == "advance":
        cs.stage_advance(cu=cu, actor=actor)
    else:
        cs.unit_prereview(cu=cu, passed=True, note=params.get("note", ""), actor=actor)


def bulk_apply(
    campaign: Campaign, cu_ids: Iterable[int], action: str, actor, params: dict | None = None
) -> list[BulkResult]:
    """Apply ``action`` to each of the campaign's units in ``cu_ids`` (ids of other campaigns are
    ignored) through the single-unit services, one transaction per unit; returns each unit's result in
    the list's order. Office writers of the campaign's region only (refused as a whole otherwise, or
    when the action's parameters are missing). Not itself atomic: done units stay done."""
    authorize(actor, "run_campaign", region=campaign.region)
    if campaign.status != CampaignStatus.ACTIVE:
        raise ValidationError("该核查工作已结束。")
    params = _check_params(action, dict(params or {}))
    ids = sorted({int(i) for i in cu_ids})
    if not ids:
        raise ValidationError("请先勾选单位。")
    results = []
    for cu in CampaignUnit.objects.filter(campaign=campaign, pk__in=ids).order_by("id"):
        try:
            _one(cu, action, actor, params)
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            results.append(BulkResult(cu.pk, cu.name, False, text))
        else:
            results.append(BulkResult(cu.pk, cu.name, True, "已办理"))
    return results
