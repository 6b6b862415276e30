"""Roll-up for an upper office (issue 17): the home page's line per county and total, 表一's 分区划小计 and
county picker, and a city's or province's 统计年报 = the sum of its counties' (kept version, else live) —
everything below, nothing beside, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services.regions import region_add
from bianzhi.models import AuditEntry
from tests.builders.hierarchy import office_user
from tests.builders.registry import make_person, make_unit
from units import selectors
from yearbook.selectors.rollup import LIVE, OWN, parts_of
from yearbook.services import report_generate, report_submit


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def figures(tree):
    """漳县: 2 units (5 + 3 行政编制), 2 people; 渭源县: 1 unit (4), 1 person; 甘谷县 (the next city): 1 unit (9)."""
    a = make_unit(tree.county, "漳县发改局", quotas={"行政编制": 5})
    b = make_unit(tree.county, "漳县商务局", quotas={"行政编制": 3})
    c = make_unit(tree.sibling, "渭源县发改局", quotas={"行政编制": 4})
    make_unit(tree.other_county, "甘谷县发改局", quotas={"行政编制": 9})
    for unit in (a, b, c):
        make_person(unit)
    make_person(a)
    return tree


def line(rollup, label):
    return next(r for r in rollup if r["label"] == label)


# ---- the home page -------------------------------------------------------------------------------------


def test_city_dashboard_has_a_line_per_county_and_the_total(client, figures, city_staff):
    client.force_login(city_staff)
    response = client.get(reverse("units:dashboard"))
    rollup = response.context["rollup"]
    assert [r["label"] for r in rollup] == ["渭源县", "漳县", "合计"]  # in code order
    assert (
        line(rollup, "漳县")["units"],
        line(rollup, "漳县")["approved"],
        line(rollup, "漳县")["occupied"],
    ) == (
        2,
        8,
        3,
    )
    total = line(rollup, "合计")
    assert (total["units"], total["approved"], total["occupied"], total["vacancy"]) == (3, 12, 4, 8)
    html = response.content.decode()
    assert "分区划汇总" in html and "甘谷县" not in html


def test_province_dashboard_has_subtotals_per_city(client, figures):
    client.force_login(office_user("prov", figures.province))
    rollup = client.get(reverse("units:dashboard")).context["rollup"]
    labels = [r["label"] for r in rollup]
    assert labels == ["甘谷县", "天水市小计", "渭源县", "漳县", "定西市小计", "合计"]
    assert line(rollup, "定西市小计")["approved"] == 12 and line(rollup, "合计")["approved"] == 21


def test_county_dashboard_has_no_rollup(client, figures, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("units:dashboard"))
    assert response.context["rollup"] == [] and "分区划汇总" not in response.content.decode()
    assert response.context["unit_total"] == 2


def _queries(client, url) -> int:
    from bianzhi import workdays

    workdays.clear_cache()  # each count from the same state: the home page reads the holiday years once
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_and_table_one_queries_do_not_grow_with_counties(client, figures, city_staff):
    client.force_login(city_staff)
    urls = [reverse("units:dashboard"), reverse("ledgers:table", args=["one"])]
    before = [_queries(client, u) for u in urls]
    for n in range(4):
        county, _ = region_add(f"6211{30 + n}", f"新县{n}", parent=figures.city)
        make_person(make_unit(county, f"新县{n}发改局", quotas={"行政编制": 2}))
    city_staff.__dict__.pop("_bianzhi_scope", None)
    after = [_queries(client, u) for u in urls]
    assert after == before
    rollup = client.get(urls[0]).context["rollup"]
    assert len(rollup) == 7 and line(rollup, "合计")["approved"] == 20


def test_vacancy_alerts_read_every_region_at_once(figures, city_staff):
    from django.contrib.auth import get_user_model

    from units.alerts import vacancy_low

    def count() -> int:
        user = get_user_model().objects.get(pk=city_staff.pk)  # nothing cached
        with CaptureQueriesContext(connection) as ctx:
            vacancy_low(user, today=None)
        return len(ctx.captured_queries)

    first = count()
    for n in range(3):
        county, _ = region_add(f"6211{40 + n}", f"又一县{n}", parent=figures.city)
        make_unit(county, f"又一县{n}财政局", quotas={"行政编制": 1})
    assert count() == first


# ---- 表一 ----------------------------------------------------------------------------------------------


def test_table_one_of_a_city_groups_its_counties(client, figures, city_staff):
    client.force_login(city_staff)
    url = reverse("ledgers:table", args=["one"])
    html = client.get(url).content.decode()
    assert "分区划小计" in html and "渭源县发改局" in html and "甘谷县发改局" not in html
    assert html.index("渭源县发改局") < html.index("漳县发改局")  # grouped by county (code order)
    one = client.get(url, {"region": figures.sibling.pk})
    names = [r.name for r, _ in one.context["rows"]]
    assert names == ["渭源县发改局"]
    outside = client.get(url, {"region": figures.other_county.pk})
    assert [r for r, _ in outside.context["rows"]] == []


def test_table_one_of_a_county_has_no_picker(client, figures, office_staff):
    client.force_login(office_staff)
    html = client.get(reverse("ledgers:table", args=["one"])).content.decode()
    assert "分区划小计" not in html and 'name="region"' not in html and "漳县发改局" in html


# ---- 统计年报 ----------------------------------------------------------------------------------------------


def test_city_yearbook_sums_kept_and_live_counties(figures, office_staff, city_staff):
    kept = report_generate(region=figures.county, year=2025, actor=office_staff)
    report_submit(report=kept, actor=office_staff, confirmed=True)
    parts = {p["region"].name: p for p in parts_of(figures.city, 2025)}
    assert set(parts) == {"漳县", "渭源县"}
    assert parts["漳县"]["source"] == "已报送" and parts["漳县"]["version"] == 1
    assert parts["渭源县"]["source"] == LIVE

    report = report_generate(region=figures.city, year=2025, actor=city_staff)
    summary = report.tables["summary"]
    assert summary["units"] == 3 and summary["people"] == 4 and summary["approved"]["行政编制"] == 12
    quotas = next(t for t in report.tables["tables"] if t["key"] == "quotas")
    county = next(t for t in kept.tables["tables"] if t["key"] == "quotas")
    assert quotas["total"][0] == "合计" and quotas["head"] == county["head"]
    assert [p["region"] for p in report.tables["parts"]] == ["渭源县", "漳县"]
    entry = AuditEntry.objects.get(action="统计年报.生成", region=figures.city)
    assert entry.actor == city_staff and entry.after["summary"]["units"] == 3


def test_province_yearbook_includes_the_next_city_and_own_units(figures, tree):
    make_unit(tree.city, "定西市直属单位", quotas={"行政编制": 1})
    parts = parts_of(tree.province, 2025)
    assert [(p["region"].name, p["source"]) for p in parts] == [
        ("甘谷县", LIVE),
        ("定西市", OWN),
        ("渭源县", LIVE),
        ("漳县", LIVE),
    ]
    report = report_generate(region=tree.province, year=2025, actor=office_user("prov", tree.province))
    assert report.tables["summary"]["units"] == 5 and report.tables["summary"]["approved"]["行政编制"] == 22


def test_city_does_not_generate_a_countys_yearbook(figures, city_staff):
    with pytest.raises(PermissionDenied, match="漳县的机构编制数据由该县编办维护。"):
        report_generate(region=figures.county, year=2025, actor=city_staff)


def test_city_reads_its_counties_reports_not_the_next_citys(client, figures, office_staff, city_staff, tree):
    mine = report_generate(region=figures.county, year=2025, actor=office_staff)
    other = report_generate(region=tree.other_county, year=2025, actor=office_user("gg", tree.other_county))
    client.force_login(city_staff)
    assert client.get(reverse("yearbook:report_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("yearbook:report_detail", args=[other.pk])).status_code == 404
    form = client.get(reverse("yearbook:report_generate")).context["form"]
    assert list(form.fields["region"].queryset) == [tree.city]


def test_live_units_of_a_city_user_reach_below(figures, city_staff):
    names = set(selectors.live_legal_units(city_staff).values_list("name", flat=True))
    assert names == {"漳县发改局", "漳县商务局", "渭源县发改局"}


def test_city_report_page_names_its_parts(client, figures, office_staff, city_staff):
    report_generate(region=figures.county, year=2025, actor=office_staff)
    city_report = report_generate(region=figures.city, year=2025, actor=city_staff)
    client.force_login(city_staff)
    html = client.get(reverse("yearbook:report_detail", args=[city_report.pk])).content.decode()
    assert "汇总范围：2 个区划" in html and "最新版本（未报送）" in html and "实时计算（未生成年报）" in html
    client.force_login(office_staff)  # the county does not read the city's report
    assert client.get(reverse("yearbook:report_detail", args=[city_report.pk])).status_code == 404
