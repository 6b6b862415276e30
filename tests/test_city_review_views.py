"""The pre-review pages (issue 17): anonymous → login; another city's office or another county → 404;
read-only roles → 403; the county submits and the city decides through confirmed POSTs (state changed and
audited); the county sees the comments on its campaign page; the city's campaign list shows its counties'
campaigns and those waiting for it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.campaign import make_campaign
from tests.builders.hierarchy import office_user
from tests.builders.registry import make_unit
from tests.test_city_review import done_campaign
from verification.campaign import services as cs
from verification.campaign.models import CountyReview


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(tree, office_staff, liaison_a, unit_a):
    return done_campaign(tree.county, office_staff, liaison_a, unit_a)


def urls(campaign):
    return {
        "page": reverse("verification:campaign_review", args=[campaign.pk]),
        "submit": reverse("verification:campaign_review_submit", args=[campaign.pk]),
        "decide": reverse("verification:campaign_review_decide", args=[campaign.pk]),
    }


def test_anonymous_is_sent_to_login(client, campaign):
    for url in urls(campaign).values():
        response = client.post(url) if url.endswith(("submit/", "decide/")) else client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_another_city_and_a_county_outside_get_404(client, campaign, tree, other_office_staff):
    next_city = office_user("tianshui", tree.other_city)
    for user in (next_city, other_office_staff):
        client.force_login(user)
        u = urls(campaign)
        assert client.get(u["page"]).status_code == 404
        assert client.post(u["submit"], {"confirm": "1"}).status_code == 404
        assert client.post(u["decide"], {"confirm": "1", "decision": "通过"}).status_code == 404
    assert not CountyReview.objects.exists()


def test_liaison_gets_404(client, campaign, liaison_a):
    client.force_login(liaison_a)
    assert client.get(urls(campaign)["page"]).status_code == 404


def test_read_only_roles_get_403(client, campaign, supervisor, office_staff, tree):
    client.force_login(supervisor)
    assert client.post(urls(campaign)["submit"], {"confirm": "1"}).status_code == 403
    cs.review_submit(campaign=campaign, actor=office_staff)
    client.force_login(office_user("city_leader", tree.city, Role.SUPERVISOR))
    response = client.post(urls(campaign)["decide"], {"confirm": "1", "decision": "通过"})
    assert response.status_code == 403 and "只有上级编办" in response.content.decode()
    client.force_login(city_staff_of(tree))
    assert client.post(urls(campaign)["submit"], {"confirm": "1"}).status_code == 403


def city_staff_of(tree):
    return office_user("city_staff2", tree.city)


def test_get_on_an_action_is_405(client, campaign, office_staff):
    client.force_login(office_staff)
    assert client.get(urls(campaign)["submit"]).status_code == 405
    assert client.get(urls(campaign)["decide"]).status_code == 405


def test_county_submits_city_returns_county_reads_the_comments(client, campaign, office_staff, city_staff):
    u = urls(campaign)
    client.force_login(office_staff)
    page = client.get(u["page"]).content.decode()
    assert "报送定西市编办预审核" in page and "未报送" in page
    response = client.post(u["submit"], {"note": "请审核"})  # no confirmation: nothing happens
    assert response.status_code == 200 and "确认办理" in response.content.decode()
    assert not CountyReview.objects.exists()
    response = client.post(u["submit"], {"note": "请审核", "confirm": "1"})
    assert response.status_code == 302 and CountyReview.objects.get().note == "请审核"
    assert AuditEntry.objects.filter(action="核查.报送预审核", actor=office_staff).exists()

    client.force_login(city_staff)
    listing = client.get(reverse("verification:campaign_list")).content.decode()
    assert "待本级预审核的县级报告（1）" in listing and campaign.name in listing
    page = client.get(u["page"]).content.decode()
    assert "第1轮预审核" in page
    response = client.post(u["decide"], {"decision": "退回", "comments": "", "confirm": "1"})
    assert response.status_code == 200 and "退回须填写预审核意见" in response.content.decode()
    assert CountyReview.objects.get().decision == "待审核"
    response = client.post(u["decide"], {"decision": "退回", "comments": "附件3人数有误。", "confirm": "1"})
    assert response.status_code == 302
    review = CountyReview.objects.get()
    assert review.decision == "退回" and review.decided_by == city_staff
    assert AuditEntry.objects.filter(action="核查.预审核退回", actor=city_staff).exists()

    client.force_login(office_staff)
    detail = client.get(reverse("verification:campaign_detail", args=[campaign.pk])).content.decode()
    assert "附件3人数有误。" in detail and "已退回修改" in detail
    response = client.post(reverse("verification:campaign_close", args=[campaign.pk]), {"confirm": "1"})
    assert "被定西市编办退回" in response.content.decode()


def test_city_accepts_and_the_county_closes(client, campaign, office_staff, city_staff):
    cs.review_submit(campaign=campaign, actor=office_staff)
    client.force_login(city_staff)
    response = client.post(urls(campaign)["decide"], {"decision": "通过", "comments": "", "confirm": "1"})
    assert response.status_code == 302 and CountyReview.objects.get().decision == "通过"
    assert AuditEntry.objects.filter(action="核查.预审核通过", actor=city_staff).exists()
    client.force_login(office_staff)
    response = client.post(reverse("verification:campaign_close", args=[campaign.pk]), {"confirm": "1"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "已结束"


def test_city_list_shows_its_counties_campaigns_only(client, campaign, tree, city_staff, office_staff):
    other = office_user("gangu", tree.other_county, Role.OFFICE_ADMIN)
    make_unit(tree.other_county, "甘谷县财政局", actor=None)
    make_campaign(tree.other_county, other, name="甘谷县2021年度核查")
    client.force_login(city_staff)
    listing = client.get(reverse("verification:campaign_list")).content.decode()
    assert campaign.name in listing and "甘谷县2021年度核查" not in listing and "未报送" in listing
    client.force_login(office_user("prov", tree.province))
    listing = client.get(reverse("verification:campaign_list")).content.decode()
    assert campaign.name in listing and "甘谷县2021年度核查" in listing


def test_single_county_page_says_no_review_is_needed(client, region, office_staff, liaison_a, unit_a):
    campaign = done_campaign(region, office_staff, liaison_a, unit_a)
    client.force_login(office_staff)
    page = client.get(urls(campaign)["page"]).content.decode()
    assert "无需上级预审核" in page and "报送预审核</button>" not in page
