"""Imports over the size the office set run as background jobs: the page reads the file (an unreadable
one is refused at once), keeps it and queues the job; the job imports as its owner, all-or-nothing, and
its page shows the summary, or the errors with the error workbook to download. Small files still import
in the request."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bianzhi.models import AuditEntry
from jobs import runner
from jobs.models import Job, JobSetting, JobStatus
from tests.test_import_views import ID, staff_file
from units.models import Person

STAFF = reverse("units:import_staff")


@pytest.fixture(autouse=True)
def _queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"
    settings.JOBS_EAGER = False


@pytest.fixture
def queue_all(region):
    """The region's setting: every upload (over 0 KB) is imported as a job."""
    return JobSetting.objects.create(region=region, import_queue_kb=0)


def test_a_large_upload_becomes_a_job(client, office_staff, unit_a, queue_all):
    client.force_login(office_staff)
    response = client.post(STAFF, {"file": staff_file(), "region": unit_a.region_id})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.kind == "units.import_staff" and job.status == JobStatus.QUEUED and job.owner == office_staff
    assert job.label == "导入实有人员（staff.xlsx）" and job.params["rows"] == 1
    assert default_storage.exists(job.params["stored"]) and job.params["stored"].startswith("jobs/uploads/")
    assert not Person.objects.exists()  # nothing imported in the request
    assert AuditEntry.objects.filter(action="任务.提交", actor=office_staff).exists()

    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == 1 and job.total == 1 and job.percent == 100
    assert job.message.startswith("读取行数 1，新增 1") and job.result_url == reverse("units:person_list")
    assert Person.objects.get().id_number == ID
    assert AuditEntry.objects.get(action="导入.实有人员").actor == office_staff
    assert not default_storage.exists(job.params["stored"])  # the upload is not kept
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "读取行数 1" in page and "查看结果" in page


def test_errors_fail_the_job_with_the_error_workbook(client, office_staff, unit_a, queue_all):
    client.force_login(office_staff)
    client.post(STAFF, {"file": staff_file(unit_name="不存在的单位"), "region": unit_a.region_id})
    job = Job.objects.get()
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error.startswith("发现 1 个错误，未写入任何数据。")
    assert "实有人员 第2行 单位名称" in job.error and not Person.objects.exists()
    assert job.result_name == "staff.errors.xlsx"
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "失败原因" in page and "下载 staff.errors.xlsx" in page
    response = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert AuditEntry.objects.filter(action="下载", actor=office_staff).exists()


def test_an_unreadable_large_file_is_refused_in_the_page(client, office_staff, unit_a, queue_all):
    client.force_login(office_staff)
    bad = SimpleUploadedFile("staff.xlsx", b"not a workbook" * 100)
    response = client.post(STAFF, {"file": bad, "region": unit_a.region_id})
    assert response.status_code == 200 and "文件无法读取" in response.content.decode()
    assert not Job.objects.exists()


def test_a_small_file_still_imports_in_the_request(client, office_staff, unit_a):
    JobSetting.objects.create(region=None, import_queue_kb=1024)
    client.force_login(office_staff)
    response = client.post(STAFF, {"file": staff_file(), "region": unit_a.region_id})
    assert response.status_code == 200 and "导入完成" in response.content.decode()
    assert not Job.objects.exists() and Person.objects.count() == 1


def test_the_page_names_the_size(client, office_staff, unit_a, queue_all):
    JobSetting.objects.create(region=None, import_queue_kb=300)
    client.force_login(office_staff)
    page = client.get(STAFF).content.decode()
    assert "超过 0 KB 的文件转为" in page  # the region's own setting


def test_units_import_as_a_job_keeps_the_effective_date(client, office_staff, region, queue_all):
    import io

    import openpyxl

    from units.imports import UNIT_HEADERS
    from units.models import Unit

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "机构"
    sheet.append(UNIT_HEADERS)
    row = {
        "机构名称": "漳县档案馆",
        "机构性质": "事业单位",
        "系统类别": "党委",
        "经费形式": "全额拨款",
        "事业单位类别": "公益一类",
    }
    sheet.append([row.get(h) for h in UNIT_HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(office_staff)
    client.post(
        reverse("units:import_units"),
        {
            "file": SimpleUploadedFile("机构.xlsx", buffer.getvalue()),
            "region": region.pk,
            "as_of": "2024-12-31",
        },
    )
    job = Job.objects.get()
    assert job.params["options"]["as_of"] == "2024-12-31"
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert Unit.objects.filter(name="漳县档案馆").exists()


def test_the_owner_disabled_before_the_job_runs(client, office_staff, unit_a, queue_all):
    client.force_login(office_staff)
    client.post(STAFF, {"file": staff_file(), "region": unit_a.region_id})
    office_staff.is_active = False
    office_staff.save()
    job = Job.objects.get()
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == runner.OWNER_GONE and not Person.objects.exists()
