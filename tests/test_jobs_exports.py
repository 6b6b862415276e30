"""Big exports in the background (issue 17 point 2): the units and staff workbooks, the findings'
问题清单, a campaign's county report and 附件2–5. Below ``JOBS_INLINE_MAX_ROWS`` the file comes at once;
above it a GET offers 在后台生成 (nothing written), the POST submits a job that makes the same file as
its owner (rights checked again when it runs, audited when made) and whose result is the owner's alone."""

from __future__ import annotations

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
from tests.builders.campaign import compare, make_campaign
from tests.builders.findings import run_finance
from tests.builders.registry import make_person
from units.jobs import EXPORT_KIND, OWNER_ONLY
from verification.jobs import CAMPAIGN_KIND, FINDINGS_KIND

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(region, unit_a, unit_b, office_staff):
    people = [make_person(unit_a, actor=office_staff, name=n) for n in ("王五", "钱七")]
    people.append(make_person(unit_b, actor=office_staff, name="赵六"))
    return people


@pytest.fixture
def queue(settings, tmp_path):
    """Jobs run in the submitting request (JOBS_EAGER), files under a temporary MEDIA_ROOT; more than one
    row goes to the queue."""
    settings.JOBS_EAGER = True
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_INLINE_MAX_ROWS = 1
    return settings


def submit(client, url: str) -> Job:
    response = client.post(url)
    job = Job.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    return job


def result(job: Job) -> bytes:
    with job.result_file.open("rb") as handle:
        return handle.read()


def rows_of(data: bytes, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "job.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def offered(client, url: str) -> str:
    """The GET over the size: the 在后台生成 page, no job, no audit row."""
    audited = AuditEntry.objects.count()
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "在后台生成" in body and 'method="post"' in body
    assert not Job.objects.exists() and AuditEntry.objects.count() == audited
    return body


# ---- the registry's workbooks (units:export_units, units:export_staff) -------------------------------------


def test_the_staff_workbook_below_and_above_the_size(client, county, office_staff, queue):
    url = reverse("units:export_staff")
    client.force_login(office_staff)
    queue.JOBS_INLINE_MAX_ROWS = 3
    response = client.get(url)
    assert response.status_code == 200 and len(rows_of(response.content, "实有人员")) == 1 + 3
    assert not Job.objects.exists()
    queue.JOBS_INLINE_MAX_ROWS = 1
    AuditEntry.objects.filter(action="导出.实有人员").delete()
    assert "本次共 <strong>3</strong> 行" in offered(client, url)
    job = submit(client, url)
    assert job.kind == EXPORT_KIND and job.params == {"what": "staff", "query": {}} and job.region is None
    assert job.stage == "写入Excel" and job.done == job.total == 3 and job.message == f"共 3 行。{OWNER_ONLY}"
    rows = rows_of(result(job), "实有人员")
    assert {r[2] for r in rows[1:]} == {"王五", "钱七", "赵六"}
    assert county[0].id_number in {r[3] for r in rows[1:]}  # office staff read ID numbers in full
    entry = AuditEntry.objects.get(action="导出.实有人员")
    assert entry.actor == office_staff and entry.after["rows"] == 3 and entry.after["full_ids"] is True


def test_the_units_workbook_job_keeps_the_lists_filters(client, county, office_staff, queue):
    client.force_login(office_staff)
    url = reverse("units:export_units") + "?q=漳县&nature=行政机关"
    job = submit(client, url)
    assert job.params["query"] == {"q": "漳县", "nature": "行政机关"}
    names = [r[0] for r in rows_of(result(job), "机构")[1:]]
    assert names == ["漳县财政局"]  # the 事业单位 疾控中心 is filtered out
    entry = AuditEntry.objects.get(action="导出.机构")
    assert entry.actor == office_staff and entry.after["filters"] == {"q": "漳县", "nature": "行政机关"}


def test_the_supervisors_staff_job_masks_id_numbers(client, county, supervisor, queue):
    client.force_login(supervisor)
    job = submit(client, reverse("units:export_staff"))
    ids = {r[3] for r in rows_of(result(job), "实有人员")[1:]}
    assert county[0].id_number not in ids and any(i.startswith(county[0].id_number[:6]) for i in ids)


def test_registry_exports_refused_at_submit(client, county, liaison_a, partner_clerk, queue):
    for name in ("export_units", "export_staff"):
        url = reverse(f"units:{name}")
        client.logout()
        assert "/accounts/login/" in client.post(url)["Location"]
        for user in (liaison_a, partner_clerk):
            client.force_login(user)
            assert client.post(url).status_code == 403 and client.get(url).status_code == 403
    assert not Job.objects.exists()


def test_registry_export_rights_checked_again_when_the_job_runs(county, supervisor, queue):
    job = Job.objects.create(kind=EXPORT_KIND, label="导出", owner=supervisor, params={"what": "staff"})
    supervisor.groups.remove(Group.objects.get(name=Role.SUPERVISOR))
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "只有编办人员可以导出数据。"
    assert not job.result_file and not AuditEntry.objects.filter(action="导出.实有人员").exists()


# ---- 问题清单 (verification:finding_export) --------------------------------------------------------------


@pytest.fixture
def findings(region, county, office_staff):
    run_finance(region, office_staff)  # finance names nobody: each person is a finding
    return region


def test_the_findings_export_job(client, findings, office_staff, queue):
    client.force_login(office_staff)
    url = reverse("verification:finding_export") + "?unit=财政"
    assert "本次共 <strong>2</strong> 条" in offered(client, url)
    job = submit(client, url)
    assert job.kind == FINDINGS_KIND and job.params == {"query": {"unit": "财政"}}
    assert job.stage == "写入Excel" and job.done == job.total == 2 and job.message == f"共 2 条。{OWNER_ONLY}"
    assert sorted(r[4] for r in rows_of(result(job), "问题清单")[1:]) == ["王五", "钱七"]
    assert rows_of(result(job), "导出说明")[0] == ("导出人", "李编办")
    entry = AuditEntry.objects.get(action="比对问题.导出")
    assert entry.actor == office_staff and entry.after["filters"] == {"unit": "财政"}


def test_findings_below_the_size_come_at_once(client, findings, office_staff, queue):
    queue.JOBS_INLINE_MAX_ROWS = 3
    client.force_login(office_staff)
    response = client.get(reverse("verification:finding_export"))
    assert response.status_code == 200 and len(rows_of(response.content, "问题清单")) == 1 + 3
    assert not Job.objects.exists()


def test_the_findings_result_is_its_owners(
    client, findings, office_staff, supervisor, other_office_staff, liaison_a, queue
):
    client.force_login(liaison_a)  # sees the findings of their unit, may not export
    assert client.post(reverse("verification:finding_export")).status_code == 403
    client.force_login(office_staff)
    job = submit(client, reverse("verification:finding_export"))
    url = reverse("jobs:job_download", args=[job.pk])
    client.logout()
    assert "/accounts/login/" in client.get(url)["Location"]
    for other in (other_office_staff, supervisor, liaison_a):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(office_staff)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == result(job)
    assert AuditEntry.objects.get(action="下载").actor == office_staff


# ---- the campaign's county report and 附件2–5 ----------------------------------------------------------------


@pytest.fixture
def campaign(region, county, office_staff):
    return make_campaign(region, office_staff)


def test_the_county_report_as_a_job(client, campaign, office_staff, queue, tmp_path):
    client.force_login(office_staff)
    url = reverse("verification:campaign_report", args=[campaign.pk])
    assert "本次共 <strong>2</strong> 个单位" in offered(client, url)
    job = submit(client, url)
    assert job.kind == CAMPAIGN_KIND and job.params == {"campaign": campaign.pk, "what": "report"}
    assert job.stage == "汇总核查数据" and job.done == job.total == 2
    assert job.message == f"共 2 个单位。{OWNER_ONLY}"
    assert job.result_name.startswith(f"{campaign.name}核查情况报告_") and job.result_name.endswith(".pdf")
    assert campaign.name in pdf_text(result(job), tmp_path)
    assert AuditEntry.objects.get(action="核查.打印县级报告").actor == office_staff


def test_the_annex_as_a_job(client, campaign, office_staff, queue, county):
    client.force_login(office_staff)
    url = reverse("verification:campaign_workbook", args=[campaign.pk])
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404  # no comparison yet
    compare(campaign, office_staff, people=county)
    job = submit(client, url)
    assert job.params == {"campaign": campaign.pk, "what": "annex"} and job.result_name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(result(job)))
    assert "附件2 行政机构" in book.sheetnames and "附件4 事业单位" in book.sheetnames
    assert AuditEntry.objects.get(action="核查.下载附件2-5").actor == office_staff


def test_the_campaign_job_reads_the_campaign_as_its_owner_when_it_runs(campaign, other_office_staff, queue):
    job = Job.objects.create(
        kind=CAMPAIGN_KIND,
        label="报告",
        owner=other_office_staff,
        params={"campaign": campaign.pk, "what": "report"},
    )
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "该核查工作已不在您的查看范围内，任务未执行。"
    assert not AuditEntry.objects.filter(action="核查.打印县级报告").exists()


def test_campaign_files_refused_at_submit(client, campaign, liaison_a, other_office_staff, queue):
    url = reverse("verification:campaign_report", args=[campaign.pk])
    assert "/accounts/login/" in client.post(url)["Location"]
    for user in (liaison_a, other_office_staff):
        client.force_login(user)
        assert client.post(url).status_code == 404
    assert not Job.objects.exists()
