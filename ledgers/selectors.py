"""Reads of the ledgers, scoped like the registry (``units.selectors``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from ledgers.models import EstablishmentRow, LedgerCheck, LimitLedgerEntry, UnitLedgerEntry
from units.choices import UnitStatus
from units.models import Person, UnitEvent
from units.selectors import people_for, regions_for, units_for


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
