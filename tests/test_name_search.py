"""The people list's name search (bianzhi.lib.search): on PostgreSQL a GIN index of character pairs
narrows the rows before ``icontains`` decides; the people found are exactly those ``icontains`` finds,
on SQLite and PostgreSQL, for two-character Chinese names, Latin and mixed fragments, and one character."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from bianzhi.lib.search import bigrams, name_contains
from tests.builders.registry import make_person, make_unit
from units.models import Person

pytestmark = pytest.mark.django_db

NAMES = ["王伟", "王伟东", "李王伟", "王小伟", "伟王", "阿依古丽·买买提", "Anna王", "ANNA", "张伟伟", "王"]
CREDIT_CODE = "11621125MB0000001D"
FRAGMENTS = ["王伟", "伟", "伟伟", "anna", "AnNa王", "古丽·买", "·", "不在", "王小", "Zé"]


@pytest.fixture
def people(region):
    unit = make_unit(region, "漳县测试局", quotas={"行政编制": len(NAMES)})
    return [make_person(unit, name=name) for name in NAMES]


def test_the_same_people_as_icontains(people):
    everyone = Person.objects.all()
    for fragment in FRAGMENTS:
        found = set(name_contains(everyone, "name", fragment).values_list("name", flat=True))
        plain = set(everyone.filter(name__icontains=fragment).values_list("name", flat=True))
        assert found == plain, fragment
    assert set(name_contains(everyone, "name", "王伟").values_list("name", flat=True)) == {
        "王伟",
        "王伟东",
        "李王伟",
    }


def test_pairs():
    assert (
        bigrams("王伟东") == ["伟东", "王伟"]
        and bigrams("AnNa") == ["an", "na", "nn"]
        and bigrams("王") == []
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index exists on PostgreSQL only")
def test_postgresql_reads_the_pairs_index(people):
    qs = name_contains(Person.objects.all(), "name", "王伟")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a table of ten rows: make the planner show its index
        plan = qs.explain()
        cursor.execute("RESET enable_seqscan")
    assert "units_person_name_bigrams" in plan
    assert "units_person_name_bigrams" not in name_contains(Person.objects.all(), "name", "伟").explain()


def test_the_people_list_searches_through_it(client, office_staff, people):
    client.force_login(office_staff)
    html = client.get(reverse("units:person_list"), {"q": "王伟", "state": "全部"}).content.decode()
    assert "李王伟" in html and "王伟东" in html and "王小伟" not in html


def test_the_unit_list_finds_by_name_other_name_and_credit_code(client, office_staff, region):
    """The unit list's search (names and other names through the pairs index on PostgreSQL): the same
    units as ``icontains`` on the name or an other name, or the exact credit code."""
    from units.selectors import units_filtered
    from units.services import unit_alias_add

    finance = make_unit(region, "漳县财政局", credit_code=CREDIT_CODE)
    audit = make_unit(region, "漳县审计局")
    numbered = make_unit(region, "漳县第123号单位")
    unit_alias_add(unit=audit, name="漳县审计中心", actor=None)
    searches = {
        "财政": {finance},
        "审计中心": {audit},
        "县审": {audit},
        "第123号": {numbered},
        "局": {finance, audit},
    }
    for q, expected in searches.items():
        assert set(units_filtered(office_staff, {"q": q})) == expected, q
    assert set(units_filtered(office_staff, {"q": CREDIT_CODE.lower()})) == {finance}
    client.force_login(office_staff)
    html = client.get(reverse("units:unit_list"), {"q": "审计中心"}).content.decode()
    assert "漳县审计局" in html and "漳县财政局" not in html
