"""The city's pre-review of a county's report in a real browser (issue 17): the county submits, the city
returns it with comments, the county reads them on its campaign page and submits again, the city accepts,
the county closes the campaign (定稿); and the city's home page rolls up its counties."""

from __future__ import annotations

import datetime as dt

import pytest

from bianzhi import workdays
from tests.browser import login, logout, needs_chromium, shot
from tests.builders.hierarchy import make_tree, office_user
from tests.test_city_review import done_campaign
from verification.campaign.models import CampaignStatus, CountyReview

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_return_resubmit_accept_close(page, region, unit_a, liaison_a, office_staff):
    from archives.models import DedicatedFile

    today = dt.date.today()
    workdays.seed_from_package(range(today.year - 1, today.year + 1))
    DedicatedFile.objects.get_or_create(kind="核查", defaults={"name": "机构编制核查工作档案"})
    tree = make_tree(region)
    office_user("city_staff", tree.city, full_name="周市编")
    campaign = done_campaign(tree.county, office_staff, liaison_a, unit_a)
    review_url = f"{page.base}/verification/campaigns/{campaign.pk}/review/"

    # the county submits its report to the city
    login(page, "staff1")
    page.goto(review_url)
    page.fill("textarea[name=note]", "漳县联合检查已全部完成，请预审核。")
    page.check("input[name=confirm]")
    page.click("button:has-text('报送预审核')")
    page.wait_for_load_state("networkidle")
    assert "已报送定西市编办预审核" in page.content() and "待上级预审核" in page.content()
    shot(page, "city_review_1_county_submitted")
    logout(page)

    # the city finds it waiting, returns it with comments
    login(page, "city_staff")
    page.goto(page.base + "/verification/campaigns/")
    assert "待本级预审核的县级报告（1）" in page.content()
    shot(page, "city_review_2_city_list")
    page.click("text=预审核…")
    page.check("input[name=decision][value=退回]")
    page.fill("textarea[name=comments]", "附件3实有人员数与财政供养人员数不一致，请核实后重新报送。")
    page.check("input[name=confirm]")
    page.click("button:has-text('提交预审核结果')")
    page.wait_for_load_state("networkidle")
    shot(page, "city_review_3_city_returned")
    assert "已退回修改" in page.content()
    logout(page)

    # the county reads the comments on its campaign page, submits again
    login(page, "staff1")
    page.goto(f"{page.base}/verification/campaigns/{campaign.pk}/")
    assert "附件3实有人员数与财政供养人员数不一致" in page.content()
    page.locator("#review").scroll_into_view_if_needed()
    shot(page, "city_review_4_county_sees_comments")
    page.goto(review_url)
    page.fill("textarea[name=note]", "已核实：2人为编外聘用，财政数据已更正。")
    page.check("input[name=confirm]")
    page.click("button:has-text('报送预审核')")
    page.wait_for_load_state("networkidle")
    logout(page)

    # the city accepts
    login(page, "city_staff")
    page.goto(review_url)
    page.check("input[name=decision][value=通过]")
    page.fill("textarea[name=comments]", "同意定稿。")
    page.check("input[name=confirm]")
    page.click("button:has-text('提交预审核结果')")
    page.wait_for_load_state("networkidle")
    assert "预审核通过" in page.content()
    shot(page, "city_review_5_accepted_history")
    page.goto(page.base + "/")
    assert "分区划汇总" in page.content()
    shot(page, "city_review_6_city_dashboard")
    logout(page)

    # the county closes the campaign (定稿)
    login(page, "staff1")
    page.goto(f"{page.base}/verification/campaigns/{campaign.pk}/close/")
    page.check("input[name=confirm]")
    page.click("button:has-text('结束')")
    page.wait_for_load_state("networkidle")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert list(CountyReview.objects.values_list("round", "decision")) == [(1, "退回"), (2, "通过")]
