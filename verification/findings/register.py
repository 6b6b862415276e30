"""Loading the register side of the comparison from the database (values_list only, no model objects)
into the plain ``verification.compare.data.Register`` the engine consumes (the engine reads no database).

Now: the people in establishment. At a cut-off date D: the people with entered_on ≤ D and
(in establishment or left_on > D), with transfers and post changes after D rolled back from their
movement history, and units that ended after D counted as live. Quotas and posts at D come from
``units.selectors.establishment_at`` (建账 figures are never rolled back to 0; those units are in
``Register.baseline``).
"""

from __future__ import annotations

import datetime as dt
import sys

from django.db.models import Q

from units.choices import MovementKind, UnitStatus
from units.models import Movement, Person, Unit, UnitAlias
from units.selectors import establishment_at
from verification.compare.data import Register, RegUnit


def _below(region) -> list[int]:
    """The region's id and the ids of every region below it: a city's or province's comparison reads the
    register of its counties (issue 17); a county has nothing below it. One query (region, parent)."""
    from bianzhi.models import Region

    root = getattr(region, "pk", region)
    children: dict[int, list[int]] = {}
    for pk, parent_id in Region.objects.exclude(parent=None).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in ids:
                ids.add(child)
                stack.append(child)
    return sorted(ids)


def _units(region, cutoff: dt.date | None) -> dict[int, RegUnit]:
    qs = Unit.objects.all()
    if region is not None:
        qs = qs.filter(region_id__in=_below(region))
    units = {}
    for pk, name, nature, funding, code, parent_id, township, status, ended_on in qs.values_list(
        "pk", "name", "nature", "funding", "credit_code", "parent_id", "township", "status", "ended_on"
    ):
        live = status == UnitStatus.ACTIVE or (
            cutoff is not None and ended_on is not None and ended_on > cutoff
        )
        units[pk] = RegUnit(pk, name, nature, funding, code, parent_id, township, live)
    return units


def _people_qs(region, cutoff: dt.date | None):
    qs = Person.objects.all()
    if region is not None:
        qs = qs.filter(unit__region_id__in=_below(region))
    if cutoff is None:
        return qs.filter(in_establishment=True)
    return qs.filter(Q(entered_on__lte=cutoff) & (Q(in_establishment=True) | Q(left_on__gt=cutoff)))


def _roll_back(people: dict[int, list], cutoff: dt.date) -> None:
    """Undo the transfers and post changes that happened after the cut-off (latest first)."""
    moves = (
        Movement.objects.filter(
            occurred_on__gt=cutoff, kind__in=[MovementKind.TRANSFER, MovementKind.POST_CHANGE]
        )
        .order_by("-occurred_on", "-id")
        .values_list("person_id", "kind", "from_unit_id", "from_type", "from_post")
    )
    for person_id, kind, from_unit, from_type, from_post in moves.iterator(chunk_size=5000):
        row = people.get(person_id)
        if row is None:
            continue
        if kind == MovementKind.TRANSFER and from_unit:
            row[2] = from_unit
            row[3] = from_type or row[3]
        if from_post:
            row[5] = from_post


def _in_region(model, region):
    return model.objects.all() if region is None else model.objects.filter(unit__region_id__in=_below(region))


def load_register(*, region=None, cutoff: dt.date | None = None) -> Register:
    """The register at ``cutoff`` (or now), for one region and every region below it (or all)."""
    units = _units(region, cutoff)
    intern = sys.intern
    rows: dict[int, list] = {}
    qs = (
        _people_qs(region, cutoff)
        .order_by("entered_on", "id")
        .values_list(
            "pk",
            "id_number",
            "name",
            "unit_id",
            "establishment_type",
            "category",
            "leader_post",
            "is_military_transfer",
        )
    )
    for pk, number, name, unit_id, etype, category, post, military in qs.iterator(chunk_size=5000):
        rows[pk] = [number, name, unit_id, intern(etype), intern(category), intern(post), military]
    if cutoff is not None:
        _roll_back(rows, cutoff)
    register = Register(units=units, people={}, cutoff=cutoff)
    people = register.people
    for number, name, unit_id, etype, category, post, military in rows.values():
        people[number] = (name, register.legal_id(unit_id), etype, category, post, military)
    register.aliases = list(_in_region(UnitAlias, region).values_list("unit_id", "name"))
    unit_ids = (
        Unit.objects.values("pk")
        if region is None
        else Unit.objects.filter(region_id__in=_below(region)).values("pk")
    )
    figures = establishment_at(unit_ids, cutoff)
    register.quotas = {k: (a, figures.earmarks.get(k, 0)) for k, a in figures.quotas.items()}
    register.posts = dict(figures.posts)
    register.baseline = set(figures.baseline)
    return register
