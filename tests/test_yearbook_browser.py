"""统计年报 in a real browser: office staff generate 2021's report (a background job, run here in the
submitting request; its page links the report when done), read the tables (two-row headers,
合计), compare with 2020, and send it (报送) with the confirmation box; screenshots in tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.browser import login, needs_chromium, shot
from tests.builders.yearbook import county_2021
from yearbook.models import YearReport
from yearbook.services import report_generate

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_staff_generate_read_compare_and_send(page, region, office_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # the job runs in the live server's request (the thread fallback is tested in tests/test_jobs_*)
    settings.JOBS_EAGER = True
    county_2021(region, office_staff)
    report_generate(region=region, year=2020, actor=office_staff)
    login(page, "staff1")
    page.goto(page.base + "/yearbook/")
    page.click("text=生成年报")
    page.fill("input[name=year]", "2021")
    page.click("button:has-text('生成年报')")
    # a background job (issue 17): its page links the new version when done
    page.wait_for_selector("text=任务编号")
    page.wait_for_selector("a.btn:has-text('查看结果')", timeout=60000)
    assert "已生成2021年度统计年报（第1版）" in page.inner_text("#job-message")
    shot(page, "yearbook_generate_job")
    page.click("a.btn:has-text('查看结果')")
    page.wait_for_selector("text=表1　机构情况")
    assert page.locator("table.yearbook").count() == 10
    assert page.locator("th[rowspan='2']").count() > 10
    shot(page, "yearbook_report")
    page.click("text=与上年对比")
    page.wait_for_selector("text=本年")
    assert page.locator("text=+1").count() >= 1
    shot(page, "yearbook_compare")
    page.go_back()
    page.click("text=报送并归档")
    page.click("button:has-text('确认报送')")
    assert page.locator(".form-errors").count() == 1  # the box was not ticked
    page.check("input[name=confirm]")
    page.click("button:has-text('确认报送')")
    page.wait_for_selector("text=年报已报送")
    shot(page, "yearbook_sent")
    assert YearReport.objects.get(year=2021).status == "已报送"
