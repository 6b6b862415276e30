"""Reads of the ledgers, scoped like the registry (``units.selectors``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from bianzhi import roles
from bianzhi.lib.scopecache import counted_at, filters_digest, list_count, scoped
from ledgers.models import (
    POST_PREFIX,
    TYPE_PREFIX,
    EstablishmentRow,
    LedgerCheck,
    LimitLedgerEntry,
    UnitLedgerEntry,
)
from units.choices import ESTABLISHMENT_ORDER, LimitType, PostCategory, UnitStatus
from units.models import Person, UnitEvent
from units.selectors import people_for, regions_for, units_for

TABLES = {"one": "表一 机构编制基本情况", "two": "表二 机构编制变更记录", "three": "表三 实有人员花名册"}


def last_check() -> LedgerCheck | None:
    """The latest ``check_ledgers`` result, for the dashboard (None when never run)."""
    return LedgerCheck.objects.order_by("-finished_at", "-id").first()


def rows_for(user) -> QuerySet[EstablishmentRow]:
    """表一 rows of the live 法人 units the user may see."""
    return EstablishmentRow.objects.filter(unit__in=units_for(user), status=UnitStatus.ACTIVE)


def limit_entries_for(user) -> QuerySet[LimitLedgerEntry]:
    """The county limit ledger: office roles only (a liaison sees no county totals)."""
    return LimitLedgerEntry.objects.filter(region__in=regions_for(user))


def entries_for(user) -> QuerySet[UnitLedgerEntry]:
    return UnitLedgerEntry.objects.filter(unit__in=units_for(user))


def events_for(user) -> QuerySet[UnitEvent]:
    return UnitEvent.objects.filter(unit__in=units_for(user))


def roster_for(user) -> QuerySet[Person]:
    return people_for(user).filter(in_establishment=True)


def filter_dates(qs: QuerySet, field: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def filter_type(qs: QuerySet, value: str, *fields: str) -> QuerySet:
    if not value:
        return qs
    cond = Q()
    for f in fields:
        cond |= Q(**{f: value})
    return qs.filter(cond)


# ---- what the pages and prints read ---------------------------------------------------------------------


def region_ids(user) -> list[int]:
    """Ids of the regions whose limit ledger the user sees (office roles)."""
    return list(regions_for(user).values_list("pk", flat=True))


def unit_names(user, limit: int = 200) -> list[tuple[int, str]]:
    """(unit id, name) of the 表一 rows the user sees, for a liaison's overview."""
    return list(rows_for(user).order_by("unit__sort_order", "unit_id").values_list("unit_id", "name")[:limit])


def limit_list(user, f: dict[str, Any]) -> QuerySet[LimitLedgerEntry]:
    """The limit ledger, filtered by type and dates (``LedgerFilterForm.values``)."""
    qs = limit_entries_for(user).select_related("region")
    if f["type"] in LimitType.values:
        qs = qs.filter(limit_type=f["type"])
    return filter_dates(qs, "occurred_on", f["start"], f["end"]).order_by("region_id", "occurred_on", "id")


def unit_entries(unit, f: dict[str, Any]) -> QuerySet[UnitLedgerEntry]:
    """A unit's ledger, filtered by establishment type or post category and dates."""
    qs = unit.ledger_entries.select_related("subject")
    if f["type"] in ESTABLISHMENT_ORDER:
        qs = qs.filter(establishment_type=f["type"])
    elif f["type"] in PostCategory.values:
        qs = qs.filter(post_category=f["type"])
    return filter_dates(qs, "occurred_on", f["start"], f["end"]).order_by("occurred_on", "id")


def row_of(unit) -> EstablishmentRow | None:
    """The unit's 表一 row (None before the ledgers were first built)."""
    return EstablishmentRow.objects.filter(pk=unit.pk).first()


def table(user, name: str, f: dict[str, Any]) -> QuerySet:
    """表一 (rows), 表二 (change records) or 表三 (roster) of the units the user sees, filtered."""
    if name == "one":
        # a city's or province's office reads its counties' rows: grouped by county (区划代码), then as ever
        qs = rows_for(user).order_by("region__code", "unit__sort_order", "unit_id")
        if f.get("region"):
            qs = qs.filter(region_id=f["region"])
        if f["nature"]:
            qs = qs.filter(nature=f["nature"])
        return qs.filter(name__contains=f["q"]) if f["q"] else qs
    if name == "two":
        qs = events_for(user).select_related("unit", "document")
        qs = filter_type(qs, f["type"], "establishment_type", "post_category")
        qs = filter_dates(qs, "occurred_on", f["start"], f["end"]).order_by("-occurred_on", "-id")
    else:
        qs = roster_for(user).select_related("unit", "division")
        qs = filter_type(qs, f["type"], "establishment_type")
        qs = filter_dates(qs, "entered_on", f["start"], f["end"]).order_by(
            "unit__sort_order", "unit_id", "id"
        )
    return qs.filter(unit__name__contains=f["q"]) if f["q"] else qs


def figures(row: EstablishmentRow | None) -> list[tuple[str, int, int, int]]:
    """(type, approved, occupied, vacancy) of the types a unit has, for its ledger page."""
    if row is None:
        return []
    return [
        (t, row.approved(t), row.occupied(t), row.vacancy(t))
        for t in ESTABLISHMENT_ORDER
        if row.approved(t) or row.occupied(t)
    ]


def cells(row: EstablishmentRow) -> list[int]:
    """A 表一 row's figures in the order of ``exports.TABLE_ONE_HEADERS`` (after name and nature)."""
    out = []
    for t in ESTABLISHMENT_ORDER:
        out += [row.approved(t), row.occupied(t), row.vacancy(t)]
    for c in PostCategory.values:
        out += list(row.posts(c))
    return out


def totals(qs: QuerySet[EstablishmentRow]) -> list[int]:
    """The 合计 row of 表一 over the whole filtered table (not one page), in the order of ``cells``."""
    fields = [f"{TYPE_PREFIX[t]}_{s}" for t in ESTABLISHMENT_ORDER for s in ("approved", "occupied")]
    fields += [f"{POST_PREFIX[c]}_{s}" for c in PostCategory.values for s in ("approved", "held")]
    sums = qs.order_by().aggregate(**{f: Sum(f) for f in fields})
    out = []
    for t in ESTABLISHMENT_ORDER:
        approved, occupied = sums[f"{TYPE_PREFIX[t]}_approved"] or 0, sums[f"{TYPE_PREFIX[t]}_occupied"] or 0
        out += [approved, occupied, approved - occupied]
    for c in PostCategory.values:
        out += [sums[f"{POST_PREFIX[c]}_approved"] or 0, sums[f"{POST_PREFIX[c]}_held"] or 0]
    return out


def reads_below(user) -> bool:
    """An upper office (a city's or a province's): it reads regions below its own (issue 17)."""
    ids = roles.region_ids(user)
    return ids is not None and ids != roles.acting_region_ids(user)


def rollup_regions(user) -> list:
    """The regions an upper office may pick on 表一 (its own and every one below), else nothing."""
    if not reads_below(user):
        return []
    return list(regions_for(user).order_by("code"))


def region_subtotals(qs: QuerySet[EstablishmentRow]) -> list[dict[str, Any]]:
    """表一's 分区划小计 over the whole filtered table: one grouped query, one line per region in code
    order, each with its unit count and ``cells``-ordered figures."""
    fields = [f"{TYPE_PREFIX[t]}_{s}" for t in ESTABLISHMENT_ORDER for s in ("approved", "occupied")]
    fields += [f"{POST_PREFIX[c]}_{s}" for c in PostCategory.values for s in ("approved", "held")]
    grouped = (
        qs.order_by()
        .values("region_id", "region__name", "region__code")
        .annotate(units=Count("pk"), **{f: Sum(f) for f in fields})
        .order_by("region__code")
    )
    out = []
    for g in grouped:
        cells_ = []
        for t in ESTABLISHMENT_ORDER:
            approved, occupied = g[f"{TYPE_PREFIX[t]}_approved"] or 0, g[f"{TYPE_PREFIX[t]}_occupied"] or 0
            cells_ += [approved, occupied, approved - occupied]
        for c in PostCategory.values:
            cells_ += [g[f"{POST_PREFIX[c]}_approved"] or 0, g[f"{POST_PREFIX[c]}_held"] or 0]
        out.append(
            {"region_id": g["region_id"], "name": g["region__name"], "units": g["units"], "cells": cells_}
        )
    return out


def table_one_figures(user, f: dict[str, Any], qs: QuerySet[EstablishmentRow]) -> dict[str, Any]:
    """表一's row count, 合计 and (an upper office's) 分区划小计 over the filtered table: an upper office's
    kept like its other roll-ups, per filter (``bianzhi.lib.scopecache``: a province's three sums over
    50,000 rows on every view); anyone else's counted now. The rows of the page stay live."""
    values = {k: v for k, v in f.items() if k != "form"}
    digest = filters_digest(values)
    regions = rollup_regions(user)
    return {
        "count": list_count(user, "ledger_one", values, qs),
        "totals": scoped(user, f"ledger_one_totals:{digest}", lambda: totals(qs)),
        "regions": regions,
        "lines": scoped(user, f"ledger_one_lines:{digest}", lambda: region_subtotals(qs)) if regions else [],
        "counted_at": counted_at(user, f"ledger_one_totals:{digest}"),
    }


def region_label(user) -> str:
    """The names of the regions whose ledgers the user reads, for the head of a print (a liaison: the
    regions of their units)."""
    names = list(regions_for(user).order_by("code").values_list("name", flat=True))
    if not names:
        names = sorted(set(units_for(user).values_list("region__name", flat=True)))
    return "、".join(names)


def size(qs: QuerySet) -> int:
    """How many rows a table's print will hold."""
    return qs.count()


def today() -> dt.date:
    """The date a ledger's print or workbook states its figures at (the ledgers are current)."""
    return timezone.localdate()
