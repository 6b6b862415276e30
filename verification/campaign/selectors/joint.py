"""The joint check calendar (联合检查, issue 15 point 4): each region's two checks of a year with
组织/财政/人社 (June and November), their planned dates, the campaign started for each, and its kept
results. Office roles of the region only (another region or a liaison: 404). Also the inbox's read of
campaign stages overdue (``overdue_stages``), counted per stage in a fixed number of queries.

A check not yet planned or started has no row: the calendar shows it with its default date (the 1st of
its month), unsaved, so reading the calendar writes nothing."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import Http404

from bianzhi.models import Region, RegionLevel
from bianzhi.roles import can
from units.selectors import regions_for
from verification.campaign.models import CampaignStatus, CampaignWindow, JointCheckSchedule, JointRound
from verification.campaign.selectors.access import campaign_units_for, campaigns_for

ALERT_AHEAD_MONTHS = 1


def default_date(year: int, round_: int) -> dt.date:
    """The default planned date of a joint check: the 1st of its month (June or November)."""
    return dt.date(year, int(round_), 1)


def alert_from(planned_on: dt.date) -> dt.date:
    """The day a joint check enters the inbox: one month before its planned date (the same day of the
    month before, or that month's last day)."""
    month = planned_on.month - ALERT_AHEAD_MONTHS
    year = planned_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in range(planned_on.day, 0, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError(planned_on)


def joint_regions(user):
    """The regions whose joint checks the user sees (office roles: their regions; for a city's or
    province's office, the counties below it — a joint check is a county's, never a city's)."""
    return regions_for(user).filter(level=RegionLevel.COUNTY).order_by("code")


def joint_region_for(user, pk) -> Region:
    try:
        return joint_regions(user).get(pk=pk)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该区划。") from None


def _entries(regions, years) -> dict[tuple[int, int, int], JointCheckSchedule]:
    rows = JointCheckSchedule.objects.filter(region__in=regions, year__in=list(years)).select_related(
        "campaign", "region"
    )
    return {(r.region_id, r.year, r.round): r for r in rows}


def _fill(region: Region, year: int, round_: int, stored: dict) -> JointCheckSchedule:
    entry = stored.get((region.pk, year, round_))
    if entry is None:
        entry = JointCheckSchedule(
            region=region, year=year, round=round_, planned_on=default_date(year, round_)
        )
    return entry


def joint_calendar(region: Region, year: int) -> list[JointCheckSchedule]:
    """The year's two joint checks of the region: the stored rows, or the defaults (unsaved)."""
    stored = _entries([region], [year])
    return [_fill(region, year, r, stored) for r in JointRound.values]


def joint_entry_for(user, region_pk, year: int, round_: int) -> JointCheckSchedule:
    """One joint check of a region the user sees (stored or default); 404 outside the user's regions or
    for a month that is not a joint check's."""
    region = joint_region_for(user, region_pk)
    if round_ not in JointRound.values or not 2000 <= year <= 2100:
        raise Http404("没有这次联合检查。")
    return _fill(region, year, round_, _entries([region], [year]))


def joint_due(user, *, today: dt.date) -> list[JointCheckSchedule]:
    """The joint checks of the user's regions in the inbox: not started yet, within a month of their
    planned date or past it (this year's and next year's), in date order. Two queries."""
    regions = list(joint_regions(user))
    years = (today.year, today.year + 1)
    stored = _entries(regions, years)
    due = []
    for region in regions:
        for year in years:
            for round_ in JointRound.values:
                entry = _fill(region, year, round_, stored)
                if entry.campaign_id is None and alert_from(entry.planned_on) <= today:
                    due.append(entry)
    return sorted(due, key=lambda e: (e.planned_on, e.region.code))


def results_pending(entry: JointCheckSchedule) -> bool:
    """The entry's campaign is closed and its results are not kept yet."""
    return bool(
        entry.campaign_id and entry.campaign.status == CampaignStatus.CLOSED and not entry.results_kept_at
    )


def joint_unkept(user) -> list[JointCheckSchedule]:
    """The joint checks of the user's regions whose campaign is closed and whose results are not kept."""
    return list(
        JointCheckSchedule.objects.filter(
            region__in=joint_regions(user),
            campaign__status=CampaignStatus.CLOSED,
            results_kept_at__isnull=True,
        )
        .select_related("region", "campaign")
        .order_by("year", "round", "region__code")
    )


def overdue_stages(user, *, today: dt.date) -> list[dict]:
    """Stages of the user's active campaigns whose window has ended with units still in them: for an
    office role one row per (campaign, stage) with the count; for a liaison one row per own unit. Three
    queries at most, however many units."""
    office = can(user, "view_registry")
    campaigns = campaigns_for(user) if office else None
    cus = campaign_units_for(user).filter(campaign__status=CampaignStatus.ACTIVE)
    windows = CampaignWindow.objects.filter(ends_on__lt=today, campaign__status=CampaignStatus.ACTIVE)
    if office:
        windows = windows.filter(campaign__in=campaigns)
    else:
        windows = windows.filter(campaign__in=cus.values("campaign"))
    ended = {(w.campaign_id, w.stage): w for w in windows.select_related("campaign__region")}
    if not ended:
        return []
    late = Q()
    for campaign_id, stage in ended:
        late |= Q(campaign_id=campaign_id, stage=stage)
    rows = []
    if office:
        counts = cus.filter(late).values_list("campaign_id", "stage").annotate(n=Count("id")).order_by()
        for campaign_id, stage, n in counts:
            w = ended[(campaign_id, stage)]
            rows.append(
                {"campaign": w.campaign, "stage": stage, "ends_on": w.ends_on, "count": n, "cu": None}
            )
    else:
        for cu in cus.filter(late).select_related("campaign__region").order_by("id"):
            w = ended[(cu.campaign_id, cu.stage)]
            rows.append(
                {"campaign": cu.campaign, "stage": cu.stage, "ends_on": w.ends_on, "count": 1, "cu": cu}
            )
    return sorted(rows, key=lambda r: (r["ends_on"], r["campaign"].pk, r["stage"]))
