"""The 行政区划 page (issue 17): the system administrator's regions as a tree and the form that registers a
new one under its parent — anonymous → login, other roles → 403, the hierarchy refused with its reason,
an addition audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianzhi.models import AuditEntry, Region
from bianzhi.roles import Role
from tests.builders.hierarchy import make_tree
from tests.builders.registry import make_user

URL = reverse("accounts:region_list")


@pytest.fixture
def province_sysadmin(region):
    tree = make_tree(region)
    return make_user("prov_sys", Role.SYSTEM_ADMIN, regions=[tree.province])


def test_anonymous_goes_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("who", ["office_admin", "office_staff", "supervisor", "security_admin", "liaison_a"])
def test_other_roles_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"code": "621126", "name": "某县"}).status_code == 403
    assert not Region.objects.filter(code="621126").exists()


def test_tree_lists_the_province_its_cities_and_counties(client, province_sysadmin):
    client.force_login(province_sysadmin)
    response = client.get(URL)
    names = [(r.name, depth) for r, depth in response.context["tree"]]
    assert (
        names[0] == ("甘肃省", 0)
        and ("天水市", 1) in names
        and ("甘谷县", 2) in names
        and ("漳县", 2) in names
    )
    assert names.index(("天水市", 1)) < names.index(("甘谷县", 2)) < names.index(("定西市", 1))


def test_county_sysadmin_sees_only_the_county(client, system_admin, province_sysadmin):
    client.force_login(system_admin)
    assert [r.name for r, _ in client.get(URL).context["tree"]] == ["漳县"]


def test_adds_a_county_under_a_city_and_audits(client, province_sysadmin):
    client.force_login(province_sysadmin)
    city = Region.objects.get(code="621100")
    response = client.post(URL, {"code": "621126", "name": "岷县", "parent": city.pk, "level": ""})
    assert response.status_code == 302
    added = Region.objects.get(code="621126")
    assert added.parent == city and added.level == "县级"
    entry = AuditEntry.objects.get(action="区划.新增", target_id=str(added.pk))
    assert entry.actor == province_sysadmin


def test_a_wrong_parent_is_refused_with_its_reason(client, province_sysadmin):
    client.force_login(province_sysadmin)
    city = Region.objects.get(code="621100")
    response = client.post(URL, {"code": "630121", "name": "某县", "parent": city.pk})
    assert response.status_code == 400 and "前4位应为 6211" in response.content.decode()
    response = client.post(URL, {"code": "621200", "name": "陇南市", "parent": city.pk})
    assert response.status_code == 400 and "市级区划的上级应为省级区划" in response.content.decode()
    assert not Region.objects.filter(code__in=["630121", "621200"]).exists()
