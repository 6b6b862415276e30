"""A province of two cities and three counties (issue 17), with an office user at each level."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.services.regions import region_add
from bianzhi.models import Region
from bianzhi.roles import Role
from tests.builders.registry import make_user


@dataclass
class Tree:
    province: Region
    city: Region  # 定西市: 漳县 and 渭源县
    county: Region  # 漳县
    sibling: Region  # 渭源县, the same city's other county
    other_city: Region  # 天水市: 甘谷县
    other_county: Region  # 甘谷县


def make_tree(county: Region | None = None) -> Tree:
    """甘肃省 → 定西市 → 漳县, 渭源县; 甘肃省 → 天水市 → 甘谷县. An existing ``county`` (e.g. the conftest's
    漳县) is put under 定西市."""
    province, _ = region_add("620000", "甘肃省")
    city, _ = region_add("621100", "定西市", parent=province)
    if county is None:
        county, _ = region_add("621125", "漳县", parent=city)
    else:
        county.parent = city
        county.save(update_fields=["parent"])
    sibling, _ = region_add("621123", "渭源县", parent=city)
    other_city, _ = region_add("620500", "天水市", parent=province)
    other_county, _ = region_add("620523", "甘谷县", parent=other_city)
    return Tree(province, city, county, sibling, other_city, other_county)


def office_user(username: str, region: Region, role: Role = Role.OFFICE_STAFF, **kwargs):
    return make_user(username, role, regions=[region], full_name=kwargs.pop("full_name", username), **kwargs)
