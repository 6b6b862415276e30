"""代填 in a real browser: the office finds the units without a liaison in the campaign page's table, fills
in one unit's whole self-check on one page (refused without the reason: every typed value stays), sees
the 代填 mark on the unit page, then posts the notice for the filtered units in bulk (confirmed) and reads
each unit's result."""

from __future__ import annotations

import datetime as dt

import pytest

from bianzhi import workdays
from bianzhi.models import AuditEntry
from tests.browser import login, needs_chromium, shot
from tests.builders.campaign import make_campaign
from verification.campaign.models import CampaignUnit, Notice, Stage

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_office_fills_in_the_selfcheck_of_a_unit_without_liaison(
    page, unit_a, unit_b, liaison_a, office_staff
):
    today = dt.date.today()
    workdays.seed_from_package(range(2021, today.year + 1))  # a transactional test may start empty
    campaign = make_campaign(unit_a.region, office_staff)
    cu_b = CampaignUnit.objects.get(campaign=campaign, unit=unit_b)

    login(page, "staff1")
    page.goto(page.base + f"/verification/campaigns/{campaign.pk}/")
    page.select_option("select[name=liaison]", "无")  # the campaign page's own table is filtered
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    table = page.inner_text("#units")
    assert unit_b.name in table and unit_a.name not in table and "筛选出 1 个" in table
    shot(page, "selfcheck-00-campaign-page-filtered")

    # the unit's page, then the one-page 代填 form
    page.get_by_role("link", name=unit_b.name).click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="编办代填自查（整页填写）").click()
    page.wait_for_load_state("networkidle")
    assert "本单位尚无联络员" in page.inner_text("body")
    for item in ("机构清", "编制清", "领导职数清"):
        page.check(f"input[name='answer_{item}'][value='相符']")
    page.check("input[name='answer_实有人员清'][value='不相符']")
    page.fill("input[name='text_实有人员清']", "纸质花名册列有借调人员1名，已提出更正。")
    page.check("input[name='answer_预决算差异说明'][value='无差异']")
    with page.expect_navigation():  # no reason given: refused as a whole, nothing typed is lost
        page.get_by_role("button", name="保存并提交自查").click()
    assert "代填原因" in page.inner_text("#selfcheck-form")
    assert page.input_value("input[name='text_实有人员清']").startswith("纸质花名册")
    assert page.is_checked("input[name='answer_实有人员清'][value='不相符']")
    assert page.is_checked("input[name='answer_预决算差异说明'][value='无差异']")
    assert not cu_b.items.exclude(answer="").exists()
    shot(page, "selfcheck-01-refused-values-kept")
    page.select_option("select[name=on_behalf_reason]", "无联络员")
    shot(page, "selfcheck-01-office-fills-on-behalf")
    with page.expect_navigation():
        page.get_by_role("button", name="保存并提交自查").click()
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    assert "已代填并提交自查" in text
    assert f"代填（编办 李编办，{today:%Y-%m-%d}，无联络员）" in text
    shot(page, "selfcheck-02-unit-page-marked")
    cu_b.refresh_from_db()
    assert cu_b.stage == Stage.NOTICE and cu_b.selfcheck_on_behalf
    assert cu_b.items.get(item="实有人员清").text.startswith("纸质花名册")
    assert AuditEntry.objects.filter(action="核查.代填提交", reason="无联络员", actor=office_staff).exists()

    # bulk: the notice of every unit without a liaison, posted on the first day of the campaign, confirmed
    posted = cu_b.campaign.windows.get(stage=Stage.SELF_CHECK).starts_on
    page.goto(page.base + f"/verification/campaigns/{campaign.pk}/units/?liaison=无")
    page.check("input[name=scope][value=filtered]")
    page.select_option("select[name=action]", "notice_post")
    page.fill("input[name=posted_on]", posted.isoformat())
    page.fill("input[name=place]", "单位公示栏")
    page.get_by_role("button", name="批量办理").click()  # not confirmed: the box is required
    assert page.locator("#bulk input[name=confirm]:invalid").count() == 1
    assert not Notice.objects.exists()
    page.check("#bulk input[name=confirm]")
    with page.expect_navigation():
        page.get_by_role("button", name="批量办理").click()
    page.wait_for_load_state("networkidle")
    assert "1 个单位已办理，0 个未办理" in page.inner_text("#results")
    shot(page, "selfcheck-03-bulk-result")
    assert Notice.objects.get(campaign_unit=cu_b).posted_on == posted
