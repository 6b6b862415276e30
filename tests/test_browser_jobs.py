"""Background jobs in a real browser: the office runs a comparison from the page, the job page refreshes
itself through 排队中/运行中 to 已完成 and links the run; a large import that fails shows its reason and
offers the error workbook. The job is run by the in-process queue's threads (the SQLite fallback)."""

from __future__ import annotations

import pytest

from jobs import fallback
from jobs.models import JobSetting
from tests.browser import login, needs_chromium, shot
from tests.builders.findings import csv_upload, finance_rows
from tests.builders.registry import make_person
from tests.test_import_views import staff_file
from verification.findings.services import partner_upload

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _threads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"
    settings.JOBS_EAGER = False
    settings.JOBS_THREADS = 1
    yield
    fallback.stop()


def test_comparison_runs_as_a_job_in_the_browser(page, region, unit_a, unit_b, office_staff):
    people = [make_person(unit_a), make_person(unit_b)]
    rows = finance_rows(people[:1]) + [{"姓名": "王某", "公民身份号码": "123", "单位名称": "某单位"}]
    partner_upload(region=region, source="finance", upload=csv_upload("finance", rows), actor=office_staff)
    login(page, "staff1")
    page.goto(page.base + "/verification/")
    page.get_by_role("button", name="运行比对").click()
    page.wait_for_load_state("networkidle")
    assert "/jobs/" in page.url and "数据比对（漳县）" in page.inner_text("h1")
    assert "比对已提交" in page.inner_text("body")
    shot(page, "jobs-compare-queued")
    fallback.start()  # the web process's job threads
    page.wait_for_selector("#job-message", timeout=60000)  # the page refreshes itself every 2 s
    body = page.inner_text("body")
    assert "已完成" in body and "比对完成：共" in body and "100%" in body
    shot(page, "jobs-compare-done")
    page.get_by_role("link", name="查看结果").click()
    page.wait_for_load_state("networkidle")
    assert "比对结果" in page.inner_text("h1")
    page.goto(page.base + "/jobs/")
    assert "数据比对（漳县）" in page.inner_text("table")
    shot(page, "jobs-list")


def test_a_large_import_that_fails_shows_why(page, region, unit_a, office_staff, tmp_path):
    JobSetting.objects.create(region=None, import_queue_kb=0)
    path = tmp_path / "staff.xlsx"
    path.write_bytes(staff_file(unit_name="不存在的单位").read())
    fallback.start()
    login(page, "staff1")
    page.goto(page.base + "/import/staff/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_selector("text=失败原因", timeout=60000)
    body = page.inner_text("body")
    assert "发现 1 个错误，未写入任何数据" in body and "下载 staff.errors.xlsx" in body
    shot(page, "jobs-import-failed")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 staff.errors.xlsx").click()
    assert download.value.suggested_filename == "staff.errors.xlsx"
