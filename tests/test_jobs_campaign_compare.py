"""The campaign page's 数据比对 queues a job like the comparison page (issue 17): refused at once without
data, outside the stage's window or for a read-only role; one comparison of a region at a time (either
kind); the job's stages, counts and result linking back to the campaign; a failure writes nothing; the
owner's rights read again when it runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bianzhi.models import AuditEntry
from jobs import runner
from jobs.models import Job, JobStatus
from jobs.services import job_submit
from tests.builders.campaign import make_campaign
from tests.builders.findings import csv_upload, finance_rows
from tests.builders.registry import make_person
from verification.campaign.models import Campaign, Stage
from verification.findings.models import ComparisonRun, Finding
from verification.findings.services import partner_upload

KIND = "verification.campaign_compare"


@pytest.fixture(autouse=True)
def _queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"  # the job stays 排队中 until the test runs it
    settings.JOBS_EAGER = False


@pytest.fixture
def people(unit_a, unit_b):
    return [make_person(unit_a, name="王五"), make_person(unit_b)]


@pytest.fixture
def campaign(people, unit_a, office_staff):
    return make_campaign(unit_a.region, office_staff)


@pytest.fixture
def uploaded(campaign, people, office_staff):
    rows = finance_rows(people[:1]) + [{"姓名": "李某", "公民身份号码": "123", "单位名称": "某单位"}]
    partner_upload(
        region=campaign.region, source="finance", upload=csv_upload("finance", rows), actor=office_staff
    )
    return campaign


def url(campaign) -> str:
    return reverse("verification:campaign_compare", args=[campaign.pk])


def test_the_campaign_page_queues_a_comparison_job(client, uploaded, office_staff):
    campaign = uploaded
    client.force_login(office_staff)
    response = client.post(url(campaign))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.kind == KIND and job.status == JobStatus.QUEUED and job.params == {"campaign": campaign.pk}
    assert job.owner == office_staff and job.region == campaign.region
    assert job.label == f"核查数据比对（{campaign.name}）"
    assert AuditEntry.objects.filter(action="任务.提交", actor=office_staff, target_id=str(job.pk)).exists()
    assert not ComparisonRun.objects.exists()  # nothing compared in the request
    campaign.refresh_from_db()
    assert campaign.comparison_run_id is None
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and "数据比对已提交" in page


def test_the_job_compares_with_stages_and_links_the_campaign(client, uploaded, office_staff):
    campaign = uploaded
    client.force_login(office_staff)
    client.post(url(campaign))
    job = Job.objects.get()
    runner.execute(job.pk)
    job.refresh_from_db()
    campaign.refresh_from_db()
    run = ComparisonRun.objects.get()
    assert job.status == JobStatus.DONE, job.error
    assert campaign.comparison_run == run and run.actor == office_staff and run.cutoff == campaign.cutoff
    assert job.result_url == reverse("verification:campaign_detail", args=[campaign.pk])
    assert job.stage == "写入结果" and job.total == run.finding_count == job.done and run.finding_count > 0
    assert job.message == (
        f"“{campaign.name}”数据比对完成：共 {run.finding_count} 个问题，新增 {run.new_count} 个，消失 0 个。"
    )
    entry = AuditEntry.objects.get(action="核查.数据比对", actor=office_staff)
    assert entry.after == {"run": run.pk, "findings": run.finding_count}
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "查看结果" in page and "100%" in page
    detail = client.get(job.result_url).content.decode()
    assert reverse("verification:run_detail", args=[run.pk]) in detail


def test_the_stages_are_reported_with_their_counts(uploaded, office_staff):
    from jobs.progress import Progress
    from verification.campaign.services import campaign_compare

    seen = []

    class Recorder(Progress):
        def stage(self, name, total=None):
            seen.append((name, total))

        def advance(self, n=1):
            seen.append(("+", n))

    run = campaign_compare(campaign=uploaded, actor=office_staff, progress=Recorder(Job(pk=0)))
    stages = [(name, total) for name, total in seen if name != "+"]
    assert [name for name, _ in stages] == ["读取部门数据", "读取实名制名册", "比对", "写入结果"]
    assert stages[0][1] == 1 and stages[2][1] == 2 and stages[3][1] == run.finding_count
    assert sum(n for name, n in seen if name == "+") == 1 + 2 + run.finding_count


def test_a_campaign_without_data_is_refused_at_once(client, campaign, office_staff):
    client.force_login(office_staff)
    response = client.post(url(campaign))
    assert response.status_code == 200 and "尚无有效的部门数据" in response.content.decode()
    assert not Job.objects.exists() and not ComparisonRun.objects.exists()


def test_a_closed_window_is_refused_at_once(client, uploaded, office_staff):
    window = uploaded.windows.get(stage=Stage.COMPARISON)
    window.ends_on = timezone.localdate() - dt.timedelta(days=1)
    window.save()
    client.force_login(office_staff)
    response = client.post(url(uploaded))
    assert response.status_code == 200 and "环节已于" in response.content.decode()
    assert not Job.objects.exists()


def test_roles_and_scope(client, uploaded, supervisor, liaison_a, other_office_staff):
    client.force_login(supervisor)
    assert client.post(url(uploaded)).status_code == 403
    client.force_login(liaison_a)
    assert client.post(url(uploaded)).status_code in (403, 404)
    client.force_login(other_office_staff)
    assert client.post(url(uploaded)).status_code == 404
    assert not Job.objects.exists()


def test_anonymous_is_sent_to_login(client, uploaded):
    response = client.post(url(uploaded))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Job.objects.exists()


def test_one_comparison_of_a_region_at_a_time(client, uploaded, office_staff, office_admin):
    client.force_login(office_staff)
    client.post(url(uploaded))
    first = Job.objects.get()
    client.force_login(office_admin)
    response = client.post(url(uploaded))
    assert response["Location"] == reverse("jobs:job_detail", args=[first.pk]) and Job.objects.count() == 1
    # nor the comparison page's run of the same region while the campaign's is queued
    response = client.post(reverse("verification:run_create"), {"region": uploaded.region.pk})
    assert response["Location"] == reverse("jobs:job_detail", args=[first.pk]) and Job.objects.count() == 1


def test_a_comparison_that_fails_writes_nothing(uploaded, office_staff, monkeypatch):
    from verification.findings.services import runs

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "write_result", broken)  # late in the write transaction
    job = job_submit(KIND, actor=office_staff, region=uploaded.region, params={"campaign": uploaded.pk})
    runner.execute(job.pk)
    job.refresh_from_db()
    uploaded.refresh_from_db()
    assert job.status == JobStatus.FAILED and "内部错误" in job.error
    assert not ComparisonRun.objects.exists() and not Finding.objects.exists()  # all-or-nothing
    assert uploaded.comparison_run_id is None
    assert not AuditEntry.objects.filter(action__in=["核查.数据比对", "比对.运行"]).exists()


def test_a_campaign_closed_while_queued_fails_the_job_and_writes_nothing(uploaded, office_staff):
    job = job_submit(KIND, actor=office_staff, region=uploaded.region, params={"campaign": uploaded.pk})
    Campaign.objects.filter(pk=uploaded.pk).update(status="已结束")
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "该核查工作已结束。"
    assert not ComparisonRun.objects.exists()


def test_the_owner_losing_the_role_fails_the_job(uploaded, office_staff):
    job = job_submit(KIND, actor=office_staff, region=uploaded.region, params={"campaign": uploaded.pk})
    office_staff.groups.clear()
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "只有本区划的编办工作人员可以进行此操作。"
    assert not ComparisonRun.objects.exists() and Campaign.objects.get().comparison_run_id is None


def test_a_campaign_gone_fails_the_job(uploaded, office_staff):
    job = job_submit(KIND, actor=office_staff, region=uploaded.region, params={"campaign": 987654})
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "该核查工作已不存在，任务未执行。"


def test_eager_page_run_lands_on_the_finished_job(client, settings, uploaded, office_staff):
    settings.JOBS_EAGER = True
    client.force_login(office_staff)
    page = client.post(url(uploaded), follow=True).content.decode()
    uploaded.refresh_from_db()
    assert uploaded.comparison_run_id is not None and "已完成" in page and "查看结果" in page
