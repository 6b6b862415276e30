"""What the registry pages read: the dashboard, the unit and people lists, a unit's and a person's page,
and the querysets the forms choose from. Everything is scoped through ``units.selectors.registry``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from archives.choices import DocumentStatus
from archives.models import Document
from bianzhi.lib.idnumbers import InvalidNumber, normalize_id
from bianzhi.lib.scopecache import counted_at, scoped, upper_scope
from bianzhi.lib.search import name_contains
from bianzhi.roles import acting_region_ids, can, region_ids
from bianzhi.workdays import missing_years
from units.choices import ESTABLISHMENT_ORDER, EstablishmentType, Nature, RequestStatus, UnitStatus
from units.models import EstablishmentRequest, Person, Unit, UnitAlias, UseSlip
from units.selectors.registry import (
    live_legal_units,
    over_posts_unit_ids,
    over_quota_unit_ids,
    people_for,
    units_for,
)
from units.selectors.requests import LATE_WINDOW_DAYS, late_movements, open_overrides

# ---- documents a change may cite ------------------------------------------------------------------


def documents(region_id: int) -> QuerySet[Document]:
    """Documents a new change may cite: the region's, not withdrawn."""
    return Document.objects.filter(region_id=region_id, status=DocumentStatus.VALID)


def documents_of(regions) -> QuerySet[Document]:
    """Every Document of the regions (a new unit's or a limit's basis)."""
    return Document.objects.filter(region__in=regions)


# ---- dashboard ------------------------------------------------------------------------------------


PUBLIC_TYPES = (EstablishmentType.PUBLIC, EstablishmentType.CIVIL_PI)


def _target(rows: list[dict[str, Any]], types: tuple[str, ...], label: str, target: float) -> dict[str, Any]:
    approved = sum(r["approved"] for r in rows if r["type"] in types)
    vacancy = sum(r["vacancy"] for r in rows if r["type"] in types)
    rate = vacancy / approved if approved else None
    return {
        "label": label,
        "approved": approved,
        "vacancy": vacancy,
        "rate": rate,
        "target": target,
        "needed": int(-(-approved * target // 1)),
        "met": rate is not None and rate >= target,
    }


def vacancy_targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 空编率 targets (DOMAIN.md §3.7) of ``type_rows`` rows: 行政编制 and 事业编制 (参公 included),
    each with its rate, the target and whether it is met — the home page's cards and the 预警 inbox."""
    return [
        _target(rows, (EstablishmentType.ADMIN,), "行政编制", settings.VACANCY_TARGET_ADMIN),
        _target(rows, PUBLIC_TYPES, "事业编制（含参公事业编制）", settings.VACANCY_TARGET_PUBLIC),
    ]


def workflow_panels(user, units: QuerySet[Unit]) -> dict[str, Any]:
    """核编在先 and timeliness panels: pending requests, overrides, late records; office: calendar, ledgers."""
    late = late_movements(user, days=LATE_WINDOW_DAYS)
    office = can(user, "view_registry")
    return {
        "pending_requests": EstablishmentRequest.objects.filter(
            unit__in=units, status=RequestStatus.PENDING
        ).count(),
        "overrides": open_overrides(units)[:10],
        "late_count": late.count(),
        "late_recent": late[:5],
        "late_days": LATE_WINDOW_DAYS,
        "late_limit": settings.TIMELY_WORKING_DAYS,
        "missing_years": missing_years(timezone.localdate()) if office else [],
        "show_ledger_check": office,
    }


def region_type_totals(units: QuerySet[Unit]) -> dict[tuple[int, str], list[int]]:
    """(region id, 编制类型) → [approved, occupied] over the units: two grouped queries, each starting
    from the units (their region's index) and joining their quotas or people. Filtering the people by
    ``unit__in`` instead made PostgreSQL join every unit of the table for the region: a county's figures
    scanned a province's 50,000 units (9 ms against 1 ms)."""
    out: dict[tuple[int, str], list[int]] = {}
    units = units.order_by()
    for region_id, etype, n in (
        units.filter(quotas__isnull=False)
        .values_list("region_id", "quotas__establishment_type")
        .annotate(n=Sum("quotas__approved"))
        .values_list("region_id", "quotas__establishment_type", "n")
    ):
        out.setdefault((region_id, etype), [0, 0])[0] += n or 0
    for region_id, etype, n in (
        units.filter(people__in_establishment=True)
        .values_list("region_id", "people__establishment_type")
        .annotate(n=Count("*"))
        .values_list("region_id", "people__establishment_type", "n")
    ):
        out.setdefault((region_id, etype), [0, 0])[1] += n
    return out


def type_rows(grouped: dict[tuple[int, str], list[int]], region_ids_: set[int] | None = None) -> list[dict]:
    """Approved, occupied and vacant per 编制类型, from the grouped figures (of the given regions, or all)."""
    approved: dict[str, int] = {}
    occupied: dict[str, int] = {}
    for (region_id, etype), (a, o) in grouped.items():
        if region_ids_ is None or region_id in region_ids_:
            approved[etype] = approved.get(etype, 0) + a
            occupied[etype] = occupied.get(etype, 0) + o
    return [
        {
            "type": t,
            "approved": approved.get(t, 0),
            "occupied": occupied.get(t, 0),
            "vacancy": approved.get(t, 0) - occupied.get(t, 0),
        }
        for t in ESTABLISHMENT_ORDER
        if approved.get(t) or occupied.get(t)
    ]


def _rollup_line(label: str, region, units: int, rows: list[dict], *, total: bool = False) -> dict[str, Any]:
    targets = {t["label"]: t["rate"] for t in vacancy_targets(rows)}
    approved = sum(r["approved"] for r in rows)
    occupied = sum(r["occupied"] for r in rows)
    return {
        "label": label,
        "region": region,
        "units": units,
        "approved": approved,
        "occupied": occupied,
        "vacancy": approved - occupied,
        "admin_rate": targets["行政编制"],
        "public_rate": targets["事业编制（含参公事业编制）"],
        "total": total,
    }


def region_nature_counts(units: QuerySet[Unit]) -> dict[tuple[int, str], int]:
    """(region id, 机构性质) → number of the units: the home page's card by nature, its total and the
    roll-up's units per region, from one grouped query."""
    rows = units.order_by().values_list("region_id", "nature").annotate(n=Count("id"))
    return {(region_id, nature): n for region_id, nature, n in rows.values_list("region_id", "nature", "n")}


def region_rollup(
    user, counted: dict[tuple[int, str], int], grouped: dict[tuple[int, str], list[int]]
) -> list[dict[str, Any]]:
    """The roll-up of an upper office (issue 17): one line per county (and per region holding units of its
    own, e.g. 市直), a subtotal per city for a province's office, and the total — from the figures already
    grouped by region (no query per region). Empty for a county's office (nothing below it)."""
    from bianzhi.models import Region, RegionLevel

    ids, own = region_ids(user), acting_region_ids(user)
    if ids is None or ids == own:
        return []
    regions = {r.pk: r for r in Region.objects.filter(pk__in=ids).order_by("code")}
    counts: dict[int, int] = {}
    for (region_id, _nature), n in counted.items():
        counts[region_id] = counts.get(region_id, 0) + n

    def line(region, label=None):
        return _rollup_line(
            label or region.name, region, counts.get(region.pk, 0), type_rows(grouped, {region.pk})
        )

    out: list[dict[str, Any]] = []
    uppers = [r for r in regions.values() if r.level != RegionLevel.COUNTY]
    for upper in uppers:
        below = [r for r in regions.values() if r.parent_id == upper.pk and r.level == RegionLevel.COUNTY]
        if not below and not counts.get(upper.pk):
            continue
        if counts.get(upper.pk):
            out.append(line(upper, f"{upper.name}（本级）"))
        out.extend(line(r) for r in below)
        if len(uppers) > 1:
            members = {upper.pk, *(r.pk for r in below)}
            out.append(
                _rollup_line(
                    f"{upper.name}小计",
                    upper,
                    sum(counts.get(pk, 0) for pk in members),
                    type_rows(grouped, members),
                    total=True,
                )
            )
    out.append(_rollup_line("合计", None, sum(counts.values()), type_rows(grouped), total=True))
    return out


DASHBOARD_LIST = 20  # units named on the home page per list; a province's may run to hundreds


def _listed(name: str, unit_ids) -> dict[str, Any]:
    """The first DASHBOARD_LIST units of ``unit_ids`` (with their region, named for an upper office) and
    how many there are in all: ``{name: [...], name_count: n}``."""
    ids = list(unit_ids)
    units = Unit.objects.filter(pk__in=ids).select_related("region").order_by("sort_order", "id")
    return {name: list(units[:DASHBOARD_LIST]), f"{name}_count": len(ids)}


def dashboard(user) -> dict[str, Any]:
    """The registry at a glance for an office user (their regions and, for a city or province, every
    region below with a line per county) or a liaison (their units)."""
    units = live_legal_units(user)
    liaison = not can(user, "view_registry")
    upper = not liaison and upper_scope(user) is not None
    # an upper office's figures are counted once a minute per scope (bianzhi.lib.scopecache); anyone
    # else's once per page view, shared with the 预警 panel's 空编率 (the same key)
    grouped = scoped(user, "region_totals", lambda: region_type_totals(units))
    counted = scoped(user, "region_natures", lambda: region_nature_counts(units))
    natures: dict[str, int] = {}
    for (_region_id, nature), n in counted.items():
        natures[nature] = natures.get(nature, 0) + n
    return {
        "units": units,
        "by_nature": [
            {"nature": nature, "n": natures[nature]} for nature in Nature.values if natures.get(nature)
        ],
        "unit_total": sum(natures.values()),
        "rows": type_rows(grouped),
        "rollup": region_rollup(user, counted, grouped) if upper else [],
        "counted_at": counted_at(user, "region_totals") if upper else None,
        **_listed("over_quota", scoped(user, "over_quota", lambda: over_quota_unit_ids(units))),
        **_listed("over_posts", scoped(user, "over_posts", lambda: over_posts_unit_ids(units))),
        "my_units": units.order_by("sort_order", "id")[:20] if liaison else None,
        **workflow_panels(user, units),
    }


# ---- units ---------------------------------------------------------------------------------------


def units_filtered(user, data: dict[str, Any]) -> QuerySet[Unit]:
    """The unit list: live 法人 units unless the filters say otherwise."""
    qs = units_for(user)
    status = data.get("status") or UnitStatus.ACTIVE
    if status != "全部":
        qs = qs.filter(status=status)
    qs = qs.filter(nature=data["nature"]) if data.get("nature") else qs.exclude(nature=Nature.DIVISION)
    if q := (data.get("q") or "").strip():
        # each through its GIN index of character pairs on PostgreSQL (bianzhi.lib.search)
        named = name_contains(Unit.objects.all(), "name", q).values("pk")
        aliased = name_contains(UnitAlias.objects.all(), "name", q).values("unit_id")
        qs = qs.filter(Q(pk__in=named) | Q(credit_code__iexact=q) | Q(pk__in=aliased))
    for field in ("system", "funding"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if township := (data.get("township") or "").strip():
        qs = qs.filter(township="") if township == "县直" else qs.filter(township__icontains=township)
    if data.get("over"):
        qs = qs.filter(pk__in=over_quota_unit_ids(qs))
    if data.get("region"):
        qs = qs.filter(region_id=data["region"])
    return qs.select_related("region").order_by("sort_order", "id")


def regions_below(user) -> list:
    """For a city's or province's office, the regions it reads (its own and every one below), to pick
    from and to name on lists; nothing for anyone else (a county's office reads one region)."""
    from bianzhi.models import Region

    ids, own = region_ids(user), acting_region_ids(user)
    if ids is None or ids == own or not can(user, "view_registry"):
        return []
    return list(Region.objects.filter(pk__in=ids).order_by("code"))


def unit_townships(user) -> list[str]:
    """The townships of the user's units (the filter's suggestions); an upper office's kept a minute
    like its other figures (50,000 units)."""
    townships = units_for(user).exclude(township="").values_list("township", flat=True)
    return scoped(user, "townships", lambda: list(townships.distinct().order_by("township")))


def sorted_units(units: QuerySet[Unit]) -> QuerySet[Unit]:
    return units.order_by("sort_order", "id")


def choosable_units(user, *, besides: Unit | None = None) -> QuerySet[Unit]:
    """Live 法人 units the user may pick in a form (a parent, a target), ``besides`` excepted: for an office
    user only those of the regions they keep (a city's office reads its counties' units, never picks them)."""
    units = live_legal_units(user)
    kept = acting_region_ids(user)
    if kept is not None and can(user, "view_registry"):
        units = units.filter(region_id__in=kept)
    if besides is not None:
        units = units.exclude(pk=besides.pk)
    return units.order_by("sort_order", "id")


def live_divisions(user) -> QuerySet[Unit]:
    """Live internal divisions of the user's units, with their 法人 unit."""
    return units_for(user).filter(nature=Nature.DIVISION, status=UnitStatus.ACTIVE).select_related("parent")


def divisions_of(unit: Unit) -> QuerySet[Unit]:
    """A unit's live internal divisions (a person's 内设机构)."""
    return Unit.objects.filter(parent=unit, nature=Nature.DIVISION, status=UnitStatus.ACTIVE)


def slips_of(units) -> QuerySet[UseSlip]:
    """The slips of the units (a form narrows them to the usable ones)."""
    return UseSlip.objects.filter(unit__in=units)


def merge_targets(user, source: Unit) -> QuerySet[Unit]:
    """Live 法人 units of the source's region the user may see, the source excepted."""
    return choosable_units(user, besides=source).filter(region_id=source.region_id)


def roster(user, unit: Unit) -> QuerySet[Person]:
    """The people in establishment of a unit (or of an internal division)."""
    return (
        people_for(user)
        .filter(in_establishment=True)
        .filter(Q(division=unit) if unit.is_division else Q(unit=unit))
        .select_related("division")
        .order_by("establishment_type", "id")
    )


def unit_page(unit: Unit) -> dict[str, Any]:
    """A unit's other names, its internal divisions and its history."""
    return {
        "aliases": [a.name for a in unit.aliases.all()],
        "divisions": unit.children.filter(nature=Nature.DIVISION).order_by("status", "sort_order", "id"),
        "events": unit.events.select_related("document").order_by("occurred_on", "id"),
    }


def alias_names(unit: Unit) -> list[str]:
    return list(unit.aliases.values_list("name", flat=True))


# ---- people --------------------------------------------------------------------------------------


def people_filtered(user, data: dict[str, Any]) -> QuerySet[Person]:
    """The people list: in establishment unless the filters say otherwise; a full ID number finds one."""
    qs = people_for(user)
    state = data.get("state") or "在编"
    if state != "全部":
        qs = qs.filter(in_establishment=(state == "在编"))
    if q := (data.get("q") or "").strip():
        try:  # a full ID number finds the person even though lists only show it masked
            qs = qs.filter(id_number=normalize_id(q))
        except InvalidNumber:
            qs = name_contains(qs, "name", q)  # a GIN index of character pairs on PostgreSQL
    for field in ("unit", "establishment_type", "category"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("region"):
        qs = qs.filter(unit__region_id=data["region"])
    return qs.select_related("unit", "division", "unit__region").order_by("unit__sort_order", "unit_id", "id")


def person_movements(person: Person) -> list:
    return list(
        person.movements.select_related("document", "from_unit", "to_unit").order_by("occurred_on", "id")
    )
