"""The comparison page queues a job: what it submits, what it refuses at once, one comparison of a region
at a time, and the job's stages, counts and result (the run) when a worker runs it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianzhi.models import AuditEntry
from jobs import runner
from jobs.models import Job, JobStatus
from jobs.progress import Progress
from tests.builders.findings import csv_upload, finance_rows
from tests.builders.registry import make_person
from verification.findings.models import ComparisonRun, Finding
from verification.findings.services import comparison_run, partner_upload

RUN = reverse("verification:run_create")


@pytest.fixture(autouse=True)
def _queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"  # the job stays 排队中 until the test runs it
    settings.JOBS_EAGER = False


@pytest.fixture
def uploaded(region, unit_a, unit_b, office_staff):
    people = [make_person(unit_a), make_person(unit_b)]
    partner_upload(
        region=region,
        source="finance",
        upload=csv_upload("finance", finance_rows(people[:1])),
        actor=office_staff,
    )
    return people


def test_the_page_queues_a_comparison_job(client, region, uploaded, office_staff):
    client.force_login(office_staff)
    response = client.post(RUN, {"region": region.pk, "cutoff": "2025-12-31"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.kind == "verification.compare" and job.status == JobStatus.QUEUED
    assert job.owner == office_staff and job.region == region and job.params == {"cutoff": "2025-12-31"}
    assert job.label == f"数据比对（{region.name}）"
    assert AuditEntry.objects.filter(action="任务.提交", actor=office_staff, target_id=str(job.pk)).exists()
    assert not ComparisonRun.objects.exists()  # nothing compared in the request
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page


def test_a_region_without_data_is_refused_at_once(client, region, office_staff):
    client.force_login(office_staff)
    response = client.post(RUN, {"region": region.pk}, follow=True)
    assert "尚无有效的部门数据" in response.content.decode()
    assert not Job.objects.exists()


def test_one_comparison_of_a_region_at_a_time(client, region, uploaded, office_staff, office_admin):
    client.force_login(office_staff)
    client.post(RUN, {"region": region.pk})
    first = Job.objects.get()
    client.force_login(office_admin)
    response = client.post(RUN, {"region": region.pk})
    assert response["Location"] == reverse("jobs:job_detail", args=[first.pk]) and Job.objects.count() == 1


def test_a_read_only_role_and_another_region_cannot_queue(
    client, region, uploaded, supervisor, other_office_staff
):
    client.force_login(supervisor)
    assert client.post(RUN, {"region": region.pk}).status_code == 403
    client.force_login(other_office_staff)
    client.post(RUN, {"region": region.pk})  # not one of the form's regions: refused as invalid
    assert not Job.objects.exists()


def test_the_job_compares_with_stages_and_links_the_run(client, region, uploaded, office_staff):
    client.force_login(office_staff)
    client.post(RUN, {"region": region.pk})
    job = Job.objects.get()
    runner.execute(job.pk)
    job.refresh_from_db()
    run = ComparisonRun.objects.get()
    assert job.status == JobStatus.DONE and job.result_url == reverse(
        "verification:run_detail", args=[run.pk]
    )
    assert job.stage == "写入结果" and job.total == run.finding_count == job.done
    assert job.message == f"比对完成：共 {run.finding_count} 个问题，新增 {run.new_count} 个，消失 0 个。"
    assert (
        run.actor == office_staff
        and AuditEntry.objects.filter(action="比对.运行", actor=office_staff).exists()
    )
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "查看结果" in page and "100%" in page


def test_stages_are_reported_in_order(region, uploaded, office_staff):
    seen = []

    class Recorder(Progress):
        def stage(self, name, total=None):
            seen.append((name, total))

        def advance(self, n=1):
            pass

    comparison_run(region=region, actor=office_staff, progress=Recorder(Job(pk=0)))
    names = [name for name, _ in seen]
    assert names == ["读取部门数据", "读取实名制名册", "比对", "写入结果"]
    assert seen[0][1] == 1 and seen[2][1] == 1  # one upload of one partner row


def test_a_comparison_that_fails_writes_nothing(region, uploaded, office_staff, monkeypatch):
    from verification.findings.services import runs

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "write_result", broken)  # the last step of the write part
    from jobs.services import job_submit

    job = job_submit("verification.compare", actor=office_staff, region=region, params={})
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "内部错误" in job.error
    assert not ComparisonRun.objects.exists() and not Finding.objects.exists()  # all-or-nothing


def test_the_owner_losing_the_role_fails_the_job(region, uploaded, office_staff):
    from jobs.services import job_submit

    job = job_submit("verification.compare", actor=office_staff, region=region, params={})
    office_staff.groups.clear()
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "只有编办管理员和工作人员可以执行此操作。"
    assert not ComparisonRun.objects.exists()
