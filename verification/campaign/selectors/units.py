"""The campaign's units as the units page lists them: filtered (stage, nature, system, township, liaison
有/无), each with whether it has a liaison and where its notice stands — one query for the units and one
for the liaison grants, whatever their number."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from verification.campaign.models import Campaign, CampaignUnit
from verification.campaign.proxy import units_with_liaison

COUNTY_SEAT = "县直"


@dataclass(frozen=True)
class UnitRow:
    cu: CampaignUnit
    has_liaison: bool
    notice: str  # 未公示 / 公示中 / 已撤除 / 不公示


def _notice_state(cu: CampaignUnit) -> str:
    if cu.snapshot.get("unit", {}).get("confidential"):
        return "不公示（涉密）"
    notice = getattr(cu, "notice", None)
    if notice is None:
        return "未公示"
    if notice.removed_on:
        return f"已撤除 {notice.removed_on:%Y-%m-%d}"
    if notice.ends_on <= timezone.localdate():
        return f"期满待撤除（应于 {notice.remove_by:%Y-%m-%d} 前）"
    return f"公示中（至 {notice.ends_on:%Y-%m-%d}）"


def unit_rows(campaign: Campaign, filters: dict) -> list[UnitRow]:
    """The campaign's units matching ``filters`` (stage, nature, system, township — 县直 for the county
    seat's units — and liaison 有/无), in the campaign's order. Two queries whatever the count."""
    qs = campaign.units.select_related("unit", "notice").order_by("id")
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("nature"):
        qs = qs.filter(unit__nature=filters["nature"])
    if filters.get("system"):
        qs = qs.filter(unit__system=filters["system"])
    township = filters.get("township")
    if township:
        qs = qs.filter(unit__township="" if township == COUNTY_SEAT else township)
    cus = list(qs)
    with_liaison = units_with_liaison([cu.unit_id for cu in cus])
    rows = [UnitRow(cu, cu.unit_id in with_liaison, _notice_state(cu)) for cu in cus]
    if filters.get("liaison") in ("有", "无"):
        want = filters["liaison"] == "有"
        rows = [r for r in rows if r.has_liaison == want]
    return rows


def townships(campaign: Campaign) -> list[str]:
    """The townships of the campaign's units (县直 first), for the filter."""
    names = set(campaign.units.values_list("unit__township", flat=True).distinct())
    return ([COUNTY_SEAT] if "" in names else []) + sorted(n for n in names if n)
