"""电子台账 表一/表二/表三 in the background (issue 17 point 2): below ``JOBS_INLINE_MAX_ROWS`` the download
comes at once; above it a GET offers 在后台生成 (nothing written) and the POST submits a job whose page
shows the progress (rows drawn) and whose file is the same table, audited as its owner when made; the
owner's rights are checked at submit and again when the job runs; the result is its owner's alone."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import time

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from jobs.models import Job, JobStatus
from jobs.runner import execute
from ledgers.jobs import TABLE_KIND
from tests.browser import login, needs_chromium, shot
from tests.builders.registry import make_person
from units.jobs import OWNER_ONLY

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(region, unit_a, unit_b, office_staff):
    for name in ("王五", "钱七", "孙八"):
        make_person(unit_a, actor=office_staff, name=name)
    make_person(unit_b, actor=office_staff, name="赵六")
    return unit_a, unit_b


@pytest.fixture
def queue(settings, tmp_path):
    """Jobs run in the submitting request (JOBS_EAGER), files under a temporary MEDIA_ROOT, and any table
    of more than 2 rows goes to the queue."""
    settings.JOBS_EAGER = True
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_INLINE_MAX_ROWS = 2
    return settings


def export_url(table: str, fmt: str, query: str = "") -> str:
    return reverse("ledgers:table_export", args=[table, fmt]) + (f"?{query}" if query else "")


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "job.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def result_bytes(job: Job) -> bytes:
    with job.result_file.open("rb") as handle:
        return handle.read()


def submit(client, table: str, fmt: str, query: str = "") -> Job:
    response = client.post(export_url(table, fmt, query))
    job = Job.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    return job


# ---- below and above the size -------------------------------------------------------------------------


def test_below_the_size_the_file_comes_at_once(client, county, office_staff, queue):
    queue.JOBS_INLINE_MAX_ROWS = 4  # 表三 holds 4 people
    client.force_login(office_staff)
    response = client.get(export_url("three", "xlsx"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 4
    assert not Job.objects.exists()
    assert AuditEntry.objects.filter(action="台账.导出", actor=office_staff).count() == 1


def test_above_the_size_a_get_offers_the_job_and_writes_nothing(client, county, office_staff, queue):
    client.force_login(office_staff)
    audited = AuditEntry.objects.count()
    response = client.get(export_url("three", "pdf", "type=行政编制"))
    body = response.content.decode()
    assert response.status_code == 200 and "在后台生成" in body
    assert "本次共 <strong>3</strong> 行，超过 2 行" in body  # 财政局's three 行政编制 people
    assert f'action="{export_url("three", "pdf", "type=%E8%A1%8C%E6%94%BF%E7%BC%96%E5%88%B6")}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert not Job.objects.exists() and AuditEntry.objects.count() == audited


def test_the_table_page_says_its_downloads_run_in_the_background(client, county, office_staff, queue):
    client.force_login(office_staff)
    body = client.get(reverse("ledgers:table", args=["three"])).content.decode()
    assert "超过 2 行：导出Excel和打印PDF（全部行）将在后台生成" in body and reverse("jobs:job_list") in body
    queue.JOBS_INLINE_MAX_ROWS = 100
    body = client.get(reverse("ledgers:table", args=["three"])).content.decode()
    assert "将在后台生成" not in body and "约需" in body


def test_the_job_makes_the_workbook_with_progress_and_audit(client, county, office_staff, queue):
    client.force_login(office_staff)
    job = submit(client, "three", "xlsx")
    job.refresh_from_db()
    assert job.kind == TABLE_KIND and job.status == JobStatus.DONE, job.error
    assert job.owner == office_staff and job.region is None  # its owner's alone
    assert job.params == {"table": "three", "fmt": "xlsx", "query": {}}
    assert job.stage == "写入Excel" and job.done == job.total == 4 and job.percent == 100
    assert job.message == f"共 4 行。{OWNER_ONLY}"
    assert re.fullmatch(r"电子台账表三 实有人员花名册_\d{12}\.xlsx", job.result_name)
    sheet = openpyxl.load_workbook(io.BytesIO(result_bytes(job))).worksheets[0]
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"王五", "钱七", "孙八", "赵六"}
    submitted = AuditEntry.objects.get(action="任务.提交")
    made = AuditEntry.objects.get(action="台账.导出")
    assert submitted.actor == made.actor == office_staff and made.id > submitted.id
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "已完成" in page and reverse("jobs:job_download", args=[job.pk]) in page


def test_the_print_job_draws_every_row_of_the_filter(client, county, office_staff, queue, tmp_path):
    client.force_login(office_staff)
    wait = client.get(reverse("ledgers:table", args=["three"]) + "?print=pdf&q=财政")
    assert "在后台生成" in wait.content.decode()  # the 打印PDF tab offers the job instead of waiting
    job = submit(client, "three", "pdf", "q=财政")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.params["query"] == {"q": "财政"}
    assert job.stage == "绘制PDF" and job.done == job.total == 3
    text = pdf_text(result_bytes(job), tmp_path)
    assert "表三 实有人员花名册" in text and "以上共 3 人" in text
    assert {"王五", "钱七", "孙八"} <= set(re.findall(r"王五|钱七|孙八|赵六", text)) and "赵六" not in text
    printed = AuditEntry.objects.get(action="台账.打印")
    assert printed.actor == office_staff and printed.after["行数"] == 3


def test_table_one_as_a_job(client, county, office_staff, queue):
    queue.JOBS_INLINE_MAX_ROWS = 1  # 表一 holds the two units
    client.force_login(office_staff)
    job = submit(client, "one", "xlsx")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 2
    ws = openpyxl.load_workbook(io.BytesIO(result_bytes(job)))["表一"]
    assert ws["B5"].value == "合计" and {ws["B6"].value, ws["B7"].value} == {
        "漳县财政局",
        "漳县疾病预防控制中心",
    }


def test_the_supervisor_job_masks_id_numbers(client, county, supervisor, queue, tmp_path):
    client.force_login(supervisor)
    job = submit(client, "three", "pdf")
    job.refresh_from_db()
    person = county[0].people.get(name="王五")
    text = pdf_text(result_bytes(job), tmp_path)
    assert person.id_number not in text and person.id_number[:6] in text


# ---- rights at submit and when the job runs ---------------------------------------------------------------


def test_who_may_submit(client, county, liaison_a, partner_clerk, queue):
    url = export_url("three", "pdf")
    assert "/accounts/login/" in client.post(url)["Location"]
    for user in (liaison_a, partner_clerk):  # a liaison reads their unit's tables but may not export
        client.force_login(user)
        assert client.post(url).status_code == 403 and client.get(url).status_code == 403
    assert not Job.objects.exists()


def test_rights_are_checked_again_when_the_job_runs(county, office_staff, queue):
    job = Job.objects.create(
        kind=TABLE_KIND, label="电子台账表三", owner=office_staff, params={"table": "three", "fmt": "xlsx"}
    )
    office_staff.groups.remove(Group.objects.get(name=Role.OFFICE_STAFF))  # the role taken away meanwhile
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "只有编办人员可以查看本区划的机构编制数据。"
    assert not job.result_file and not AuditEntry.objects.filter(action="台账.导出").exists()


def test_the_job_reads_the_owners_scope_when_it_runs(county, other_office_staff, queue):
    job = Job.objects.create(
        kind=TABLE_KIND,
        label="电子台账表三",
        owner=other_office_staff,
        params={"table": "three", "fmt": "xlsx"},
    )
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    rows = list(
        openpyxl.load_workbook(io.BytesIO(result_bytes(job))).worksheets[0].iter_rows(values_only=True)
    )
    assert len(rows) == 1  # the header: nothing of another county


# ---- the result: the four access cases ----------------------------------------------------------------


def test_the_result_is_its_owners(client, county, office_staff, supervisor, other_office_staff, queue):
    client.force_login(office_staff)
    job = submit(client, "three", "xlsx")
    client.logout()
    for url in (reverse("jobs:job_detail", args=[job.pk]), reverse("jobs:job_download", args=[job.pk])):
        assert "/accounts/login/" in client.get(url)["Location"]  # anonymous
        client.force_login(other_office_staff)  # another county
        assert client.get(url).status_code == 404
        client.force_login(supervisor)  # a colleague of the region with fewer rights (IDs masked)
        assert client.get(url).status_code == 404
        client.logout()
    client.force_login(office_staff)
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == result_bytes(job)
    download = AuditEntry.objects.get(action="下载")
    assert download.actor == office_staff and download.after["filename"] == job.result_name


# ---- through the real queue (not JOBS_EAGER): the SQLite threads, or a procrastinate worker ----------------


@pytest.mark.django_db(transaction=True)
def test_a_table_job_through_the_real_queue(client, county, office_staff, settings, tmp_path):
    """Submitted from the page and run off the request: by the web process's thread on SQLite, by a
    procrastinate worker on PostgreSQL (the PostgreSQL run of the suite)."""
    from django.db import connection

    from jobs import fallback

    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_INLINE_MAX_ROWS = 2
    settings.JOBS_EAGER = False
    postgres = connection.vendor == "postgresql"
    settings.JOBS_BACKEND = "procrastinate" if postgres else "thread"
    settings.JOBS_THREADS = 1
    client.force_login(office_staff)
    if not postgres:
        fallback.start()  # the web process's threads (started with gunicorn's workers or runserver)
    try:
        job = submit(client, "three", "pdf")
        if postgres:
            from procrastinate.contrib.django import app

            from tests.builders.jobs import off_the_main_thread

            def work():
                with app.replace_connector(app.connector.get_worker_connector()):
                    app.run_worker(
                        wait=False, queues=["bianzhi"], install_signal_handlers=False, listen_notify=False
                    )

            off_the_main_thread(work)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.1)
    finally:
        fallback.stop()
    assert job.status == JobStatus.DONE, job.error
    assert job.stage == "绘制PDF" and job.done == job.total == 4
    assert pdf_text(result_bytes(job), tmp_path).count("以上共 4 人") == 1
    assert AuditEntry.objects.get(action="台账.打印").actor == office_staff


# ---- in a real browser ------------------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_a_big_table_downloads_from_its_job_page_in_the_browser(
    page, county, office_staff, settings, tmp_path
):
    """表三 over the size: the table page says so, 导出Excel offers 在后台生成, the job page refreshes
    itself until the file is there (the SQLite fallback's thread), and the file downloads from it."""
    from jobs import fallback

    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_INLINE_MAX_ROWS = 2
    settings.JOBS_EAGER = False
    settings.JOBS_BACKEND = "thread"
    settings.JOBS_THREADS = 1
    try:
        login(page, "staff1")
        page.goto(page.base + reverse("ledgers:table", args=["three"]))
        assert "将在后台生成" in page.inner_text("body")
        page.get_by_role("link", name="导出Excel").click()
        page.wait_for_selector("text=本次共")
        assert "本次共 4 行，超过 2 行" in page.inner_text("body")
        shot(page, "jobs-ledger-offer")
        page.get_by_role("button", name="在后台生成").click()
        page.wait_for_selector("text=任务编号")
        assert "电子台账表三 实有人员花名册（Excel）" in page.inner_text("h1")
        fallback.start()
        link = page.locator("a.btn", has_text="下载 电子台账表三")
        link.wait_for(timeout=30000)  # the page refreshes itself every 2 s
        body = page.inner_text("body")
        assert "已完成" in body and "4 / 4 行" in body and "100%" in body
        shot(page, "jobs-ledger-done")
        with page.expect_download() as info:
            link.click()
        assert info.value.suggested_filename.startswith(
            "电子台账表三"
        ) and info.value.suggested_filename.endswith(".xlsx")
        with open(info.value.path(), "rb") as handle:
            sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).worksheets[0]
        assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
            "王五",
            "钱七",
            "孙八",
            "赵六",
        }
    finally:
        fallback.stop()


# ---- 限额台账 and 单位台账 -------------------------------------------------------------------------------------


@pytest.fixture
def limits(region, office_staff):
    from tests.builders.registry import make_document
    from units import services as unit_services

    doc = make_document(region)
    for i, limit_type in enumerate(("行政编制", "事业编制", "行政编制")):
        unit_services.limit_entry_add(
            region=region,
            limit_type=limit_type,
            delta=100 + i,
            document=doc,
            occurred_on=dt.date(2020, 1, 1 + i),
            actor=office_staff,
        )
    return region


def test_the_limit_ledger_as_a_job(client, limits, office_staff, queue, tmp_path):
    client.force_login(office_staff)
    url = reverse("ledgers:limit_export", args=["xlsx"])
    assert "本次共 <strong>3</strong> 行" in client.get(url).content.decode() and not Job.objects.exists()
    response = client.post(url)
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.kind == "ledgers.limit" and job.done == job.total == 3
    book = openpyxl.load_workbook(io.BytesIO(result_bytes(job)))
    assert len(list(book["总账"].iter_rows(min_row=2, values_only=True))) == 3
    assert AuditEntry.objects.get(action="台账.导出").actor == office_staff
    client.post(reverse("ledgers:limit_export", args=["pdf"]))
    printed = Job.objects.latest("id")
    assert printed.status == JobStatus.DONE and "机构编制限额台账" in pdf_text(
        result_bytes(printed), tmp_path
    )
    assert AuditEntry.objects.get(action="台账.打印").actor == office_staff


def test_a_units_ledger_as_a_job(
    client, county, office_staff, other_office_staff, liaison_a, queue, tmp_path
):
    unit = county[0]
    queue.JOBS_INLINE_MAX_ROWS = 1
    url = reverse("ledgers:unit_ledger_export", args=[unit.pk, "pdf"])
    client.force_login(liaison_a)  # reads their unit's ledger, may not export
    assert client.post(url).status_code == 403
    client.force_login(other_office_staff)
    assert client.post(url).status_code == 404
    client.force_login(office_staff)
    assert "在后台生成" in client.get(url).content.decode() and not Job.objects.exists()
    client.post(url)
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.params == {"unit": unit.pk, "fmt": "pdf", "query": {}}
    assert job.done == job.total > 1 and "漳县财政局" in pdf_text(result_bytes(job), tmp_path)
    assert AuditEntry.objects.get(action="台账.打印").actor == office_staff
    # the unit read again in the owner's scope when the job runs
    again = Job.objects.create(
        kind="ledgers.unit", label="单位台账", owner=other_office_staff, params=job.params
    )
    execute(again.pk)
    again.refresh_from_db()
    assert again.status == JobStatus.FAILED and again.error == "该单位已不在您的查看范围内，任务未执行。"
