"""An upper office's roll-ups are counted once per SCOPE_CACHE_SECONDS per set of regions and shared
between the home page and 预警 (bianzhi.lib.scopecache); a county's office always reads them live."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib import scopecache
from bianzhi.lib.scopecache import counted_at, scoped, upper_scope
from tests.builders.registry import make_person, make_unit
from units.models import Quota

pytestmark = pytest.mark.django_db

GROUPED = "SELECT DISTINCT h.unit_id"  # the 超编/超职数 query (units.selectors.registry._over_ids)


def over_quota_in(tree) -> None:
    unit = make_unit(tree.county, "漳县审计局", quotas={"行政编制": 1})
    make_person(unit)
    Quota.objects.filter(unit=unit).update(approved=0)  # found so at 建账


def test_only_an_upper_office_has_a_kept_scope(tree, city_staff, office_staff, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="pass12345")
    assert upper_scope(city_staff) == {tree.city.pk, tree.county.pk, tree.sibling.pk}
    assert upper_scope(office_staff) is None and upper_scope(superuser) is None
    calls = []
    for user in (office_staff, office_staff, city_staff, city_staff):
        scoped(user, "n", lambda: calls.append(1) or len(calls))
    assert len(calls) == 3  # the county's twice, the city's once


def test_the_city_reads_the_kept_figures_with_their_time_the_county_live(
    client, tree, city_staff, office_staff
):
    client.force_login(city_staff)
    first = client.get(reverse("units:dashboard"))
    assert first.context["over_quota_count"] == 0 and first.context["counted_at"] is not None
    assert "每分钟更新一次" in first.content.decode()
    over_quota_in(tree)
    kept = client.get(reverse("units:dashboard"))
    assert kept.context["over_quota_count"] == 0  # counted less than a minute ago
    assert (
        kept.context["counted_at"] == first.context["counted_at"] == counted_at(city_staff, "region_totals")
    )
    client.force_login(office_staff)
    live = client.get(reverse("units:dashboard"))
    assert live.context["over_quota_count"] == 1 and live.context["counted_at"] is None


def test_no_keeping_when_the_office_sets_zero(client, tree, city_staff, settings):
    settings.SCOPE_CACHE_SECONDS = 0
    client.force_login(city_staff)
    client.get(reverse("units:dashboard"))
    over_quota_in(tree)
    response = client.get(reverse("units:dashboard"))
    assert response.context["over_quota_count"] == 1 and response.context["counted_at"] is None


def test_the_home_page_and_the_warnings_share_the_count(client, tree, city_staff):
    over_quota_in(tree)
    client.force_login(city_staff)
    with CaptureQueriesContext(connection) as home:
        assert client.get(reverse("units:dashboard")).context["over_quota_count"] == 1
    assert sum(GROUPED in q["sql"] for q in home.captured_queries) == 2  # 超编 and 超职数, once each
    with CaptureQueriesContext(connection) as warnings:
        page = client.get(reverse("units:alert_list")).content.decode()
    assert not any(GROUPED in q["sql"] for q in warnings.captured_queries)
    assert "漳县审计局实有人员超过核定编制" in page


def test_a_countys_home_page_counts_once_per_view_and_again_on_the_next(client, tree, office_staff):
    client.force_login(office_staff)
    with CaptureQueriesContext(connection) as home:
        assert client.get(reverse("units:dashboard")).context["over_quota_count"] == 0
    assert sum(GROUPED in q["sql"] for q in home.captured_queries) == 2  # its 预警 panel reuses them
    over_quota_in(tree)
    assert client.get(reverse("units:dashboard")).context["over_quota_count"] == 1  # live on the next view


def test_the_web_processes_share_the_kept_figures_through_files(
    tree, city_staff, settings, tmp_path, monkeypatch
):
    """The ``scope`` cache of the settings (no BIANZHI_SCOPE_CACHE): files under DATA_DIR, so a second
    gunicorn process — here a second cache handler, as a new process builds one — reads what the first
    counted; a figure of another database on the same machine is another key."""
    from django.core.cache import CacheHandler

    from bianzhi import settings as project

    assert project.CACHES["scope"]["BACKEND"].endswith("FileBasedCache")
    files = {**project.CACHES["scope"], "LOCATION": str(tmp_path / "scope")}
    settings.CACHES = {**settings.CACHES, "scope": files}
    calls = []
    assert scoped(city_staff, "n", lambda: calls.append(1) or 41) == 41
    monkeypatch.setattr("bianzhi.lib.scopecache.caches", CacheHandler({"scope": files}))  # the second process
    assert scoped(city_staff, "n", lambda: calls.append(1) or 42) == 41 and len(calls) == 1
    monkeypatch.setitem(connection.settings_dict, "NAME", f"{connection.settings_dict['NAME']}_another")
    assert scoped(city_staff, "n", lambda: calls.append(1) or 43) == 43
    assert any((tmp_path / "scope").iterdir())


def test_an_upper_offices_list_count_is_kept_its_rows_live(client, tree, city_staff, office_staff):
    """The unit and people lists of a city: the count (共 N 条) kept a minute per filter, the rows live;
    a county's counted on every view."""

    def count(user, name, **query):
        client.force_login(user)
        return client.get(reverse(f"units:{name}"), query).context["page"].paginator.count

    city_units, county_units = count(city_staff, "unit_list"), count(office_staff, "unit_list")
    city_people, county_people = count(city_staff, "person_list"), count(office_staff, "person_list")
    unit = make_unit(tree.county, "漳县新设局")
    make_person(unit)
    assert count(city_staff, "unit_list") == city_units and count(city_staff, "person_list") == city_people
    assert count(office_staff, "unit_list") == county_units + 1
    assert count(office_staff, "person_list") == county_people + 1
    client.force_login(city_staff)
    found = client.get(reverse("units:unit_list"), {"q": "新设"}).context["page"]  # another filter: counted
    assert found.paginator.count == 1 and list(found.object_list) == [unit]


def test_an_upper_offices_table_one_figures_are_kept_its_rows_live(client, tree, city_staff, office_staff):
    """表一 of a city: its row count, 合计 and 分区划小计 kept a minute per filter (a province's three sums over
    50,000 rows on every view), the page's rows live; a county's counted on every view."""
    url = reverse("ledgers:table", args=["one"])

    def view(user, **query):
        client.force_login(user)
        context = client.get(url, query).context
        return context["page"].paginator.count, context["totals"][0], context["rollup"], context

    make_unit(tree.county, "漳县发改局", quotas={"行政编制": 5})
    make_unit(tree.sibling, "渭源县发改局", quotas={"行政编制": 4})
    city_count, city_admin, city_rollup, _ = view(city_staff)
    county_count, county_admin, county_rollup, _ = view(office_staff)
    assert city_rollup["lines"] and city_rollup["counted_at"] is not None
    assert county_rollup["lines"] == [] and county_rollup["counted_at"] is None
    unit = make_unit(tree.county, "漳县新设局", quotas={"行政编制": 3})
    count, admin, rollup, context = view(city_staff)
    assert (count, admin, rollup["lines"]) == (city_count, city_admin, city_rollup["lines"])  # kept
    count, admin, _, _ = view(office_staff)
    assert (count, admin) == (county_count + 1, county_admin + 3)
    _, _, _, context = view(city_staff, q="新设")  # another filter: counted now
    assert context["page"].paginator.count == 1 and [r.pk for r in context["page"]] == [unit.pk]


def age(user, name: str, seconds: int) -> str:
    """Make the kept figure ``name`` of the user's scope ``seconds`` old; its key."""
    key = scopecache._key(name, upper_scope(user))
    value = caches["scope"].get(key)[1]
    caches["scope"].set(key, (timezone.now() - dt.timedelta(seconds=seconds), value), 600)
    return key


def test_a_stale_figure_is_shown_while_a_thread_counts_it_again(city_staff, settings):
    """Past SCOPE_CACHE_SECONDS the page gets the kept figure at once and one thread counts it again (a
    province's home page paid 1–2 s once a minute); far past it, the request counts."""
    settings.SCOPE_CACHE_REFRESH = "background"
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert scoped(city_staff, "t", compute) == 1  # nothing kept: counted in the request
    assert scoped(city_staff, "t", compute) == 1 and calls == [1]  # fresh
    age(city_staff, "t", 61)
    assert scoped(city_staff, "t", compute) == 1  # stale: shown at once
    scopecache.wait_for_refreshes()
    assert calls == [1, 1] and scoped(city_staff, "t", compute) == 2  # counted behind the page
    key = age(city_staff, "t", 61)
    caches["scope"].add(f"{key}:refreshing", 1, 60)  # another process is counting it
    assert scoped(city_staff, "t", compute) == 2
    scopecache.wait_for_refreshes()
    assert calls == [1, 1]
    age(city_staff, "t", 601)  # nobody read it for ten periods: not shown, counted now
    assert scoped(city_staff, "t", compute) == 3


def test_a_failed_refresh_keeps_the_older_figure(city_staff, settings):
    settings.SCOPE_CACHE_REFRESH = "background"
    assert scoped(city_staff, "f", lambda: "old") == "old"
    key = age(city_staff, "f", 61)

    def broken():
        raise RuntimeError("boom")

    assert scoped(city_staff, "f", broken) == "old"
    scopecache.wait_for_refreshes()
    assert caches["scope"].get(key)[1] == "old" and caches["scope"].get(f"{key}:refreshing") is None


def test_refreshes_run_one_at_a_time_in_a_quiet_thread(city_staff, settings):
    """A province's stale figures are counted one after another by one thread of the process, at a lower
    CPU priority and (PostgreSQL) without parallel workers: counted all at once they stalled every page
    of the machine once a minute."""
    settings.SCOPE_CACHE_REFRESH = "background"
    seen: list[tuple] = []
    running = []

    def compute(name):
        def count():
            running.append(name)
            parallel = None
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SHOW max_parallel_workers_per_gather")
                    parallel = cursor.fetchone()[0]
            seen.append(
                (
                    name,
                    threading.current_thread().name,
                    os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
                    parallel,
                    len(running),
                )
            )
            running.remove(name)
            return name

        return count

    names = ["a", "b", "c"]
    for name in names:
        scoped(city_staff, name, lambda: "old")
        age(city_staff, name, 61)
    for name in names:
        assert scoped(city_staff, name, compute(name)) == "old"  # shown at once, queued
    scopecache.wait_for_refreshes()
    assert [s[0] for s in seen] == names  # in order, each once
    threads = {s[1] for s in seen}
    assert threads == {"bianzhi-scope-refresh"}
    assert all(s[4] == 1 for s in seen)  # never two at once
    assert all(s[2] >= scopecache.REFRESH_NICE for s in seen)
    assert all(s[3] == ("0" if connection.vendor == "postgresql" else None) for s in seen)
    assert [scoped(city_staff, name, lambda: "again") for name in names] == names
