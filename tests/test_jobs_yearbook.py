"""统计年报 in the background (issue 17 point 2): generating a version is a job (its page shows the stages
and links the new version), refused at submit and again when it runs for a user without the right,
all-or-nothing; the workbook and the print of a kept report are jobs over ``JOBS_INLINE_MAX_ROWS`` rows,
audited as their owner when made and their owner's alone."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from jobs.models import Job, JobStatus
from jobs.runner import execute
from tests.builders.registry import make_person
from units.jobs import OWNER_ONLY
from yearbook.jobs import FILE_KIND, GENERATE_KIND, report_size
from yearbook.models import YearReport
from yearbook.services import report_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(region, unit_a, unit_b):
    make_person(unit_a, entered_on=dt.date(2019, 1, 1), name="王五")
    make_person(unit_b, entered_on=dt.date(2019, 1, 1), name="赵六")
    return region


@pytest.fixture
def queue(settings, tmp_path):
    settings.JOBS_EAGER = True
    settings.MEDIA_ROOT = tmp_path
    return settings


@pytest.fixture
def report(county, office_staff):
    return report_generate(region=county, year=2021, actor=office_staff)


def generate(client, region, year=2021, note=""):
    return client.post(reverse("yearbook:report_generate"), {"region": region.pk, "year": year, "note": note})


# ---- generating -----------------------------------------------------------------------------------------


def test_generating_is_a_job_that_links_the_new_version(client, county, office_staff, queue):
    client.force_login(office_staff)
    response = generate(client, county, note="首次生成")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    report = YearReport.objects.get()
    assert job.kind == GENERATE_KIND and job.status == JobStatus.DONE, job.error
    assert job.label == "生成漳县2021年度统计年报" and job.region == county  # the region's colleagues see it
    assert job.params == {"year": 2021, "note": "首次生成"}
    assert job.result_url == reverse("yearbook:report_detail", args=[report.pk])
    assert job.message == "已生成2021年度统计年报（第1版）。" and job.stage == "保存新版本"
    assert report.note == "首次生成" and report.generated_by == office_staff
    submitted = AuditEntry.objects.get(action="任务.提交")
    generated = AuditEntry.objects.get(action="统计年报.生成")
    assert submitted.actor == generated.actor == office_staff and generated.target_id == str(report.pk)
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and job.result_url in page


def test_the_form_refuses_before_any_job(client, county, office_staff, supervisor, other_office_staff, queue):
    client.force_login(office_staff)
    refused = generate(client, county, year=2090)
    assert refused.status_code == 400 and "尚未结束" in refused.content.decode()
    client.force_login(other_office_staff)  # another county's office: not a region of their form
    assert generate(client, county).status_code == 400
    client.force_login(supervisor)  # read-only
    assert generate(client, county).status_code == 403
    client.logout()
    assert "/accounts/login/" in generate(client, county)["Location"]
    assert not Job.objects.exists() and not YearReport.objects.exists()


def test_rights_are_checked_again_when_the_job_runs(county, office_staff, queue):
    job = Job.objects.create(
        kind=GENERATE_KIND, label="生成年报", owner=office_staff, region=county, params={"year": 2021}
    )
    office_staff.groups.remove(Group.objects.get(name=Role.OFFICE_STAFF))
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "只有编办管理员或编办工作人员可以办理此项变更。"
    assert not YearReport.objects.exists() and not AuditEntry.objects.filter(action="统计年报.生成").exists()


def test_a_crash_leaves_nothing_half_written(county, office_staff, queue, monkeypatch):
    """The version and its audit row are one transaction: a failure after the row was created keeps
    neither, and the job says why in Chinese."""
    from yearbook.services import reports

    def broken(**kwargs):
        if kwargs.get("action") == "统计年报.生成":
            raise RuntimeError("disk full")

    monkeypatch.setattr(reports.audit, "record", broken)
    job = Job.objects.create(
        kind=GENERATE_KIND, label="生成年报", owner=office_staff, region=county, params={"year": 2021}
    )
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "未写入任何数据" in job.error
    assert not YearReport.objects.exists()


def test_who_sees_the_generation_job(
    client, county, office_staff, supervisor, other_office_staff, liaison_a, queue
):
    client.force_login(office_staff)
    generate(client, county)
    job = Job.objects.get()
    url = reverse("jobs:job_detail", args=[job.pk])
    client.logout()
    assert "/accounts/login/" in client.get(url)["Location"]
    for outsider in (other_office_staff, liaison_a):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(supervisor)  # the region's office reads the job and the report it links
    assert client.get(url).status_code == 200 and client.get(job.result_url).status_code == 200


# ---- the workbook and the print ---------------------------------------------------------------------------


def test_below_the_size_the_files_come_at_once(client, report, office_staff, queue):
    queue.JOBS_INLINE_MAX_ROWS = report_size(report)
    client.force_login(office_staff)
    for name in ("report_export", "report_print"):
        response = client.get(reverse(f"yearbook:{name}", args=[report.pk]))
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert not Job.objects.filter(kind=FILE_KIND).exists()


def test_over_the_size_the_workbook_is_a_job(client, report, office_staff, queue):
    queue.JOBS_INLINE_MAX_ROWS = 1
    client.force_login(office_staff)
    url = reverse("yearbook:report_export", args=[report.pk])
    offer = client.get(url)
    assert offer.status_code == 200 and "在后台生成" in offer.content.decode()
    assert not Job.objects.filter(kind=FILE_KIND).exists()
    response = client.post(url)
    job = Job.objects.get(kind=FILE_KIND)
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert (
        job.status == JobStatus.DONE
        and job.region is None
        and job.params == {"report": report.pk, "fmt": "xlsx"}
    )
    assert job.stage == "写入Excel" and job.done == job.total == report_size(report)
    assert job.message == OWNER_ONLY
    with job.result_file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames[0] == "表1 机构情况" and book.sheetnames[-1] == "导出说明"
    assert book["导出说明"]["B4"].value == "李编办"
    assert AuditEntry.objects.get(action="统计年报.导出").actor == office_staff


def test_over_the_size_the_print_is_a_job(client, report, office_staff, queue, tmp_path):
    queue.JOBS_INLINE_MAX_ROWS = 1
    client.force_login(office_staff)
    client.post(reverse("yearbook:report_print", args=[report.pk]))
    job = Job.objects.get(kind=FILE_KIND)
    assert job.status == JobStatus.DONE and job.result_name.endswith(".pdf")
    path = tmp_path / "report.pdf"
    with job.result_file.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "机构编制统计年报" in text and "机构情况" in text
    assert AuditEntry.objects.get(action="统计年报.打印").actor == office_staff


def test_the_file_job_reads_the_report_as_its_owner_when_it_runs(
    report, office_staff, other_office_staff, queue
):
    job = Job.objects.create(
        kind=FILE_KIND, label="导出", owner=other_office_staff, params={"report": report.pk, "fmt": "xlsx"}
    )
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "该统计年报已不在您的查看范围内，任务未执行。"
    assert not job.result_file and not AuditEntry.objects.filter(action="统计年报.导出").exists()


def test_the_file_is_its_owners(
    client, report, office_staff, supervisor, other_office_staff, liaison_a, queue
):
    queue.JOBS_INLINE_MAX_ROWS = 1
    client.force_login(liaison_a)
    assert client.post(reverse("yearbook:report_export", args=[report.pk])).status_code == 404
    client.force_login(office_staff)
    client.post(reverse("yearbook:report_export", args=[report.pk]))
    job = Job.objects.get(kind=FILE_KIND)
    url = reverse("jobs:job_download", args=[job.pk])
    client.logout()
    assert "/accounts/login/" in client.get(url)["Location"]
    for other in (other_office_staff, supervisor):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(office_staff)
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.get(action="下载").actor == office_staff


# ---- the stages a generation job shows ------------------------------------------------------------------


class Stages:
    """A stand-in for the job's Progress that keeps every stage told (name, rows done of the total)."""

    def __init__(self):
        self.seen: list[tuple[str, int | None]] = []
        self.done = 0

    def stage(self, name: str, total: int | None = None) -> None:
        self.seen.append((name, total))
        self.done = 0

    def advance(self, n: int = 1) -> None:
        self.done += n


def test_a_countys_generation_has_a_stage_per_table(county, office_staff):
    progress = Stages()
    report = report_generate(region=county, year=2021, actor=office_staff, progress=progress)
    names = [name for name, _total in progress.seen]
    assert names == [
        "读取上年末和本年末的登记数据",
        *[f"计算第{i}张表（共10张）" for i in range(1, 11)],
        "保存新版本",
    ]
    assert len(report.tables["tables"]) == 10 and ("计算第10张表（共10张）", 10) in progress.seen


def test_a_citys_generation_has_a_stage_per_region(region):
    from tests.builders.hierarchy import make_tree, office_user

    tree = make_tree(region)
    progress = Stages()
    report_generate(
        region=tree.city, year=2021, actor=office_user("city_staff", tree.city), progress=progress
    )
    names = [name for name, _total in progress.seen]
    assert names[0].startswith("汇总定西市（第1个，共") and "汇总漳县" in "".join(names)
    assert names[-2:] == ["合计各区划", "保存新版本"]
