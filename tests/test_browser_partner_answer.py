"""A partner clerk answers a finding on its data in a real browser (issue 16 point 4): from the home page
to the finding, 已整改 with an attachment; the office sees who answered (财政部门经办人) and what, and
accepts it; the clerk then reads the decision."""

import pytest

from bianzhi.roles import Role
from tests.browser import login, logout, needs_chromium, shot
from tests.builders.findings import PDF, run_finance
from tests.builders.registry import make_person, make_user
from verification.findings.models import Finding, FindingStatus

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_partner_reports_a_correction_and_the_office_accepts(page, region, unit_a, office_staff, tmp_path):
    clerk = make_user("partner_fin", Role.PARTNER, regions=[region], full_name="钱财政")
    clerk.profile.department = "漳县财政局"
    clerk.profile.save()
    make_person(unit_a, name="周在编")
    extra = {"姓名": "孙多出", "公民身份号码": "621125198001010012", "单位名称": unit_a.name}
    run_finance(region, office_staff, people=list(unit_a.people.all()), extra_rows=[extra])
    finding = Finding.objects.get(code="FIN_NOT_IN_REG")
    attachment = tmp_path / "核减通知.pdf"
    attachment.write_bytes(PDF)

    # the clerk goes from the home page to the findings on its data
    login(page, "partner_fin")
    assert "报告已整改" in page.inner_text("main")
    shot(page, "partner-answer-01-home")
    page.locator("main").get_by_role("link", name="比对问题").click()
    page.wait_for_load_state("networkidle")
    assert "孙多出" in page.inner_text("main")
    shot(page, "partner-answer-02-findings")
    page.locator("table a", has_text="财政供养、实名制无").first.click()
    page.wait_for_load_state("networkidle")
    assert "提交答复" in page.inner_text("main")

    # 已整改, a text and a PDF
    page.get_by_label("已整改（已更正本方数据）").check()
    page.fill("textarea[name=text]", "经核实，孙多出已于上月调离，已从财政供养名单中删除。")
    page.set_input_files("input[name=files]", str(attachment))
    shot(page, "partner-answer-03-form")
    page.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state("networkidle")
    assert "答复已提交" in page.inner_text(".messages")
    text = page.inner_text("main")
    assert "财政部门经办人" in text and "核减通知.pdf" in text and "等待编办审核" in text
    shot(page, "partner-answer-04-answered")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED
    logout(page)

    # the office sees who answered and what, and accepts the correction
    login(page, "staff1")
    page.goto(page.base + f"/verification/findings/{finding.pk}/")
    text = page.inner_text("main")
    assert "待审核的答复：钱财政（财政部门经办人）报告已整改" in text
    assert page.get_by_label("接受：已整改").is_checked()
    shot(page, "partner-answer-05-office-decides")
    page.fill("textarea[name=note]", "同意，下次报送时核对。")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state("networkidle")
    assert "已审核" in page.inner_text(".messages")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FIXED
    logout(page)

    # the clerk reads the decision
    login(page, "partner_fin")
    page.goto(page.base + f"/verification/findings/{finding.pk}/")
    text = page.inner_text("main")
    assert "已接受：已整改" in text and "同意，下次报送时核对。" in text and "提交答复" not in text
    shot(page, "partner-answer-06-decision-seen")
