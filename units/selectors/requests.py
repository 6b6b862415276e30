"""Reads of the 核编在先 pages: 用编申请, 编制使用单, 特批, 机构限额 and late records (scoped by the user)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bianzhi.roles import can
from units.choices import EXPIRED, Nature, RequestStatus, SlipStatus, UnitStatus
from units.models import EstablishmentRequest, Movement, OrganLimit, Override, Person, Unit, UseSlip
from units.selectors.registry import liaison_unit_ids, live_legal_units, people_for, type_line, units_for

COUNTY_ORGAN_SYSTEMS = ("党委", "政府")
LATE_WINDOW_DAYS = 90


def can_request(user, unit: Unit) -> bool:
    """Office staff of the unit's region, or a liaison of the unit (what ``request_create`` allows)."""
    if user is None:
        return True
    return can(user, "edit_registry", region=unit.region_id) or unit.legal_unit.pk in liaison_unit_ids(user)


def requests_for(user) -> QuerySet[EstablishmentRequest]:
    """用编申请 of the units the user may see (office: their regions; liaison: their units)."""
    return EstablishmentRequest.objects.filter(unit__in=units_for(user))


def request_for(user, pk: int) -> EstablishmentRequest:
    related = ("unit", "unit__region", "replacement_for", "requested_by__profile", "decided_by__profile")
    try:
        return requests_for(user).select_related(*related).get(pk=pk)
    except EstablishmentRequest.DoesNotExist:
        raise Http404("没有找到该用编申请。") from None


def slips_for(user) -> QuerySet[UseSlip]:
    return UseSlip.objects.filter(unit__in=units_for(user))


def slip_for(user, pk: int) -> UseSlip:
    try:
        return slips_for(user).select_related("unit", "region", "request", "person").get(pk=pk)
    except UseSlip.DoesNotExist:
        raise Http404("没有找到该编制使用单。") from None


def requestable_units(user) -> QuerySet[Unit]:
    """Office staff: every live 法人 unit of their regions; a liaison: their own units; others: none."""
    if can(user, "edit_registry"):
        return live_legal_units(user)
    return live_legal_units(user).filter(pk__in=liaison_unit_ids(user))


def unit_in(units: QuerySet[Unit], pk) -> Unit | None:
    """The unit ``pk`` (a string from the query) among ``units``, or None."""
    return units.filter(pk=pk).first() if pk and str(pk).isdigit() else None


def request_repeated(user, token: str) -> bool:
    """The user already filed a request under this form token (two tabs, a double click)."""
    return bool(token) and EstablishmentRequest.objects.filter(requested_by=user, client_token=token).exists()


def figures(unit: Unit, establishment_type: str) -> dict[str, int]:
    """Approved, occupied, reserved by unexpired slips and vacant (DOMAIN.md §3.1) for one unit and type."""
    line = type_line(unit, establishment_type)
    return {
        "approved": line.approved,
        "occupied": line.occupied,
        "reserved": line.reserved,
        "vacancy": line.available,
    }


def requests_filtered(user, data: dict[str, Any]) -> QuerySet[EstablishmentRequest]:
    qs = requests_for(user)
    for field in ("status", "unit", "establishment_type"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(unit__name__icontains=q) | Q(reason__icontains=q))
    return qs.select_related("unit", "replacement_for", "requested_by__profile").order_by(
        "-requested_at", "-id"
    )


def leavers(units: QuerySet[Unit], unit_id: str | None) -> QuerySet[Person]:
    """People who left establishment in the chosen unit (or any of the units), not yet named by a request."""
    taken = EstablishmentRequest.objects.filter(
        replacement_for__isnull=False, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]
    ).values("replacement_for")
    qs = Person.objects.filter(unit__in=units, in_establishment=False).exclude(pk__in=taken)
    return qs.filter(unit_id=unit_id) if unit_id and str(unit_id).isdigit() else qs


def request_history(req: EstablishmentRequest) -> dict[str, Any]:
    """What the review page shows beside a request: its events and slips, the unit's recent changes."""
    unit, today = req.unit, timezone.localdate()
    return {
        "figures": figures(unit, req.establishment_type),
        "events": req.events.select_related("actor__profile").order_by("at", "id"),
        "slips": [(s, s.state_on(today)) for s in req.slips.select_related("person").order_by("number")],
        "unit_events": unit.events.select_related("document").order_by("-occurred_on", "-id")[:10],
        "movements": Movement.objects.filter(Q(to_unit=unit) | Q(from_unit=unit))
        .select_related("person", "from_unit", "to_unit")
        .order_by("-occurred_on", "-id")[:10],
        "history": unit.requests.exclude(pk=req.pk).order_by("-requested_at", "-id")[:10],
    }


def slips_filtered(user, data: dict[str, Any], today: dt.date) -> QuerySet[UseSlip]:
    qs = slips_for(user)
    status = data.get("status")
    if status == EXPIRED:
        qs = qs.filter(status=SlipStatus.VALID, valid_until__lt=today)
    elif status == SlipStatus.VALID:
        qs = qs.filter(status=SlipStatus.VALID, valid_until__gte=today)
    elif status:
        qs = qs.filter(status=status)
    if data.get("unit"):
        qs = qs.filter(unit=data["unit"])
    if q := (data.get("q") or "").strip():
        qs = qs.filter(number__icontains=q)
    return qs.select_related("unit", "person").order_by("-issued_on", "-id")


def slip_of_unit(unit: Unit, slip_id: str | None) -> UseSlip | None:
    """The unit's slip ``slip_id`` (a string from the query), or None."""
    return UseSlip.objects.filter(unit=unit, pk=slip_id).first() if (slip_id or "").isdigit() else None


def open_overrides(units) -> list[Override]:
    return list(Override.objects.filter(unit__in=units).select_related("unit", "document", "person")[:50])


# ---- 机构限额 -------------------------------------------------------------------------------------


def organ_limit(region, township: str = "") -> OrganLimit | None:
    return OrganLimit.objects.filter(region=region, township=township).order_by("-set_on", "-id").first()


def organ_count(region, township: str = "") -> int:
    """County level: live 党委/政府 organs (行政机关) not in a township. Township: live internal offices of
    the township's organs."""
    live = Unit.objects.filter(region=region, status=UnitStatus.ACTIVE)
    if not township:
        return live.filter(nature=Nature.ORGAN, system__in=COUNTY_ORGAN_SYSTEMS, township="").count()
    return live.filter(
        nature=Nature.DIVISION, parent__system="乡镇", parent__township=township, parent__nature=Nature.ORGAN
    ).count()


def townships(region) -> list[str]:
    organs = Unit.objects.filter(region=region, system="乡镇", nature=Nature.ORGAN, status=UnitStatus.ACTIVE)
    names = set(organs.exclude(township="").values_list("township", flat=True))
    names |= set(
        OrganLimit.objects.filter(region=region).exclude(township="").values_list("township", flat=True)
    )
    return sorted(names)


def limit_rows(regions) -> list[dict[str, Any]]:
    rows = []
    for region in regions:
        for township in ["", *townships(region)]:
            limit = organ_limit(region, township)
            count = organ_count(region, township)
            spare = limit.limit - count if limit else None
            rows.append(
                {"region": region, "township": township, "limit": limit, "count": count, "spare": spare}
            )
    return rows


def limit_history(regions) -> QuerySet[OrganLimit]:
    return (
        OrganLimit.objects.filter(region__in=regions)
        .select_related("region", "document", "actor__profile")
        .order_by("-set_on", "-id")[:100]
    )


# ---- 逾期登记 -------------------------------------------------------------------------------------


def late_movements(user, *, days: int = LATE_WINDOW_DAYS) -> QuerySet[Movement]:
    """Real-name changes of the user's people recorded late (beyond the allowed working days), last ``days``."""
    since = timezone.now() - dt.timedelta(days=days)
    return (
        Movement.objects.filter(person__in=people_for(user), is_late=True, recorded_at__gte=since)
        .select_related("person", "person__unit", "actor__profile")
        .order_by("-recorded_at", "-id")
    )
