"""Bulk actions of a campaign (issue 11 point 6): each unit goes through the single-unit service in its
own transaction; a refusal of one unit (with its Chinese reason) does not stop the others; missing
parameters or a read-only actor refuse the whole action; the units page filters, selects and shows each
unit's result, with the same number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.campaign import make_campaign, walk_to
from tests.builders.registry import make_unit, make_user
from units.choices import Nature
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import CampaignUnit, Notice, Stage
from verification.campaign.services import bulk

POSTED = dt.date(2026, 11, 13)  # Friday; the notice's 5th full working day is 2026-11-20


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def units(region, unit_a, unit_b):
    c = make_unit(region, "漳县三岔镇人民政府", township="三岔镇", quotas={"行政编制": 3})
    return [unit_a, unit_b, c]


@pytest.fixture
def campaign(office_staff, units, liaison_a):
    return make_campaign(units[0].region, office_staff)


def cus(campaign) -> list[CampaignUnit]:
    return list(campaign.units.order_by("id"))


def test_bulk_selfcheck_on_behalf_refuses_one_unit_and_does_the_others(campaign, office_staff, liaison_a):
    a, b, c = cus(campaign)
    cs.selfcheck_answer(cu=a, item="机构清", answer="不相符", text="少一个股室", actor=liaison_a)
    results = bulk.bulk_apply(
        campaign, [a.pk, b.pk, c.pk], "selfcheck_clean", office_staff, {"on_behalf_reason": "纸质报送"}
    )
    assert [(r.cu_id, r.done) for r in results] == [(a.pk, False), (b.pk, True), (c.pk, True)]
    assert "联络员已填写了部分自查事项" in results[0].message
    stages = dict(CampaignUnit.objects.filter(campaign=campaign).values_list("pk", "stage"))
    assert stages == {a.pk: Stage.SELF_CHECK, b.pk: Stage.NOTICE, c.pk: Stage.NOTICE}
    for cu in (b, c):
        cu.refresh_from_db()
        assert (
            cu.selfcheck_on_behalf
            and cu.items.filter(on_behalf=True, answer__in=["相符", "无差异"]).count() == 5
        )
        assert AuditEntry.objects.filter(
            target_id=str(cu.pk), action="核查.代填提交", reason="纸质报送"
        ).exists()
    assert a.items.get(item="机构清").answer == "不相符"  # the liaison's answer was not overwritten


def test_bulk_refused_as_a_whole(campaign, office_staff, supervisor, liaison_a, other_office_staff):
    ids = [cu.pk for cu in cus(campaign)]
    with pytest.raises(ValidationError, match="代填原因"):
        bulk.bulk_apply(campaign, ids, "selfcheck_clean", office_staff, {})
    with pytest.raises(ValidationError, match="请填写公示日期"):
        bulk.bulk_apply(campaign, ids, "notice_post", office_staff, {"posted_on": None})
    with pytest.raises(ValidationError, match="批量操作无效"):
        bulk.bulk_apply(campaign, ids, "delete", office_staff, {})
    with pytest.raises(ValidationError, match="请先勾选"):
        bulk.bulk_apply(campaign, [], "advance", office_staff, {})
    for user in (supervisor, liaison_a, other_office_staff):
        with pytest.raises(PermissionDenied):
            bulk.bulk_apply(campaign, ids, "advance", user, {})
    assert not CampaignUnit.objects.exclude(stage=Stage.SELF_CHECK).exists()
    assert (
        not AuditEntry.objects.filter(action__in=["核查.代填自查", "核查.环节流转"])
        .exclude(after__stage=Stage.SELF_CHECK)
        .exists()
    )


def test_bulk_notice_post_remove_and_advance(campaign, office_staff, liaison_a):
    a, b, c = cus(campaign)
    bulk.bulk_apply(campaign, [b.pk, c.pk], "selfcheck_clean", office_staff, {"on_behalf_reason": "无联络员"})
    ids = [a.pk, b.pk, c.pk]
    future = bulk.bulk_apply(campaign, ids, "notice_post", office_staff, {"posted_on": dt.date(2099, 1, 1)})
    assert not any(r.done for r in future)
    posted = bulk.bulk_apply(
        campaign, ids, "notice_post", office_staff, {"posted_on": POSTED, "place": "公示栏"}
    )
    assert [r.done for r in posted] == [False, True, True]
    assert "当前处于“单位自查”环节" in posted[0].message
    assert (
        Notice.objects.filter(
            campaign_unit__in=[b, c], posted_on=POSTED, ends_on=dt.date(2026, 11, 20)
        ).count()
        == 2
    )
    early = bulk.bulk_apply(
        campaign, [b.pk, c.pk], "notice_remove", office_staff, {"removed_on": dt.date(2026, 11, 19)}
    )
    assert all("期满后才能撤除" in r.message for r in early)
    removed = bulk.bulk_apply(
        campaign, [b.pk, c.pk], "notice_remove", office_staff, {"removed_on": dt.date(2026, 11, 20)}
    )
    assert all(r.done for r in removed)
    assert AuditEntry.objects.filter(action="核查.撤除公示").count() == 2
    advanced = bulk.bulk_apply(campaign, ids, "advance", office_staff, {})
    assert [r.done for r in advanced] == [False, True, True]
    assert "代填原因" in advanced[0].message  # the office advances a self-check only as 代填
    assert set(campaign.units.filter(pk__in=[b.pk, c.pk]).values_list("stage", flat=True)) == {
        Stage.COMPARISON
    }


def test_bulk_prereview(campaign, office_staff, liaison_a, unit_a):
    a, b, _c = cus(campaign)
    walk_to(a, Stage.UPDATE, liaison=liaison_a, staff=office_staff, people=list(unit_a.people.all()))
    results = bulk.bulk_apply(campaign, [a.pk, b.pk], "prereview_pass", office_staff, {})
    assert [r.done for r in results] == [True, False]
    a.refresh_from_db()
    assert a.prereview_passed is True and a.prereviewed_by_name == "李编办"
    assert AuditEntry.objects.filter(action="核查.预审核", target_id=str(a.pk)).count() == 1


def test_unit_rows_filters(campaign, units, liaison_a):
    both = {"liaison": ""}
    assert len(sel.unit_rows(campaign, both)) == 3
    assert [r.cu.unit for r in sel.unit_rows(campaign, {"liaison": "有"})] == [units[0]]
    assert [r.cu.unit for r in sel.unit_rows(campaign, {"township": "三岔镇"})] == [units[2]]
    assert len(sel.unit_rows(campaign, {"township": "县直"})) == 2
    assert [r.cu.unit for r in sel.unit_rows(campaign, {"nature": Nature.PUBLIC_INSTITUTION})] == [units[1]]
    assert sel.unit_rows(campaign, {"stage": Stage.NOTICE}) == []
    assert sel.townships(campaign) == ["县直", "三岔镇"]


# ---- the page ----------------------------------------------------------------------------------------


def test_units_page_permissions(client, campaign, liaison_a, supervisor):
    url = reverse("verification:campaign_units", args=[campaign.pk])
    assert client.get(url).status_code == 302
    client.force_login(liaison_a)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "advance", "scope": "filtered"}).status_code == 404
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert "漳县财政局" in page and "批量办理</button>" not in page
    assert client.post(url, {"action": "advance", "scope": "filtered"}).status_code == 403
    assert not CampaignUnit.objects.exclude(stage=Stage.SELF_CHECK).exists()


def test_units_page_bulk_on_the_filtered_units_shows_results(client, campaign, office_staff):
    client.force_login(office_staff)
    url = reverse("verification:campaign_units", args=[campaign.pk])
    assert "漳县三岔镇人民政府" not in client.get(url, {"liaison": "有"}).content.decode()
    clean = {"action": "selfcheck_clean", "scope": "filtered", "f_liaison": "无", "confirm": "1"}
    r = client.post(url, clean)
    assert "批量代填须选择代填原因" in r.content.decode()
    r = client.post(
        url, clean | {"on_behalf_reason": "无联络员", "confirm": ""}
    )  # not confirmed: nothing done
    assert r.status_code == 200 and not AuditEntry.objects.filter(action="核查.代填自查").exists()
    r = client.post(url, clean | {"on_behalf_reason": "无联络员"})
    page = r.content.decode()
    assert r.status_code == 200 and "2 个单位已办理，0 个未办理" in page
    a, b, c = cus(campaign)
    assert [a.stage, b.stage, c.stage] == [Stage.SELF_CHECK, Stage.NOTICE, Stage.NOTICE]
    assert AuditEntry.objects.filter(action="核查.代填自查", actor=office_staff).count() == 2
    # ticked units: the one with a liaison is refused with its reason, shown on the page
    r = client.post(
        url, {"action": "notice_post", "cu": [a.pk, b.pk], "posted_on": "2026-11-13", "confirm": "1"}
    )
    page = r.content.decode()
    assert "1 个单位已办理，1 个未办理" in page and "未办理：该单位当前处于“单位自查”环节" in page
    assert Notice.objects.filter(campaign_unit=b).exists()


def _campaign_of(n: int, region, staff):
    for i in range(n):
        make_unit(region, f"批量单位{i:02d}", township=f"乡镇{i % 3}", quotas={"行政编制": 2})
    return make_campaign(region, staff, name=f"批量{n}")


@pytest.mark.parametrize("n", [4, 20])
def test_units_page_queries_do_not_grow(n, client, region, office_staff, django_assert_max_num_queries):
    campaign = _campaign_of(n, region, office_staff)
    liaison = make_user("l_bulk", Role.LIAISON, units=[campaign.units.first().unit])
    assert liaison.pk
    client.force_login(office_staff)
    url = reverse("verification:campaign_units", args=[campaign.pk])
    with django_assert_max_num_queries(10):
        r = client.get(url, {"liaison": "无"})
    assert r.status_code == 200 and r.content.decode().count('name="cu"') == n - 1
