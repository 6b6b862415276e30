"""The joint check calendar's writes (联合检查, issue 15 point 4): set a check's planned date, start it
as a 联合检查 campaign with one click (through ``setup.campaign_create``, the one way a campaign is set
up), and keep its results once the campaign is closed. Office writers of the region (``run_campaign``);
supervisors and liaisons are refused; every write is audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import authorize
from verification.campaign.models import CampaignKind, CampaignStatus, JointCheckSchedule, JointRound
from verification.campaign.selectors import county_figures, default_windows
from verification.campaign.selectors.joint import default_date
from verification.campaign.services.common import _fail, _today, _user
from verification.campaign.services.setup import campaign_create


def _locked(region, year: int, round_: int, actor) -> JointCheckSchedule:
    """The stored row of the check, locked (created with the default date when there is none yet)."""
    if round_ not in JointRound.values:
        _fail("联合检查只在6月和11月进行。", "round")
    entry, _ = JointCheckSchedule.objects.get_or_create(
        region=region,
        year=year,
        round=round_,
        defaults={"planned_on": default_date(year, round_), "updated_by": _user(actor)},
    )
    # the campaign is nullable: no join under FOR UPDATE (PostgreSQL refuses it); read after the lock
    return JointCheckSchedule.objects.select_for_update().get(pk=entry.pk)


def joint_name(entry: JointCheckSchedule) -> str:
    return f"{entry.year}年{entry.round}月联合检查"


@transaction.atomic
def joint_plan(*, region, year: int, round_: int, planned_on: dt.date | None, actor) -> JointCheckSchedule:
    """Set the planned date of one of the year's joint checks (within that year; not once started)."""
    authorize(actor, "run_campaign", region=region)
    if planned_on is None:
        _fail("请填写计划日期。", "planned_on")
    if planned_on.year != year:
        _fail(f"计划日期须在{year}年内。", "planned_on")
    entry = _locked(region, year, round_, actor)
    if entry.campaign_id:
        _fail("该次联合检查已发起，不能再修改计划日期。", "planned_on")
    before = entry.planned_on
    entry.planned_on = planned_on
    entry.updated_by = _user(actor)
    entry.save(update_fields=["planned_on", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="联合检查.计划日期",
        target=entry,
        region=region,
        before={"planned_on": before},
        after={"planned_on": planned_on},
    )
    return entry


@transaction.atomic
def joint_start(*, region, year: int, round_: int, actor) -> JointCheckSchedule:
    """发起联合检查: a 联合检查 campaign over the region's live 法人 units (数据比对 → 数据更新, the
    county plan's windows from the planned date; data as of the day before it, or today if that is
    later than today), linked to the schedule entry. Refused when already started."""
    authorize(actor, "run_campaign", region=region)
    entry = _locked(region, year, round_, actor)
    if entry.campaign_id:
        _fail(f"{joint_name(entry)}已发起（{entry.campaign.name}），不能重复发起。")
    today = _today()
    day_before = entry.planned_on - dt.timedelta(days=1)
    campaign = campaign_create(
        region=region,
        name=joint_name(entry),
        kind=CampaignKind.JOINT,
        cutoff=min(day_before, today),
        windows=default_windows(CampaignKind.JOINT, day_before, today),
        actor=actor,
    )
    entry.campaign = campaign
    entry.updated_by = _user(actor)
    entry.save(update_fields=["campaign", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="联合检查.发起",
        target=entry,
        region=region,
        after={"campaign": campaign.pk, "name": campaign.name, "cutoff": campaign.cutoff},
    )
    return entry


def results_of(campaign) -> dict:
    """The figures kept for a closed joint check: the campaign's county figures, summed."""
    f = county_figures(campaign)
    return {
        "campaign": campaign.name,
        "cutoff": campaign.cutoff.isoformat(),
        "units": f["units"],
        "approved": f["total"].approved,
        "actual": f["total"].actual,
        "vacancy": f["total"].vacancy,
        "over_types": [line.name for line in f["types"] if line.over],
        "findings": f["finding_total"],
        "corrections": sum(n for _, n in f["corrections"]),
        "done": f["done"],
    }


@transaction.atomic
def joint_results_keep(*, region, year: int, round_: int, actor) -> JointCheckSchedule:
    """Keep the results of a joint check whose campaign is closed (once: they do not change after)."""
    authorize(actor, "run_campaign", region=region)
    entry = _locked(region, year, round_, actor)
    if not entry.campaign_id:
        _fail("该次联合检查尚未发起。")
    if entry.campaign.status != CampaignStatus.CLOSED:
        _fail("联合检查结束后才能记录结果。")
    if entry.results_kept_at:
        _fail("该次联合检查的结果已记录。")
    entry.results = results_of(entry.campaign)
    entry.results_kept_at = timezone.now()
    entry.updated_by = _user(actor)
    entry.save(update_fields=["results", "results_kept_at", "updated_by", "updated_at"])
    audit.record(actor=actor, action="联合检查.记录结果", target=entry, region=region, after=entry.results)
    return entry
