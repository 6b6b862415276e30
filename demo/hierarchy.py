"""The demo county under its city and province (issue 17): 甘肃省 → 定西市 → 漳县 (and 渭源县, a second county
of the city with no data loaded, so the city's roll-up shows a line per county), with a city office account
that reads and rolls up its counties and pre-reviews their campaign reports, and a province reader.

``seed_city(region, password=…)`` is called by ``seed_demo`` after the county is loaded; it changes no
county data, and the county's own accounts keep seeing only the county."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.services.regions import region_add, region_move
from accounts.services.users import STAFF_ROLES, set_role
from bianzhi.models import Profile, Region
from bianzhi.roles import Role

PROVINCE = ("620000", "甘肃省")
CITY = ("621100", "定西市")
SIBLING = ("621123", "渭源县")
# (account, role, name, department, region code)
CITY_ACCOUNTS = [
    ("city", Role.OFFICE_STAFF, "周市编", "定西市委编办", CITY[0]),
    ("city_leader", Role.SUPERVISOR, "吴主任", "定西市委编办", CITY[0]),
    ("province", Role.SUPERVISOR, "郑处长", "甘肃省委编办", PROVINCE[0]),
]


def seed_city(region: Region, *, password: str) -> dict:
    """Put ``region`` (the demo county) under 定西市 in 甘肃省, add 渭源县, and the upper offices' accounts
    (all sharing ``password``). Returns the regions and the account names."""
    province, _ = region_add(*PROVINCE)
    city, _ = region_add(*CITY, parent=province)
    region_move(region, parent=city)
    region_add(*SIBLING, parent=city)
    regions = {r.code: r for r in (province, city)}
    names = []
    for username, role, full_name, department, code in CITY_ACCOUNTS:
        user = get_user_model().objects.create_user(
            username=username, password=password, is_staff=role in STAFF_ROLES
        )
        set_role(user, role)
        profile = Profile.objects.create(user=user, full_name=full_name, department=department)
        profile.regions.add(regions[code])
        names.append(username)
    return {"province": province, "city": city, "accounts": names}
