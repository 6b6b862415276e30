"""The register of a region as it stood at the end of a day: the 法人 units live then, their quotas and
leader posts (``units.selectors.establishment_at``), and the people in establishment then.

People at D are those entered on or before D and not left by D (in establishment, or left after D), with
the transfers and post changes made after D rolled back from their movement history — the reading the
verification campaign's snapshots make, so the 统计年报, 表一 and a campaign with the same cut-off agree.
Unit attributes (nature, system, rank, funding, class) changed after D are rolled back from the change
records' ``before`` values. Corrections of personal facts (信息变更) are not rolled back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from units.choices import MovementKind, Nature, UnitEventKind, UnitStatus
from units.models import Movement, Person, Unit, UnitEvent
from units.selectors import EstablishmentAt, establishment_at

UNIT_ATTRS = ("nature", "system", "rank", "funding", "institution_class")
PERSON_FIELDS = (
    "pk",
    "unit_id",
    "establishment_type",
    "category",
    "leader_post",
    "sex",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "entry_method",
    "is_military_transfer",
)


@dataclass
class UnitAt:
    pk: int
    name: str
    nature: str
    system: str
    rank: str
    funding: str
    institution_class: str
    divisions: int = 0


@dataclass
class PersonAt:
    pk: int
    unit_id: int
    establishment_type: str
    category: str
    leader_post: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    political_status: str
    education: str
    entry_method: str
    military: bool


@dataclass
class RegisterAt:
    """A region's register at the end of ``day``."""

    day: dt.date
    units: dict[int, UnitAt] = field(default_factory=dict)
    people: list[PersonAt] = field(default_factory=list)
    figures: EstablishmentAt | None = None


def live_at(day: dt.date) -> Q:
    """Units that existed at the end of ``day``: founded by then (or date unknown), not ended by then."""
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=day)) & (
        Q(status=UnitStatus.ACTIVE) | Q(ended_on__gt=day)
    )


def _units(region, day: dt.date) -> dict[int, UnitAt]:
    qs = Unit.objects.filter(region=region).exclude(nature=Nature.DIVISION).filter(live_at(day))
    units = {
        pk: UnitAt(pk, name, *attrs)
        for pk, name, *attrs in qs.order_by("sort_order", "id").values_list("pk", "name", *UNIT_ATTRS)
    }
    later = (
        UnitEvent.objects.filter(unit_id__in=list(units), occurred_on__gt=day)
        .exclude(kind__in=[UnitEventKind.QUOTA, UnitEventKind.POSTS])
        .order_by("-occurred_on", "-id")
        .values_list("unit_id", "before")
    )
    for unit_id, before in later:
        for key in UNIT_ATTRS:
            if isinstance(before, dict) and key in before and before[key] is not None:
                setattr(units[unit_id], key, before[key])
    divisions = Unit.objects.filter(parent_id__in=list(units), nature=Nature.DIVISION).filter(live_at(day))
    for parent_id in divisions.values_list("parent_id", flat=True):
        units[parent_id].divisions += 1
    return units


def _people(region, day: dt.date, parents: dict[int, int]) -> dict[int, PersonAt]:
    qs = Person.objects.filter(unit__region=region, entered_on__lte=day).filter(
        Q(in_establishment=True) | Q(left_on__gt=day)
    )
    people = {}
    for pk, unit_id, *rest in qs.order_by("id").values_list(*PERSON_FIELDS).iterator(chunk_size=5000):
        people[pk] = PersonAt(pk, unit_id, *rest)
    moves = (
        Movement.objects.filter(
            person_id__in=qs.values("pk"),
            occurred_on__gt=day,
            kind__in=[MovementKind.TRANSFER, MovementKind.POST_CHANGE],
        )
        .order_by("-occurred_on", "-id")
        .values_list("person_id", "kind", "from_unit_id", "from_type", "from_post")
    )
    for person_id, kind, from_unit, from_type, from_post in moves.iterator(chunk_size=5000):
        row = people[person_id]
        if kind == MovementKind.TRANSFER and from_unit:
            row.unit_id = from_unit
            row.establishment_type = from_type or row.establishment_type
        if from_post:
            row.leader_post = from_post
    for row in people.values():
        row.unit_id = parents.get(row.unit_id, row.unit_id)
    return people


def register_at(region, day: dt.date) -> RegisterAt:
    """The region's register at the end of ``day`` (see the module docstring); people are counted for
    the units live then (an internal division's people for its 法人 unit)."""
    out = RegisterAt(day=day, units=_units(region, day))
    parents = dict(Unit.objects.filter(region=region, nature=Nature.DIVISION).values_list("pk", "parent_id"))
    people = _people(region, day, parents)
    out.people = [p for p in people.values() if p.unit_id in out.units]
    out.figures = establishment_at(list(out.units), day)
    return out
