"""Reads of the registry, scoped to what a user may see (default deny; 404 outside the scope), and the
counts of quotas, occupants and reserved slots that pages and services share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Count, IntegerField, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from bianzhi.grants import granted_unit_ids
from bianzhi.models import Region
from bianzhi.roles import can, region_ids
from units.choices import (
    ALLOWED_TYPES,
    ESTABLISHMENT_ORDER,
    POST_CATEGORY_OF,
    Nature,
    PostCategory,
    SlipStatus,
    UnitEventKind,
    UnitStatus,
)
from units.models import LeaderPostQuota, Person, Quota, Unit, UnitEvent, UseSlip


def regions_for(user) -> QuerySet[Region]:
    """Regions whose whole registry the user sees (office roles only): the regions of their profile and
    every region below them (a city's counties, a province's cities and counties; issue 17), as the id
    list ``bianzhi.roles.region_ids`` reads once per request (decision #13). Not a subquery: with the
    three ORed profile joins PostgreSQL re-ran it for every row of an ordered page — a county's 表一 took
    40–60 s over a province of 50,000 units (bench/bench_province.py) instead of 50 ms."""
    if not can(user, "view_registry"):
        return Region.objects.none()
    ids = region_ids(user)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=sorted(ids))


def acting_regions(user) -> QuerySet[Region]:
    """Regions whose registry the user keeps (office roles only): their profile's own regions, never
    those below (a city's office reads its counties but does not change them). The choices of a form
    that creates something in a region."""
    if not can(user, "view_registry"):
        return Region.objects.none()
    return Region.objects.all() if user.is_superuser else Region.objects.filter(profile__user=user)


def liaison_unit_ids(user) -> set[int]:
    """The 法人 units a liaison was granted (object permission ``units.liaise_unit``)."""
    if not can(user, "liaise"):
        return set()
    cached = getattr(user, "_bianzhi_liaison_units", None)
    if cached is None:
        cached = granted_unit_ids(user)  # by the grants' index (bianzhi.grants)
        user._bianzhi_liaison_units = cached
    return cached


def units_for(user) -> QuerySet[Unit]:
    """Every unit (live or not, divisions included) the user may see."""
    if can(user, "view_registry"):
        return Unit.objects.filter(region__in=regions_for(user))
    ids = liaison_unit_ids(user)
    if not ids:
        return Unit.objects.none()
    return Unit.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids, nature=Nature.DIVISION))


def live_legal_units(user) -> QuerySet[Unit]:
    """The user's live 法人 units (internal divisions excepted)."""
    return units_for(user).filter(status=UnitStatus.ACTIVE).exclude(nature=Nature.DIVISION)


def unit_for(user, pk: int) -> Unit:
    try:
        return units_for(user).select_related("region", "parent", "founding_document").get(pk=pk)
    except (Unit.DoesNotExist, ValueError):
        raise Http404("没有找到该机构。") from None


def people_for(user) -> QuerySet[Person]:
    if can(user, "view_registry"):
        return Person.objects.filter(unit__region__in=regions_for(user))
    ids = liaison_unit_ids(user)
    return Person.objects.filter(unit_id__in=ids) if ids else Person.objects.none()


def people_of(user, units: QuerySet[Unit]) -> QuerySet[Person]:
    """The user's people in the given units."""
    return people_for(user).filter(unit__in=units)


def person_for(user, pk: int) -> Person:
    try:
        return people_for(user).select_related("unit", "division", "unit__region").get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        raise Http404("没有找到该人员。") from None


def occupied(unit_id: int, establishment_type: str) -> int:
    """People in establishment of the unit and type."""
    return Person.objects.filter(
        unit_id=unit_id, establishment_type=establishment_type, in_establishment=True
    ).count()


def post_holders(unit_id: int, category: str) -> int:
    """People in establishment of the unit holding a leader post of the category."""
    posts = [p for p, c in POST_CATEGORY_OF.items() if c == category]
    return Person.objects.filter(unit_id=unit_id, leader_post__in=posts, in_establishment=True).count()


def reserved(
    unit_id: int, establishment_type: str, *, exclude: UseSlip | None = None, on: dt.date | None = None
) -> int:
    """Slots held by valid, unused slips that have not expired."""
    qs = UseSlip.objects.filter(
        unit_id=unit_id,
        establishment_type=establishment_type,
        status=SlipStatus.VALID,
        valid_until__gte=on or timezone.localdate(),
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.count()


def vacancy(unit: Unit, establishment_type: str, *, exclude: UseSlip | None = None) -> int:
    """Approved − occupied − reserved by other slips, for one unit and type."""
    quota = Quota.objects.filter(unit=unit, establishment_type=establishment_type).first()
    approved = quota.approved if quota else 0
    return (
        approved
        - occupied(unit.pk, establishment_type)
        - reserved(unit.pk, establishment_type, exclude=exclude)
    )


def _ids(unit_ids: Iterable[int] | QuerySet) -> list[int] | QuerySet:
    return unit_ids if isinstance(unit_ids, QuerySet) else list(unit_ids)


def occupancy_by_type(unit_ids: Iterable[int] | QuerySet) -> dict[tuple[int, str], int]:
    rows = (
        Person.objects.filter(unit_id__in=_ids(unit_ids), in_establishment=True)
        .values_list("unit_id", "establishment_type")
        .annotate(n=Count("id"))
    )
    return {(u, t): n for u, t, n in rows}


def reserved_by_type(unit_ids: Iterable[int] | QuerySet) -> list[tuple[int, str, int]]:
    """(unit id, type, slots) held by valid, unused, unexpired slips."""
    return list(
        UseSlip.objects.filter(
            unit_id__in=_ids(unit_ids), status=SlipStatus.VALID, valid_until__gte=timezone.localdate()
        )
        .values_list("unit_id", "establishment_type")
        .annotate(n=Count("id"))
    )


def post_holders_by_category(unit_ids: Iterable[int] | QuerySet) -> dict[tuple[int, str], int]:
    rows = (
        Person.objects.filter(unit_id__in=_ids(unit_ids), in_establishment=True)
        .exclude(leader_post="无")
        .values_list("unit_id", "leader_post")
        .annotate(n=Count("id"))
    )
    out: dict[tuple[int, str], int] = defaultdict(int)
    for unit_id, post, n in rows:
        category = POST_CATEGORY_OF.get(post)
        if category:
            out[(unit_id, category)] += n
    return dict(out)


@dataclass
class TypeLine:
    establishment_type: str
    approved: int = 0
    occupied: int = 0
    military_earmark: int = 0
    reserved: int = 0  # held by valid, unused, unexpired 编制使用单

    @property
    def vacancy(self) -> int:
        """空编 as the ledgers count it (表一): approved − occupied; negative means 超编."""
        return self.approved - self.occupied

    @property
    def available(self) -> int:
        """What a new 用编申请 can still get: approved − occupied − reserved (核编在先)."""
        return self.vacancy - self.reserved

    @property
    def over(self) -> bool:
        return self.occupied > self.approved


@dataclass
class PostLine:
    category: str
    approved: int = 0
    held: int = 0

    @property
    def over(self) -> bool:
        return self.held > self.approved


@dataclass
class Establishment:
    """A unit's quotas and posts against what is occupied (表一 row)."""

    unit_id: int
    types: dict[str, TypeLine] = field(default_factory=dict)
    posts: dict[str, PostLine] = field(default_factory=dict)

    @property
    def over_quota(self) -> bool:
        return any(t.over for t in self.types.values())

    @property
    def over_posts(self) -> bool:
        return any(p.over for p in self.posts.values())

    @property
    def approved_total(self) -> int:
        return sum(t.approved for t in self.types.values())

    @property
    def occupied_total(self) -> int:
        return sum(t.occupied for t in self.types.values())

    @property
    def reserved_total(self) -> int:
        return sum(t.reserved for t in self.types.values())

    @property
    def available_total(self) -> int:
        return sum(t.available for t in self.types.values())


def establishment_for(units: Iterable[Unit]) -> dict[int, Establishment]:
    """Approved vs occupied per type and approved vs held per post category, in four queries."""
    units = list(units)
    ids = [u.pk for u in units]
    out = {u.pk: Establishment(unit_id=u.pk) for u in units}
    for u in units:
        for t in ALLOWED_TYPES.get(u.nature, ()):
            out[u.pk].types[t] = TypeLine(t)
        if not u.is_division:
            for c in PostCategory.values:
                out[u.pk].posts[c] = PostLine(c)
    for q in Quota.objects.filter(unit_id__in=ids):
        line = out[q.unit_id].types.setdefault(q.establishment_type, TypeLine(q.establishment_type))
        line.approved, line.military_earmark = q.approved, q.military_earmark
    for (unit_id, t), n in occupancy_by_type(ids).items():
        out[unit_id].types.setdefault(t, TypeLine(t)).occupied = n
    for unit_id, t, n in reserved_by_type(ids):
        out[unit_id].types.setdefault(t, TypeLine(t)).reserved = n
    for p in LeaderPostQuota.objects.filter(unit_id__in=ids):
        out[p.unit_id].posts.setdefault(p.category, PostLine(p.category)).approved = p.approved
    for (unit_id, c), n in post_holders_by_category(ids).items():
        out[unit_id].posts.setdefault(c, PostLine(c)).held = n
    for est in out.values():
        est.types = dict(sorted(est.types.items(), key=lambda kv: ESTABLISHMENT_ORDER.index(kv[0])))
    return out


def type_line(unit: Unit, establishment_type: str) -> TypeLine:
    """Approved, occupied and reserved for one unit and type (the review screen and the slip)."""
    return establishment_for([unit])[unit.pk].types.get(establishment_type) or TypeLine(establishment_type)


def _text(value: str) -> str:
    """A constant of the code as an SQL string literal (the choices' values, never user input)."""
    return "'" + str(value).replace("'", "''") + "'"


def _over_ids(units: QuerySet[Unit], held_sql: str, approved_sql: str) -> set[int]:
    """Units whose people held (grouped by ``held_sql``: unit and a key) outnumber the approved figure of
    that key (``approved_sql``: unit, key and number; a missing row approves 0). The grouping runs in a
    derived table joined to the approved figures afterwards, so only the offending units leave the
    database — never a province's 1,000,000 people, nor a subquery per person."""
    live = units.filter(status=UnitStatus.ACTIVE).exclude(nature=Nature.DIVISION).order_by().values("pk")
    try:
        unit_sql, unit_params = live.query.sql_with_params()
    except EmptyResultSet:  # no unit at all (none(), or a user with no region): nothing is over
        return set()
    sql = (
        f"SELECT DISTINCT h.unit_id FROM ({held_sql.format(units=unit_sql)}) h "
        f"LEFT JOIN ({approved_sql.format(units=unit_sql)}) a ON a.unit_id = h.unit_id AND a.k = h.k "
        "WHERE h.n > COALESCE(a.approved, 0)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*unit_params, *unit_params))
        return {row[0] for row in cursor.fetchall()}


def over_quota_unit_ids(units: QuerySet[Unit]) -> set[int]:
    """Live 法人 units where the occupied count of some type exceeds the approved number."""
    person, quota = Person._meta.db_table, Quota._meta.db_table
    return _over_ids(
        units,
        f"SELECT unit_id, establishment_type AS k, COUNT(*) AS n FROM {person} "
        f"WHERE in_establishment AND unit_id IN ({{units}}) GROUP BY unit_id, establishment_type",
        f"SELECT unit_id, establishment_type AS k, approved FROM {quota} WHERE unit_id IN ({{units}})",
    )


def over_posts_unit_ids(units: QuerySet[Unit]) -> set[int]:
    """Live 法人 units holding more leaders of some 职数类别 than approved (单位正职, 单位副职, and 内设机构
    领导 counting the divisions' chiefs and deputies together)."""
    person, posts = Person._meta.db_table, LeaderPostQuota._meta.db_table
    mapped = {post: category for post, category in POST_CATEGORY_OF.items() if category}
    when = " ".join(f"WHEN {_text(post)} THEN {_text(category)}" for post, category in mapped.items())
    return _over_ids(
        units,
        f"SELECT unit_id, CASE leader_post {when} END AS k, COUNT(*) AS n FROM {person} "
        f"WHERE in_establishment AND unit_id IN ({{units}}) AND leader_post IN "
        f"({', '.join(_text(post) for post in mapped)}) "
        f"GROUP BY unit_id, CASE leader_post {when} END",
        f"SELECT unit_id, category AS k, approved FROM {posts} WHERE unit_id IN ({{units}})",
    )


@dataclass
class EstablishmentAt:
    """Approved quotas and leader posts of some units as they stood at ``day`` (see ``establishment_at``).

    ``quotas`` maps (unit id, 编制类型) to the approved number, ``earmarks`` to the 军转行政编制 earmarked
    within it, ``posts`` maps (unit id, 职数类别) to the approved posts (absent keys: 0). ``baseline`` holds
    the units whose figures at ``day`` come from 建账: their first known figures were loaded after ``day``
    and are shown as they were loaded (marked 建账), never as 0."""

    day: dt.date | None
    quotas: dict[tuple[int, str], int] = field(default_factory=dict)
    earmarks: dict[tuple[int, str], int] = field(default_factory=dict)
    posts: dict[tuple[int, str], int] = field(default_factory=dict)
    baseline: set[int] = field(default_factory=set)


def establishment_at(unit_ids: Iterable[int] | QuerySet, day: dt.date | None) -> EstablishmentAt:
    """The units' quotas and posts at ``day``: the current figures minus the changes (编制调整, 职数调整)
    dated after ``day``. A 建账 record (``UnitEvent.baseline``) is never undone: before a unit's first
    load nothing is known, so an earlier date shows the loaded figures and the unit is in ``.baseline``.
    Two queries whatever the number of units (``unit_ids`` may be a queryset of ids)."""
    ids = _ids(unit_ids)
    out = EstablishmentAt(day=day)
    current = (
        Quota.objects.filter(unit_id__in=ids)
        .order_by()
        .values_list(
            "unit_id",
            "establishment_type",
            Value("", output_field=CharField()),
            "approved",
            "military_earmark",
        )
    ).union(
        LeaderPostQuota.objects.filter(unit_id__in=ids)
        .order_by()
        .values_list(
            "unit_id",
            Value("", output_field=CharField()),
            "category",
            "approved",
            Value(0, output_field=IntegerField()),
        ),
        all=True,
    )
    for unit_id, etype, category, approved, earmark in current:
        if etype:
            out.quotas[(unit_id, etype)] = approved
            out.earmarks[(unit_id, etype)] = earmark
        else:
            out.posts[(unit_id, category)] = approved
    if day is None:
        return out
    later = UnitEvent.objects.filter(
        unit_id__in=ids, occurred_on__gt=day, kind__in=[UnitEventKind.QUOTA, UnitEventKind.POSTS]
    ).values_list(
        "unit_id", "kind", "establishment_type", "post_category", "delta", "before", "after", "baseline"
    )
    for unit_id, kind, etype, category, delta, before, after, baseline in later:
        if baseline:
            out.baseline.add(unit_id)
            continue
        if kind == UnitEventKind.QUOTA:
            key = (unit_id, etype)
            out.quotas[key] = out.quotas.get(key, 0) - delta
            earmark = (after or {}).get("military_earmark", 0) - (before or {}).get("military_earmark", 0)
            if earmark:
                out.earmarks[key] = out.earmarks.get(key, 0) - earmark
        else:
            out.posts[(unit_id, category)] = out.posts.get((unit_id, category), 0) - delta
    return out
