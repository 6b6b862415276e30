"""Stages 4 and 5, 实地核实 and 随机抽查: the on-site list, the random draw, the visits, the stages finished."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import authorize
from verification.campaign.models import (
    Campaign,
    CampaignKind,
    CampaignUnit,
    SampleDraw,
    SiteVisit,
    Stage,
    VisitKind,
    VisitMethod,
)
from verification.campaign.selectors import MIN_SAMPLE, draw_sample, minimum, onsite_ranking
from verification.campaign.services.common import _fail, _in_stage, _lock, _move, _name, _today, _user
from verification.campaign.services.selfcheck import attachment_add


def _require_annual(campaign: Campaign) -> None:
    if campaign.kind != CampaignKind.ANNUAL:
        _fail("联合检查只进行数据比对和数据更新。")


@transaction.atomic
def onsite_propose(*, campaign: Campaign, actor) -> list[CampaignUnit]:
    """Select the units with the most open findings for 实地核实, at least ``onsite_ratio`` of the
    campaign (rounded up). Once; change the list with ``onsite_set``. Office writers; audited."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    authorize(actor, "run_campaign", region=campaign.region)
    _require_annual(campaign)
    if campaign.onsite_planned_at:
        _fail("实地核实名单已确定，如需调整请调换单位。")
    ranking = onsite_ranking(campaign)
    chosen = [cu for cu, _n in ranking[: minimum(len(ranking), campaign.onsite_ratio)]]
    CampaignUnit.objects.filter(pk__in=[c.pk for c in chosen]).update(onsite_selected=True)
    campaign.onsite_planned_at = timezone.now()
    campaign.save(update_fields=["onsite_planned_at"])
    audit.record(
        actor=actor,
        action="核查.实地核实名单",
        target=campaign,
        after={"selected": [[c.unit_id, c.name] for c in chosen], "ratio": campaign.onsite_ratio},
    )
    return chosen


@transaction.atomic
def onsite_set(*, campaign: Campaign, selected_ids: Iterable[int], actor, reason: str) -> list[int]:
    """The office swaps units in or out of the on-site list; never below the ratio, never dropping a
    unit already visited. Office writers, with a reason; audited."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    authorize(actor, "run_campaign", region=campaign.region)
    _require_annual(campaign)
    if not campaign.onsite_planned_at:
        _fail("请先生成实地核实名单。")
    if not (reason or "").strip():
        _fail("调整实地核实名单须填写原因。", "reason")
    ids = set(campaign.units.filter(pk__in=list(selected_ids)).values_list("pk", flat=True))
    need = minimum(campaign.units.count(), campaign.onsite_ratio)
    if len(ids) < need:
        _fail(f"实地核实单位不得少于 {need} 个（比例 {campaign.onsite_ratio:.0%}）。")
    visited = set(
        SiteVisit.objects.filter(campaign_unit__campaign=campaign, kind=VisitKind.ONSITE).values_list(
            "campaign_unit_id", flat=True
        )
    )
    if visited - ids:
        _fail("已完成实地核实的单位不能调出名单。")
    before = sorted(campaign.units.filter(onsite_selected=True).values_list("pk", flat=True))
    campaign.units.exclude(pk__in=ids).update(onsite_selected=False)
    campaign.units.filter(pk__in=ids).update(onsite_selected=True)
    audit.record(
        actor=actor,
        action="核查.调整实地核实名单",
        target=campaign,
        before={"selected": before},
        after={"selected": sorted(ids)},
        reason=reason,
    )
    return sorted(ids)


@transaction.atomic
def sample_draw(*, campaign: Campaign, seed: str, actor, ratio: Decimal | None = None) -> SampleDraw:
    """Draw the 随机抽查 units with a recorded seed (at least 5% and the campaign's ratio). Once per
    campaign. Office writers; audited."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    authorize(actor, "run_campaign", region=campaign.region)
    _require_annual(campaign)
    ratio = Decimal(str(ratio)) if ratio is not None else campaign.sample_ratio
    if ratio < MIN_SAMPLE or ratio < campaign.sample_ratio:
        _fail(f"随机抽查比例不得低于{max(MIN_SAMPLE, campaign.sample_ratio):.0%}。", "ratio")
    if ratio > 1:
        _fail("随机抽查比例不能超过100%。", "ratio")
    seed = str(seed or "").strip()
    if not seed:
        _fail("请填写随机种子（如抽取当日的日期或公开的数字）。", "seed")
    if SampleDraw.objects.filter(campaign=campaign).exists():
        _fail("本次核查已进行过随机抽取，不能重复抽取。")
    population = sorted(campaign.units.values_list("pk", flat=True))
    selected = draw_sample(population, seed, ratio)
    draw = SampleDraw.objects.create(
        campaign=campaign,
        seed=seed[:64],
        ratio=ratio,
        population=population,
        selected=selected,
        actor=_user(actor),
        actor_name=_name(actor),
    )
    campaign.units.filter(pk__in=selected).update(sample_selected=True)
    audit.record(
        actor=actor,
        action="核查.随机抽取",
        target=campaign,
        after={"seed": seed, "ratio": ratio, "selected": selected},
    )
    return draw


@transaction.atomic
def visit_record(
    *,
    cu: CampaignUnit,
    kind: str,
    method: str,
    visited_on: dt.date,
    inspectors: str,
    findings: str,
    actor,
    files: Sequence[UploadedFile] = (),
) -> SiteVisit:
    """Record the on-site check or random-sample check of a selected unit (once per kind), with scans."""
    cu = _lock(cu)
    authorize(actor, "run_campaign", region=cu.campaign.region)
    stage = Stage.ONSITE if kind == VisitKind.ONSITE else Stage.SAMPLING
    if kind not in VisitKind.values:
        _fail("核查类型无效。", "kind")
    _in_stage(cu, stage)
    if not (cu.onsite_selected if kind == VisitKind.ONSITE else cu.sample_selected):
        _fail(f"该单位未列入{kind}名单。")
    if method not in VisitMethod.values:
        _fail("请选择集中对账或现场查验。", "method")
    if not (findings or "").strip():
        _fail("请填写核查情况。", "findings")
    if not (inspectors or "").strip():
        _fail("请填写核查人员。", "inspectors")
    if visited_on is None or visited_on > _today():
        _fail("核查日期不能晚于今天。", "visited_on")
    if SiteVisit.objects.filter(campaign_unit=cu, kind=kind).exists():
        _fail(f"该单位的{kind}情况已登记，不能重复登记。")
    visit = SiteVisit.objects.create(
        campaign_unit=cu,
        kind=kind,
        method=method,
        visited_on=visited_on,
        inspectors=inspectors.strip()[:200],
        findings=findings.strip(),
        recorded_by_name=_name(actor),
    )
    for upload in files:
        attachment_add(cu=cu, upload=upload, actor=actor, visit=visit)
    audit.record(
        actor=actor,
        action="核查.实地核查记录",
        target=cu,
        region=cu.campaign.region,
        after={"kind": kind, "method": method, "on": visited_on},
    )
    return visit


@transaction.atomic
def onsite_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """实地核实 → 随机抽查: the on-site list is set, and a selected unit's visit is recorded."""
    cu = _lock(cu)
    authorize(actor, "run_campaign", region=cu.campaign.region)
    _in_stage(cu, Stage.ONSITE)
    if not cu.campaign.onsite_planned_at:
        _fail("尚未确定实地核实名单。")
    if cu.onsite_selected and not cu.visits.filter(kind=VisitKind.ONSITE).exists():
        _fail("该单位列入实地核实名单，尚未登记核实情况。")
    return _move(cu, Stage.SAMPLING, actor=actor)


@transaction.atomic
def sampling_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """随机抽查 → 数据更新: the draw was made, and a drawn unit's check is recorded."""
    cu = _lock(cu)
    authorize(actor, "run_campaign", region=cu.campaign.region)
    _in_stage(cu, Stage.SAMPLING)
    if not SampleDraw.objects.filter(campaign=cu.campaign).exists():
        _fail("尚未进行随机抽取。")
    if cu.sample_selected and not cu.visits.filter(kind=VisitKind.SAMPLING).exists():
        _fail("该单位被随机抽中，尚未登记抽查情况。")
    return _move(cu, Stage.UPDATE, actor=actor)
