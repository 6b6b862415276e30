"""Big imports show live row counts (issue 17): the import functions count the rows of the stages 读取文件,
校验 and 写入 through the job's Progress, so the job page shows rows read and a percentage while the job
runs. Progress writes at most once a second; here a Progress that writes on every row records what the
page would have read."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs import runner
from jobs.models import Job, JobSetting, JobStatus
from jobs.progress import Progress
from tests.builders.registry import make_id
from units.imports import STAFF_HEADERS, UNIT_HEADERS, import_staff_file
from units.models import Person, Unit

N = 120


@pytest.fixture(autouse=True)
def _queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"
    settings.JOBS_EAGER = False


@pytest.fixture
def queue_all(region):
    return JobSetting.objects.create(region=region, import_queue_kb=0)


@pytest.fixture
def written(monkeypatch):
    """Every (stage, done, total) a job's Progress wrote to its row (written on every row here)."""
    seen: list[tuple[str, int, int | None]] = []

    class EveryRow(Progress):
        def __init__(self, job, **kwargs):
            super().__init__(job, throttle=0)

        def _write(self, *, force=False):
            before = self._dirty
            super()._write(force=force)
            if before and not self._dirty:  # it reached the database
                seen.append((self.job.stage, self.job.done, self.job.total))

    monkeypatch.setattr(runner, "Progress", EveryRow)
    return seen


def _book(title: str, headers, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def staff_rows(unit_name: str, n: int = N) -> list[dict]:
    return [
        {
            "单位名称": unit_name,
            "姓名": f"王{i}",
            "公民身份号码": make_id("621125", dt.date(1980, 1, 1) + dt.timedelta(days=i), i % 900 + 1),
            "编制类型": "行政编制",
            "人员类别": "公务员",
            "入编时间": "2015-07-01",
        }
        for i in range(n)
    ]


def _run(client, user, url, data: bytes, name: str, **form) -> Job:
    client.force_login(user)
    client.post(url, {"file": SimpleUploadedFile(name, data), **form})
    job = Job.objects.get()
    runner.execute(job.pk)
    job.refresh_from_db()
    return job


def test_a_staff_import_job_counts_rows_read_checked_and_written(
    client, office_staff, unit_a, queue_all, written
):
    data = _book("实有人员", STAFF_HEADERS, staff_rows(unit_a.name))
    job = _run(
        client, office_staff, reverse("units:import_staff"), data, "staff.xlsx", region=unit_a.region_id
    )
    assert job.status == JobStatus.DONE, job.error
    assert Person.objects.count() == N
    stages = [s for s, _d, _t in written]
    assert stages.index("读取文件") < stages.index("校验") < stages.index("写入")
    assert ("读取文件", N // 2, N) in written  # live: the page saw half the rows read, 50 %
    assert Job(stage="读取文件", done=N // 2, total=N).percent == 50
    assert ("读取文件", N, N) in written and ("校验", N, N) in written and ("写入", N, N) in written
    assert (job.stage, job.done, job.total, job.percent) == ("写入", N, N, 100)
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert f"{N} / {N} 行" in page


def test_a_units_import_job_counts_rows(client, office_staff, region, queue_all, written):
    rows = [
        {
            "机构名称": f"漳县第{i}档案馆",
            "机构性质": "事业单位",
            "系统类别": "党委",
            "经费形式": "全额拨款",
            "事业单位类别": "公益一类",
        }
        for i in range(N)
    ]
    data = _book("机构", UNIT_HEADERS, rows)
    job = _run(client, office_staff, reverse("units:import_units"), data, "机构.xlsx", region=region.pk)
    assert job.status == JobStatus.DONE, job.error
    assert Unit.objects.filter(name__startswith="漳县第").count() == N
    assert ("读取文件", 1, N) in written and ("读取文件", N, N) in written
    assert ("校验", N, N) in written and ("写入", N, N) in written
    assert (job.stage, job.done, job.total) == ("写入", N, N)


def test_an_import_with_errors_stops_after_checking_and_writes_nothing(
    client, office_staff, unit_a, queue_all, written
):
    rows = staff_rows(unit_a.name)
    rows[-1]["公民身份号码"] = rows[0]["公民身份号码"]  # a duplicate on the last row
    data = _book("实有人员", STAFF_HEADERS, rows)
    job = _run(
        client, office_staff, reverse("units:import_staff"), data, "staff.xlsx", region=unit_a.region_id
    )
    assert job.status == JobStatus.FAILED and "发现 1 个错误" in job.error
    assert ("读取文件", N, N) in written and ("校验", N - 1, N - 1) in written
    assert "写入" not in {s for s, _d, _t in written} and not Person.objects.exists()


def test_an_import_outside_a_job_reports_nothing(office_staff, unit_a):
    data = _book("实有人员", STAFF_HEADERS, staff_rows(unit_a.name, 3))
    report = import_staff_file(data, filename="staff.xlsx", region=unit_a.region, actor=office_staff)
    assert report.ok and report.created == 3  # progress=None: the quiet default
