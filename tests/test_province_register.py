"""The comparison's register for a city or a province (issue 17): the people, units, quotas and aliases of
the region and every region below it — a province's comparison of 3 × 1,000,000 partner rows is
against its counties' register, not an empty one; a county's register stays its own."""

from __future__ import annotations

import pytest

from tests.builders.compare import partner_csv
from tests.builders.hierarchy import office_user
from tests.builders.registry import make_person, make_unit
from verification.compare.sources import read_partner
from verification.findings.models import Finding
from verification.findings.register import load_register
from verification.findings.services import comparison_run


@pytest.fixture
def people(tree):
    out = {}
    for key, region, name in (
        ("county", tree.county, "漳县水务局"),
        ("sibling", tree.sibling, "渭源县水务局"),
        ("other", tree.other_county, "甘谷县水务局"),
        ("city", tree.city, "定西市水务局"),
    ):
        unit = make_unit(region, name, quotas={"行政编制": 3})
        out[key] = make_person(unit, name=f"{key}人员")
    return out


def _names(register) -> set[str]:
    return {p[0] for p in register.people.values()}


def test_a_county_register_is_its_own(tree, people):
    register = load_register(region=tree.county)
    assert _names(register) == {"county人员"}
    assert {u.name for u in register.units.values()} == {"漳县水务局"}


def test_a_city_register_holds_its_counties_not_the_next_city(tree, people):
    register = load_register(region=tree.city)
    assert _names(register) == {"county人员", "sibling人员", "city人员"}
    assert {u.name for u in register.units.values()} == {"漳县水务局", "渭源县水务局", "定西市水务局"}
    assert {k[0] for k in register.quotas} == {p.unit_id for k, p in people.items() if k != "other"}


def test_a_province_register_holds_everything_below_it(tree, people):
    register = load_register(region=tree.province)
    assert _names(register) == {"county人员", "sibling人员", "other人员", "city人员"}


def test_a_province_comparison_compares_with_its_counties(tree, people):
    admin = office_user("prov_admin", tree.province)
    person = people["other"]
    read = read_partner(partner_csv("org", [_row(person)]), "org", filename="组织部门.csv")
    run = comparison_run(region=tree.province, actor=admin, rows={"org": read.rows})
    assert run.counts["register_people"] == 4
    findings = Finding.objects.filter(region=tree.province)
    # the person the partner sent is in the register (甘谷县, two levels below): not a stranger
    assert not findings.filter(code="ORG_NOT_IN_REG").exists()
    missing = set(findings.filter(code="REG_NOT_IN_ORG").values_list("person_name", flat=True))
    assert missing == {"county人员", "sibling人员", "city人员"}


def _row(person) -> dict:
    return {
        "姓名": person.name,
        "公民身份号码": person.id_number,
        "单位名称": person.unit.name,
        "统一社会信用代码": "",
        "人员类别": "公务员",
        "领导职务": "",
    }
