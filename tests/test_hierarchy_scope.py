"""Regions in a hierarchy (issue 17): an office user of a city or province reads everything below it and
nothing beside it; a county user sees nothing above; upper offices read but do not keep a county's
registry; the hierarchy is checked when a region is added."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services.regions import region_add
from bianzhi.models import AuditEntry, Region, RegionLevel
from bianzhi.roles import Role, acting_region_ids, can, region_ids, works_in
from tests.builders.hierarchy import office_user
from tests.builders.registry import make_unit
from units import selectors, services
from units.models import Unit


@pytest.fixture
def units(tree):
    return {
        "county": make_unit(tree.county, "漳县水务局"),
        "sibling": make_unit(tree.sibling, "渭源县水务局"),
        "other": make_unit(tree.other_county, "甘谷县水务局"),
        "city": make_unit(tree.city, "定西市水务局"),
    }


@pytest.fixture
def province_staff(tree):
    return office_user("prov_staff", tree.province, full_name="省编办")


def test_levels_come_from_the_code_and_are_stored(tree):
    assert tree.province.level == RegionLevel.PROVINCE
    assert tree.city.level == RegionLevel.CITY
    assert tree.other_county.level == RegionLevel.COUNTY
    assert Region.objects.get(code="621125").parent == tree.city


def test_city_user_reads_its_counties_not_the_next_city(tree, city_staff):
    ids = region_ids(city_staff)
    assert ids == {tree.city.pk, tree.county.pk, tree.sibling.pk}
    assert acting_region_ids(city_staff) == {tree.city.pk}
    assert works_in(city_staff, tree.county) and not works_in(city_staff, tree.county, acting=True)
    assert not works_in(city_staff, tree.other_county) and not works_in(city_staff, tree.province)


def test_province_user_reads_every_city_and_county(tree, province_staff):
    assert region_ids(province_staff) == set(Region.objects.values_list("pk", flat=True))
    assert acting_region_ids(province_staff) == {tree.province.pk}


def test_county_user_sees_nothing_above(tree, office_staff, units):
    assert region_ids(office_staff) == {tree.county.pk}
    seen = set(selectors.units_for(office_staff).values_list("name", flat=True))
    assert seen == {"漳县水务局"}
    with pytest.raises(Exception, match="没有找到该机构"):
        selectors.unit_for(office_staff, units["city"].pk)


def test_city_units_include_its_counties_only(city_staff, units):
    seen = set(selectors.units_for(city_staff).values_list("name", flat=True))
    assert seen == {"漳县水务局", "渭源县水务局", "定西市水务局"}
    with pytest.raises(Exception, match="没有找到该机构"):
        selectors.unit_for(city_staff, units["other"].pk)


def test_city_office_reads_but_does_not_keep_a_countys_registry(city_staff, units):
    assert can(city_staff, "view_registry", region=units["county"].region_id)
    assert not can(city_staff, "edit_registry", region=units["county"].region_id)
    with pytest.raises(PermissionDenied, match="漳县的机构编制数据由该县编办维护。"):
        services.unit_update(unit=units["county"], actor=city_staff, township="市里改")
    with pytest.raises(PermissionDenied, match="漳县的机构编制数据由该县编办维护。"):
        make_unit(units["county"].region, "市里建的单位", actor=city_staff)
    assert not AuditEntry.objects.filter(actor=city_staff).exists()
    assert Unit.objects.get(pk=units["county"].pk).township != "市里改"


def test_city_office_keeps_its_own_units(city_staff, units):
    services.unit_update(unit=units["city"], actor=city_staff, township="城关镇")
    assert Unit.objects.get(pk=units["city"].pk).township == "城关镇"
    assert AuditEntry.objects.filter(actor=city_staff, target_id=str(units["city"].pk)).exists()


def test_another_region_is_refused_with_the_general_words(city_staff, units):
    with pytest.raises(PermissionDenied, match="您不能办理其他区划的事项。"):
        services.unit_update(unit=units["other"], actor=city_staff, township="x")


def test_scope_costs_at_most_two_queries_at_a_hundred_counties(tree, province_staff):
    parent = tree.other_city
    for n in range(100):
        Region.objects.create(code=f"65{1001 + n}", name=f"县{n}", parent=parent)
    province_staff.__dict__.pop("_bianzhi_scope", None)
    with CaptureQueriesContext(connection) as ctx:
        ids = region_ids(province_staff)
        region_ids(province_staff)
        works_in(province_staff, tree.county)
    assert len(ids) == Region.objects.count() and len(ctx.captured_queries) == 2


# ---- pages -------------------------------------------------------------------------------------------


def test_city_user_opens_a_countys_unit_and_not_the_next_citys(client, city_staff, units):
    client.force_login(city_staff)
    assert client.get(reverse("units:unit_detail", args=[units["sibling"].pk])).status_code == 200
    assert client.get(reverse("units:unit_detail", args=[units["other"].pk])).status_code == 404


def test_county_user_cannot_open_the_citys_unit(client, office_staff, units):
    client.force_login(office_staff)
    assert client.get(reverse("units:unit_detail", args=[units["city"].pk])).status_code == 404


def test_unit_list_of_the_city_lists_its_counties_units(client, city_staff, units, tree, office_staff):
    client.force_login(city_staff)
    response = client.get(reverse("units:unit_list"))
    html = response.content.decode()
    assert "漳县水务局" in html and "渭源县水务局" in html and "甘谷县水务局" not in html
    assert [r.name for r in response.context["regions"]] == ["定西市", "渭源县", "漳县"]
    one = client.get(reverse("units:unit_list"), {"region": tree.sibling.pk})
    assert [u.name for u, _, _ in one.context["rows"]] == ["渭源县水务局"]
    client.force_login(office_staff)
    assert client.get(reverse("units:unit_list")).context["regions"] == []


def test_create_form_offers_only_the_users_own_region(client, city_staff, units, tree):
    client.force_login(city_staff)
    form = client.get(reverse("units:unit_create")).context["form"]
    assert list(form.fields["region"].queryset) == [tree.city]
    assert set(form.fields["parent"].queryset.values_list("name", flat=True)) == {"定西市水务局"}


# ---- adding regions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_region_add_checks_the_hierarchy():
    province, _ = region_add("620000", "甘肃省")
    city, _ = region_add("621100", "定西市", parent=province)
    county, _ = region_add("621125", "漳县", parent=city)
    cases = [
        (("621126", "某县"), {"parent": county}, "上级应为市级或省级"),
        (("621200", "陇南市"), {"parent": city}, "上级应为省级"),
        (("630000", "青海省"), {"parent": province}, "不能有上级"),
        (("631121", "某县"), {"parent": city}, "前4位应为 6211"),
        (("630100", "西宁市"), {"parent": province}, "前2位应为 62"),
        (("621127", "某县"), {"parent": city, "level": "区级"}, "层级"),
    ]
    for args, kwargs, words in cases:
        with pytest.raises(ValidationError, match=words):
            region_add(*args, **kwargs)
    assert Region.objects.count() == 3
    assert AuditEntry.objects.filter(action="区划.新增").count() == 3


@pytest.mark.django_db
def test_a_municipality_district_and_a_province_administered_county():
    beijing, _ = region_add("110000", "北京市")
    district, _ = region_add("110101", "东城区", parent=beijing)
    hubei, _ = region_add("420000", "湖北省")
    xiantao, _ = region_add("429004", "仙桃市", parent=hubei)
    assert district.level == xiantao.level == RegionLevel.COUNTY
    assert AuditEntry.objects.get(target_id=str(district.pk)).after["level"] == "县级"


@pytest.mark.django_db
def test_add_region_command_takes_a_level():
    from django.core.management import call_command

    call_command("add_region", "110000", "北京市")
    call_command("add_region", "110100", "北京市市辖区", "--parent", "110000", "--level", "县级")
    assert Region.objects.get(code="110100").level == RegionLevel.COUNTY


def test_liaison_and_partner_scope_unchanged(tree, liaison_a, partner_clerk):
    assert region_ids(liaison_a) == frozenset() or tree.city.pk not in region_ids(liaison_a)
    assert not can(partner_clerk, "view_registry")
    assert Role.LIAISON


# ---- moving a county under its city; the demo's city ------------------------------------------------------


def test_region_move_checks_and_audits(region, system_admin, office_admin):
    from accounts.services.regions import region_move

    province, _ = region_add("620000", "甘肃省")
    city, _ = region_add("621100", "定西市", parent=province)
    with pytest.raises(PermissionDenied):
        region_move(region, parent=city, actor=office_admin)
    with pytest.raises(ValidationError, match="上级应为市级或省级"):
        other, _ = region_add("621123", "渭源县", parent=city)
        region_move(region, parent=other, actor=system_admin)
    region_move(region, parent=city, actor=system_admin)
    region.refresh_from_db()
    assert region.parent == city
    entry = AuditEntry.objects.get(action="区划.调整上级")
    assert (
        entry.actor == system_admin
        and entry.before == {"parent": None}
        and entry.after == {"parent": "621100"}
    )


def test_seed_city_puts_the_county_under_its_city(region, unit_a, office_staff):
    from demo.hierarchy import seed_city

    out = seed_city(region, password="Bianzhi@2021")
    region.refresh_from_db()
    assert region.parent.name == "定西市" and region.parent.parent.name == "甘肃省"
    assert out["accounts"] == ["city", "city_leader", "province"]
    from django.contrib.auth import get_user_model

    city = get_user_model().objects.get(username="city")
    assert set(selectors.units_for(city).values_list("name", flat=True)) == {"漳县财政局"}
    assert can(city, "review_reports", region=region.parent) and not can(city, "edit_registry", region=region)
    assert region_ids(office_staff) == {region.pk}


def test_a_countys_unit_page_offers_the_city_no_change(client, city_staff, units, office_staff):
    client.force_login(city_staff)
    response = client.get(reverse("units:unit_detail", args=[units["county"].pk]))
    assert response.context["can"]["view_registry"] and not response.context["can"]["edit_registry"]
    assert reverse("units:quota_change", args=[units["county"].pk]) not in response.content.decode()
    own = client.get(reverse("units:unit_detail", args=[units["city"].pk]))
    assert own.context["can"]["edit_registry"]
    client.force_login(office_staff)
    page = client.get(reverse("units:unit_detail", args=[units["county"].pk]))
    assert reverse("units:quota_change", args=[units["county"].pk]) in page.content.decode()


def test_people_list_of_the_city_names_the_county(client, city_staff, units, tree, office_staff):
    from tests.builders.registry import make_person

    make_person(units["county"], name="张三")
    make_person(units["sibling"], name="李四")
    make_person(units["other"], name="王五")
    client.force_login(city_staff)
    response = client.get(reverse("units:person_list"))
    assert {p.name for p in response.context["page"]} == {"张三", "李四"}
    assert "渭源县" in response.content.decode()
    one = client.get(reverse("units:person_list"), {"region": tree.sibling.pk})
    assert [p.name for p in one.context["page"]] == ["李四"]
    client.force_login(office_staff)
    assert client.get(reverse("units:person_list")).context["regions"] == []


def test_supervision_and_registration_forms_offer_the_city_its_own_units_only(
    client, city_staff, units, tree
):
    """A city's office reads its counties' supervision and registration; it records in its own region
    (the services refuse a county's region or unit; the forms do not offer them)."""
    from units.choices import Nature

    city_pi = make_unit(tree.city, "定西市水文站", nature=Nature.PUBLIC_INSTITUTION)
    make_unit(tree.county, "漳县水文站", nature=Nature.PUBLIC_INSTITUTION)
    client.force_login(city_staff)
    for name in ("supervision:report_create", "supervision:self_create", "supervision:inspection_create"):
        form = client.get(reverse(name)).context["form"]
        assert list(form.fields["region"].queryset) == [tree.city], name
        for field in ("unit", "units"):
            if field in form.fields:
                assert set(form.fields[field].queryset) == {units["city"], city_pi}, name
    assert list(
        client.get(reverse("supervision:year_archive")).context["form"].fields["region"].queryset
    ) == [tree.city]
    form = client.get(reverse("registration:application_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [city_pi]
    # reading is unchanged: a county's supervision page opens for the city, its archive form offers the city
    page = client.get(reverse("supervision:index"), {"region": tree.county.pk})
    assert page.status_code == 200 and page.context["region"] == tree.county and not page.context["can_write"]
    assert list(page.context["archive_form"].fields["region"].queryset) == [tree.city]
