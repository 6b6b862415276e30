"""超编 and 超职数 units are found by one grouped query each (units.selectors.registry): the same units a
plain count in Python finds, on random registers, ended units and divisions left out."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.builders.registry import make_person, make_unit
from units.choices import POST_CATEGORY_OF, EstablishmentType, LeaderPost, Nature, UnitStatus
from units.models import LeaderPostQuota, Person, Quota, Unit
from units.selectors import over_posts_unit_ids, over_quota_unit_ids

pytestmark = pytest.mark.django_db


def expected(units) -> tuple[set[int], set[int]]:
    live = [u for u in units if u.status == UnitStatus.ACTIVE and u.nature != Nature.DIVISION]
    ids = {u.pk for u in live}
    people = Person.objects.filter(unit_id__in=ids, in_establishment=True)
    by_type = Counter((p.unit_id, p.establishment_type) for p in people)
    by_post = Counter(
        (p.unit_id, POST_CATEGORY_OF[p.leader_post]) for p in people if POST_CATEGORY_OF[p.leader_post]
    )
    quotas = {(q.unit_id, q.establishment_type): q.approved for q in Quota.objects.filter(unit_id__in=ids)}
    posts = {(q.unit_id, q.category): q.approved for q in LeaderPostQuota.objects.filter(unit_id__in=ids)}
    return (
        {u for (u, t), n in by_type.items() if n > quotas.get((u, t), 0)},
        {u for (u, c), n in by_post.items() if n > posts.get((u, c), 0)},
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_grouped_queries_find_what_counting_finds(region, other_region, seed):
    rnd = random.Random(seed)
    units = []
    for i in range(6):
        unit = make_unit(
            rnd.choice([region, other_region]),
            f"单位{seed}-{i}",
            quotas={EstablishmentType.ADMIN: 10, EstablishmentType.SUPPORT: 10},
            posts={"单位正职": 1, "单位副职": 2},
        )
        for _ in range(rnd.randint(1, 4)):
            make_person(
                unit, establishment_type=rnd.choice([EstablishmentType.ADMIN, EstablishmentType.SUPPORT])
            )
        units.append(unit)
    people = list(Person.objects.filter(unit__in=units))
    for person in people:  # the rules forbid these states; a bulk load records them as found (建账)
        person.leader_post = rnd.choice(list(LeaderPost))
    Person.objects.bulk_update(people, ["leader_post"])
    for quota in Quota.objects.filter(unit__in=units):
        Quota.objects.filter(pk=quota.pk).update(approved=rnd.randint(0, 3))
    LeaderPostQuota.objects.filter(unit__in=units[:2]).delete()  # no row: approved 0
    Quota.objects.filter(unit=units[2], establishment_type=EstablishmentType.SUPPORT).delete()
    Unit.objects.filter(pk=units[3].pk).update(status=UnitStatus.ABOLISHED)
    units = list(Unit.objects.filter(pk__in=[u.pk for u in units]))
    quota_ids, post_ids = expected(units)
    scope = Unit.objects.filter(pk__in=[u.pk for u in units])
    assert over_quota_unit_ids(scope) == quota_ids
    assert over_posts_unit_ids(scope) == post_ids
    assert quota_ids | post_ids, "the seed makes no 超编 at all"
    one_region = scope.filter(region=region)
    assert over_quota_unit_ids(one_region) == quota_ids & set(one_region.values_list("pk", flat=True))


def test_a_liaisons_units_are_read_from_the_grants(region, unit_a, unit_b, liaison_a):
    """units.selectors.liaison_unit_ids reads guardian's grant rows by the user (its own query: guardian's
    get_objects_for_user cast every unit id to text), granted to the user or to one of their groups."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from units.selectors import liaison_unit_ids

    assert liaison_unit_ids(liaison_a) == {unit_a.pk}
    group = Group.objects.create(name="学校联络员")
    assign_perm("units.liaise_unit", group, unit_b)
    liaison_a.groups.add(group)
    del liaison_a._bianzhi_liaison_units  # kept on the user object for the request
    assert liaison_unit_ids(liaison_a) == {unit_a.pk, unit_b.pk}


def test_no_unit_at_all_is_nothing_over(region):
    assert over_quota_unit_ids(Unit.objects.none()) == set() == over_posts_unit_ids(Unit.objects.none())
    assert over_quota_unit_ids(Unit.objects.filter(region_id__in=[])) == set()
