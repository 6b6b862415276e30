"""Setting a campaign up: create it (scope, windows, working group, snapshots), change its working group
and stage windows, refresh a unit's snapshot after an adopted correction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from bianzhi import audit
from bianzhi.roles import authorize
from units.models import Unit
from verification.campaign.models import (
    STAGES,
    Campaign,
    CampaignKind,
    CampaignUnit,
    CampaignWindow,
    SelfCheckItem,
    StageTransition,
    WorkingGroupMember,
)
from verification.campaign.selectors import (
    MIN_ONSITE,
    MIN_SAMPLE,
    build_snapshots,
    default_windows,
    units_in_scope,
)
from verification.campaign.services.common import _fail, _name, _user


def snapshot_refresh(cu: CampaignUnit) -> CampaignUnit:
    """Take the unit's snapshot again as of the campaign's cut-off (after an adopted correction), so the
    snapshot stays the figure the campaign's pages, notice and reports print."""
    campaign = cu.campaign
    cu.snapshot = build_snapshots(campaign.region, campaign.cutoff, [cu.unit])[cu.unit_id]
    cu.save(update_fields=["snapshot"])
    return cu


def _check_ratios(onsite_ratio: Decimal, sample_ratio: Decimal) -> None:
    if Decimal(onsite_ratio) < MIN_ONSITE or Decimal(onsite_ratio) > 1:
        _fail("实地核实比例不得低于30%。", "onsite_ratio")
    if Decimal(sample_ratio) < MIN_SAMPLE or Decimal(sample_ratio) > 1:
        _fail("随机抽查比例不得低于5%。", "sample_ratio")


def _check_windows(kind: str, windows: dict) -> None:
    for stage in STAGES[kind]:
        start, end = windows.get(stage, (None, None))
        if not start or not end:
            _fail(f"请填写“{stage}”环节的起止日期。")
        if end < start:
            _fail(f"“{stage}”环节的结束日期早于开始日期。")
    _check_order(kind, windows)


def _check_order(kind: str, windows: dict) -> None:
    """The stages follow the county plan's order. The plan moves them on 压茬推进 (one starts as the one
    before ends, 随机抽查 and 数据更新 side by side), so stages may overlap; what it forbids is a later
    stage starting before an earlier one starts, or ending before an earlier one ends (a unit cannot
    finish 数据比对 before 单位自查 is over)."""
    stages = STAGES[kind]
    for before, after in zip(stages, stages[1:], strict=False):
        (b_start, b_end), (a_start, a_end) = windows[before], windows[after]
        if a_start < b_start:
            _fail(
                f"“{after}”环节不能早于“{before}”环节开始（{b_start:%Y年%m月%d日}），请按实施方案的顺序安排。"
            )
        if a_end < b_end:
            _fail(
                f"“{after}”环节不能早于“{before}”环节结束（{b_end:%Y年%m月%d日}），请按实施方案的顺序安排。"
            )


@transaction.atomic
def campaign_create(
    *,
    region,
    name: str,
    cutoff: dt.date,
    actor,
    windows: dict[str, tuple[dt.date, dt.date]] | None = None,
    kind: str = CampaignKind.ANNUAL,
    natures: Iterable[str] = (),
    systems: Iterable[str] = (),
    townships: Iterable[str] = (),
    onsite_ratio: Decimal = MIN_ONSITE,
    sample_ratio: Decimal = MIN_SAMPLE,
    members: Iterable[dict] = (),
) -> Campaign:
    """Set up a campaign: windows for each stage of its kind, the working group, and every unit in scope
    snapshotted as of the cut-off (entering the kind's first stage). Without ``windows`` the stages get
    the county plan's windows relative to the cut-off (``default_windows``). Office writers only; audited."""
    authorize(actor, "run_campaign", region=region)
    name = (name or "").strip()
    if not name:
        _fail("请填写核查工作名称。", "name")
    if Campaign.objects.filter(region=region, name=name).exists():
        _fail("已有同名的核查工作。", "name")
    if kind not in CampaignKind.values:
        _fail("核查类型无效。", "kind")
    _check_ratios(onsite_ratio, sample_ratio)
    if cutoff is None:
        _fail("请填写数据采集时间节点。", "cutoff")
    if windows is None:
        windows = default_windows(kind, cutoff)
    _check_windows(kind, windows)
    natures, systems, townships = list(natures), list(systems), list(townships)
    units = units_in_scope(region, cutoff, natures, systems, townships)
    if not units:
        _fail("核查范围内没有单位，请调整范围。")
    campaign = Campaign.objects.create(
        region=region,
        name=name,
        kind=kind,
        cutoff=cutoff,
        scope_natures=natures,
        scope_systems=systems,
        scope_townships=townships,
        onsite_ratio=onsite_ratio,
        sample_ratio=sample_ratio,
        created_by=_user(actor),
    )
    CampaignWindow.objects.bulk_create(
        CampaignWindow(campaign=campaign, stage=s, starts_on=windows[s][0], ends_on=windows[s][1])
        for s in STAGES[kind]
    )
    _set_members(campaign, members)
    _enrol(campaign, units, actor)
    audit.record(
        actor=actor,
        action="核查.创建",
        target=campaign,
        region=region,
        after={"name": name, "kind": kind, "cutoff": cutoff, "units": len(units)},
    )
    return campaign


def _set_members(campaign: Campaign, members: Iterable[dict]) -> None:
    rows = []
    for i, m in enumerate(members):
        if not (m.get("name") or "").strip():
            continue
        if m.get("role") not in WorkingGroupMember.Role.values:
            _fail("工作专班成员的职务应为组长、副组长或成员。")
        rows.append(
            WorkingGroupMember(
                campaign=campaign,
                role=m["role"],
                name=m["name"].strip(),
                department=(m.get("department") or "").strip(),
                post=(m.get("post") or "").strip(),
                duty=(m.get("duty") or "").strip(),
                sort=i,
            )
        )
    if rows and not any(r.role == WorkingGroupMember.Role.LEADER for r in rows):
        _fail("工作专班须有组长。")
    WorkingGroupMember.objects.bulk_create(rows)


def _enrol(campaign: Campaign, units: list[Unit], actor) -> None:
    snapshots = build_snapshots(campaign.region, campaign.cutoff, units)
    first = STAGES[campaign.kind][0]
    cus = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, unit=u, stage=first, snapshot=snapshots[u.pk]) for u in units
    )
    cus = list(CampaignUnit.objects.filter(campaign=campaign))
    StageTransition.objects.bulk_create(
        StageTransition(
            campaign_unit=cu, to_stage=first, actor=_user(actor), actor_name=_name(actor), reason="纳入核查"
        )
        for cu in cus
    )
    if campaign.kind == CampaignKind.ANNUAL:
        SelfCheckItem.objects.bulk_create(
            SelfCheckItem(campaign_unit=cu, item=item) for cu in cus for item in SelfCheckItem.Item.values
        )


@transaction.atomic
def working_group_set(*, campaign: Campaign, members: Iterable[dict], actor) -> None:
    """Replace the campaign's working group (工作专班). Office writers; audited."""
    authorize(actor, "run_campaign", region=campaign.region)
    before = list(campaign.members.values_list("role", "name", "department"))
    campaign.members.all().delete()
    _set_members(campaign, members)
    after = list(campaign.members.values_list("role", "name", "department"))
    audit.record(
        actor=actor,
        action="核查.工作专班",
        target=campaign,
        before={"members": before},
        after={"members": after},
    )


@transaction.atomic
def window_set(
    *, campaign: Campaign, stage: str, starts_on: dt.date, ends_on: dt.date, actor, reason: str
) -> CampaignWindow:
    """Change (e.g. extend) one stage's window; the stages stay in the plan's order (``_check_order``).
    Office writers, with a reason; audited."""
    return windows_set(campaign=campaign, windows={stage: (starts_on, ends_on)}, actor=actor, reason=reason)[
        0
    ]


@transaction.atomic
def windows_set(
    *, campaign: Campaign, windows: dict[str, tuple[dt.date, dt.date]], actor, reason: str
) -> list[CampaignWindow]:
    """Change several stages' windows at once (a plan moved as a whole), checked together against the
    plan's order. Office writers, with a reason; one audit row."""
    authorize(actor, "run_campaign", region=campaign.region)
    if not (reason or "").strip():
        _fail("调整环节时间须填写原因。", "reason")
    for stage, (starts_on, ends_on) in windows.items():
        if stage not in campaign.stages:
            _fail("该核查工作没有这个环节。", "stage")
        if starts_on is None or ends_on is None:
            _fail("请填写开始日期和结束日期。", "starts_on")
        if ends_on < starts_on:
            _fail(f"“{stage}”的结束日期早于开始日期。", "ends_on")
    current = {w.stage: (w.starts_on, w.ends_on) for w in CampaignWindow.objects.filter(campaign=campaign)}
    _check_order(campaign.kind, current | windows)
    rows = list(CampaignWindow.objects.select_for_update().filter(campaign=campaign, stage__in=list(windows)))
    before, after = {}, {}
    for w in rows:
        before[w.stage] = {"starts_on": w.starts_on, "ends_on": w.ends_on}
        w.starts_on, w.ends_on = windows[w.stage]
        w.save()
        after[w.stage] = {"starts_on": w.starts_on, "ends_on": w.ends_on}
    audit.record(
        actor=actor,
        action="核查.调整环节时间",
        target=campaign,
        before=before,
        after=after,
        reason=reason,
    )
    return sorted(rows, key=lambda w: list(windows).index(w.stage))
