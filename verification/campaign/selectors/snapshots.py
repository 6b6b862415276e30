"""Which units a campaign takes in, and each one's snapshot: the unit as of the data cut-off, read from
the register at that date (the figures every page, print and workbook of the campaign shows)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Q

from units.choices import POST_CATEGORY_OF, EstablishmentType, Nature, PostCategory
from units.models import Unit
from verification.compare.data import P_CATEGORY, P_MILITARY, P_NAME, P_POST, P_TYPE, P_UNIT
from verification.findings.register import load_register


def units_in_scope(region, cutoff: dt.date, natures=(), systems=(), townships=()) -> list[Unit]:
    """Live 法人 units of the region at the cut-off, filtered by nature / system / township (县直 = "")."""
    qs = Unit.objects.filter(region=region).exclude(nature=Nature.DIVISION)
    qs = qs.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=cutoff))
    qs = qs.filter(Q(status="正常") | Q(ended_on__gt=cutoff))
    if natures:
        qs = qs.filter(nature__in=natures)
    if systems:
        qs = qs.filter(system__in=systems)
    if townships:
        qs = qs.filter(township__in=["" if t == "县直" else t for t in townships])
    return list(qs.order_by("sort_order", "id"))


def build_snapshots(region, cutoff: dt.date, units: Sequence[Unit]) -> dict[int, dict]:
    """Each unit as of the cut-off (see ``CampaignUnit.snapshot``), from the register at that date: people
    by their 入编/出编 dates, quotas and posts by ``units.selectors.establishment_at`` — a unit whose figures
    were first loaded (建账) after the cut-off shows the loaded figures with ``"baseline": True``."""
    register = load_register(region=region, cutoff=cutoff)
    ids = [u.pk for u in units]
    people: dict[int, list] = defaultdict(list)
    military: dict[int, int] = defaultdict(int)
    for person in register.people.values():
        people[person[P_UNIT]].append([person[P_NAME], person[P_TYPE], person[P_CATEGORY], person[P_POST]])
        if person[P_MILITARY] and person[P_TYPE] == EstablishmentType.ADMIN:
            military[person[P_UNIT]] += 1
    divisions: dict[int, list] = defaultdict(list)
    for d in Unit.objects.filter(parent_id__in=ids, nature=Nature.DIVISION).order_by("sort_order", "id"):
        reg = register.units.get(d.pk)
        if reg is not None and reg.live and (d.founded_on is None or d.founded_on <= cutoff):
            divisions[d.parent_id].append({"name": d.name, "confidential": d.is_confidential})
    out = {}
    for u in units:
        staff = sorted(people.get(u.pk, []), key=lambda p: (p[1], p[0]))
        occupied: dict[str, int] = defaultdict(int)
        held: dict[str, int] = defaultdict(int)
        for _n, etype, _c, post in staff:
            occupied[etype] += 1
            if POST_CATEGORY_OF.get(post):
                held[POST_CATEGORY_OF[post]] += 1
        quotas = {t: register.quotas.get((u.pk, t), (0, 0)) for t in EstablishmentType.values}
        out[u.pk] = {
            "unit": {
                "name": u.name,
                "nature": u.nature,
                "system": u.system,
                "rank": u.rank,
                "funding": u.funding,
                "township": u.township_display,
                "credit_code": u.credit_code,
                "confidential": u.is_confidential,
            },
            "divisions": divisions.get(u.pk, []),
            "quotas": {t: a for t, (a, _m) in quotas.items() if a},
            "occupied": dict(occupied),
            "posts": {c: register.posts.get((u.pk, c), 0) for c in PostCategory.values},
            "held": dict(held),
            "people": staff,
            "people_count": len(staff),
            "baseline": u.pk in register.baseline,
            "earmark": quotas[EstablishmentType.ADMIN][1],
            "military": military.get(u.pk, 0),
        }
    return out
