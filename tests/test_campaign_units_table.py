"""The campaign page's table of units (issue 12 point 5) and the liaison's to-do (point 6), read in the
database: filters, counts at a glance, the 主管部门 roll-up, and the same number of queries at 30 and at
300 units."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders.campaign import make_campaign
from tests.builders.registry import make_unit
from units.choices import Nature
from verification.campaign.models import CampaignUnit, Stage
from verification.campaign.selectors import liaison as liaison_sel
from verification.campaign.selectors import units_table as ut


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(region, office_staff, unit_a, unit_b):
    bureau = make_unit(region, "漳县教育局", quotas={"行政编制": 3})
    make_unit(region, "漳县第一中学", nature=Nature.PUBLIC_INSTITUTION, parent=bureau, quotas={"事业编制": 3})
    make_unit(region, "漳县第二中学", nature=Nature.PUBLIC_INSTITUTION, parent=bureau, quotas={"事业编制": 3})
    make_unit(region, "漳县三岔镇人民政府", township="三岔镇", quotas={"行政编制": 3})
    return make_campaign(region, office_staff)


def test_departments_group_by_the_real_parent(campaign):
    grid = {name: n for name, _id, _row, n in ut.department_grid(campaign)}
    assert grid["漳县教育局"] == 3  # the bureau itself and its two schools
    assert grid[ut.NO_DEPARTMENT] == sum(grid.values()) - 3
    assert "漳县第一中学" not in grid
    bureau = next(i for name, i, _r, _n in ut.department_grid(campaign) if name == "漳县教育局")
    names = {cu.name for cu in ut.unit_table(campaign, {"department": str(bureau)})}
    assert names == {"漳县教育局", "漳县第一中学", "漳县第二中学"}
    assert all(cu.department == ut.NO_DEPARTMENT for cu in ut.unit_table(campaign, {"department": "0"}))


def test_filters_and_counts(campaign, liaison_a, unit_a):
    total = campaign.units.count()
    assert ut.unit_table(campaign, {}).count() == total
    assert [cu.name for cu in ut.unit_table(campaign, {"q": "三岔"})] == ["漳县三岔镇人民政府"]
    unit_a.credit_code = "12621125MB1234567X"
    unit_a.save(update_fields=["credit_code"])
    assert ut.unit_table(campaign, {"q": "MB1234567"}).get().unit == unit_a
    assert [cu.name for cu in ut.unit_table(campaign, {"township": "三岔镇"})] == ["漳县三岔镇人民政府"]
    assert ut.unit_table(campaign, {"township": "县直"}).count() == total - 1
    assert ut.unit_table(campaign, {"liaison": "有"}).get().unit == unit_a
    assert not ut.unit_table(campaign, {"stage": Stage.NOTICE}).exists()
    assert not ut.unit_table(campaign, {"open": "1"}).exists()
    assert not ut.unit_table(campaign, {"overdue": "1"}).exists()
    counts = ut.unit_counts(campaign)
    assert counts.total == total and dict(counts.by_stage)[Stage.SELF_CHECK] == total
    assert counts.overdue == 0 and counts.with_open == 0
    w = campaign.windows.get(stage=Stage.SELF_CHECK)
    w.ends_on = w.starts_on
    w.save()
    assert ut.unit_counts(campaign).overdue == total
    assert ut.unit_table(campaign, {"overdue": "1"}).count() == total


def test_liaison_todo(campaign, liaison_a, unit_a, office_staff):
    rows = liaison_sel.todo(liaison_a)
    assert [r.cu.unit for r in rows] == [unit_a]
    assert rows[0].deadline == campaign.windows.get(stage=Stage.SELF_CHECK).ends_on and not rows[0].overdue
    assert liaison_sel.todo(office_staff) == []


def _grow(campaign, n: int, tag: str) -> None:
    """``n`` more units in the campaign, built with bulk_create (the table reads only the rows)."""
    from units.models import Unit

    base = Unit.objects.filter(region=campaign.region).first()
    units = Unit.objects.bulk_create(
        [
            Unit(
                region=campaign.region,
                name=f"批量{tag}{i:05d}",
                nature=base.nature,
                system=base.system,
                funding=base.funding,
                rank=base.rank,
                township=f"乡镇{i % 7}",
                parent=base if i % 3 == 0 else None,
                founding_document=base.founding_document,
                founded_on=base.founded_on,
            )
            for i in range(n)
        ]
    )
    CampaignUnit.objects.bulk_create(
        [
            CampaignUnit(
                campaign=campaign, unit=u, stage=Stage.SELF_CHECK, snapshot={"unit": {"name": u.name}}
            )
            for u in units
        ]
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_campaign_page_same_queries_at_30_and_300(client, campaign, office_staff):
    client.force_login(office_staff)
    url = reverse("verification:campaign_detail", args=[campaign.pk])
    _grow(campaign, 30 - campaign.units.count(), "甲")
    _queries(client, url)  # warm caches (content types, sessions)
    small = _queries(client, url)
    _grow(campaign, 270, "乙")
    assert campaign.units.count() == 300
    assert _queries(client, url) == small
    page = client.get(url, {"q": "批量", "page": "2"}).content.decode()
    assert page.count('name="cu"') == 50
