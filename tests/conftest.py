"""Personas (DOMAIN.md §1) and a small county, built through the real services."""

from __future__ import annotations

import os

import pytest

from bianzhi.roles import Role
from tests.builders.registry import make_partner, make_region, make_unit, make_user
from units.choices import Nature

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def region(db):
    return make_region()


@pytest.fixture
def other_region(db):
    return make_region("621102", "安定区")


@pytest.fixture
def unit_a(region):
    return make_unit(
        region, "漳县财政局", quotas={"行政编制": 5, "工勤编制": 1}, posts={"单位正职": 1, "单位副职": 2}
    )


@pytest.fixture
def unit_b(region):
    return make_unit(region, "漳县疾病预防控制中心", nature=Nature.PUBLIC_INSTITUTION, quotas={"事业编制": 8})


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash passwords with MD5: the production hasher (PBKDF2, 1,000,000 rounds) costs about 0.4 s
    for every user a test makes or logs in with a password, which was a large part of the suite's time.
    What the tests check of passwords (rules, history, expiry, lockout) does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Each test starts with empty caches: an upper office's kept roll-ups (bianzhi.lib.scopecache) are
    keyed by region ids, which SQLite hands out again after a test's rollback. The roll-ups are kept in
    each process here (not in the files the web processes share: xdist's workers would meet there);
    tests/test_scope_cache.py checks the shared files."""
    from django.core.cache import caches

    from bianzhi import workdays

    workdays.clear_cache()  # the holiday table's years, per process: a flushed database has none

    settings.CACHES = {
        **settings.CACHES,
        "scope": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.SCOPE_CACHE_REFRESH = "inline"  # a test's data is in its open transaction, unseen by a thread
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def office_admin(region):
    return make_user("admin1", Role.OFFICE_ADMIN, regions=[region], full_name="王管理")


@pytest.fixture
def system_admin(region):
    """系统管理员 (三员分立): keeps the region's accounts."""
    return make_user("sysadmin1", Role.SYSTEM_ADMIN, regions=[region], full_name="吴系统")


@pytest.fixture
def security_admin(region):
    """安全管理员 (三员分立): gives roles, liaison grants and liaison accounts, lifts login locks."""
    return make_user("secadmin1", Role.SECURITY_ADMIN, regions=[region], full_name="郑安全")


@pytest.fixture
def office_staff(region):
    return make_user("staff1", Role.OFFICE_STAFF, regions=[region], full_name="李编办")


@pytest.fixture
def supervisor(region):
    return make_user("leader1", Role.SUPERVISOR, regions=[region], full_name="赵领导")


@pytest.fixture
def liaison_a(unit_a):
    return make_user("liaison_a", Role.LIAISON, units=[unit_a], full_name="财政局联络员")


@pytest.fixture
def liaison_b(unit_b):
    return make_user("liaison_b", Role.LIAISON, units=[unit_b], full_name="疾控中心联络员")


@pytest.fixture
def partner_clerk(region):
    return make_user("partner1", Role.PARTNER, full_name="人社局经办人")


@pytest.fixture
def org_clerk(region):
    return make_partner("org1", "中共漳县县委组织部", [region])


@pytest.fixture
def finance_clerk(region):
    return make_partner("fin1", "漳县财政局", [region])


@pytest.fixture
def si_clerk(region):
    return make_partner("si1", "漳县人力资源和社会保障局", [region])


@pytest.fixture
def tree(region):
    """甘肃省 → 定西市 → 漳县 (the ``region``), 渭源县; 甘肃省 → 天水市 → 甘谷县 (tests/builders/hierarchy.py)."""
    from tests.builders.hierarchy import make_tree

    return make_tree(region)


@pytest.fixture
def city_staff(tree):
    """An office user of 定西市: reads its counties, acts in the city only."""
    from tests.builders.hierarchy import office_user

    return office_user("city_staff", tree.city, full_name="市编办李")


@pytest.fixture
def other_office_staff(other_region):
    return make_user("staff_other", Role.OFFICE_STAFF, regions=[other_region], full_name="外县编办")


from tests.browser import browser, page  # noqa: E402, F401  (browser fixtures for test_browser_*.py)
