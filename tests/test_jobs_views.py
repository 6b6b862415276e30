"""The jobs pages: the list (own and the region's, searchable, paginated), the page with its progress and
result or failure reason, the audited download, the POST-only cancel and the import-size setting —
anonymous, another region's user (404), a read-only role (403) and the allowed role (state and audit)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bianzhi.models import AuditEntry
from jobs import services
from jobs.models import Job, JobSetting, JobStatus
from tests.builders import jobs as test_jobs  # noqa: F401  (registers the test kinds)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"
    settings.JOBS_EAGER = False


@pytest.fixture
def job(office_staff, region):
    return services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 2})


@pytest.fixture
def done(office_staff, region):
    job = Job.objects.create(
        kind="tests.count",
        label="导出实有人员",
        owner=office_staff,
        owner_name="李编办",
        region=region,
        status=JobStatus.DONE,
        stage="写入结果",
        done=10,
        total=10,
        message="共 10 行",
        result_url="/",
    )
    job.result_file.save("名册.xlsx", ContentFile(b"PK-data"), save=False)
    job.result_name = "名册.xlsx"
    job.save()
    return job


URLS = ("jobs:job_detail", "jobs:job_download", "jobs:job_cancel")


def test_anonymous_is_sent_to_login(client, done):
    for name in URLS:
        response = client.get(reverse(name, args=[done.pk]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("jobs:job_list")).status_code == 302


def test_another_regions_user_gets_404(client, done, other_office_staff):
    client.force_login(other_office_staff)
    for name in URLS:
        assert client.get(reverse(name, args=[done.pk])).status_code == 404
    assert client.post(reverse("jobs:job_cancel", args=[done.pk]), {"confirm": "1"}).status_code == 404
    assert "导出实有人员" not in client.get(reverse("jobs:job_list")).content.decode()
    assert not AuditEntry.objects.filter(action="下载").exists()


def test_a_liaison_sees_only_their_own_jobs(client, done, liaison_a):
    client.force_login(liaison_a)
    assert client.get(reverse("jobs:job_detail", args=[done.pk])).status_code == 404
    assert client.get(reverse("jobs:job_download", args=[done.pk])).status_code == 404


def test_the_regions_office_sees_the_job_but_only_the_owner_downloads(client, done, supervisor, office_staff):
    client.force_login(
        supervisor
    )  # a read-only role of the region: sees the job, not its file, cannot cancel
    page = client.get(reverse("jobs:job_list")).content.decode()
    assert "导出实有人员" in page and "李编办" in page
    detail = client.get(reverse("jobs:job_detail", args=[done.pk])).content.decode()
    assert "已完成" in detail and "共 10 行" in detail and "只有提交人可以下载" in detail
    assert 'http-equiv="refresh"' not in detail  # finished: no more refreshing
    refused = client.get(reverse("jobs:job_download", args=[done.pk]))
    assert refused.status_code == 403 and "只有提交人可以下载" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="下载").exists()
    client.force_login(office_staff)  # the owner
    assert "下载 名册.xlsx" in client.get(reverse("jobs:job_detail", args=[done.pk])).content.decode()
    response = client.get(reverse("jobs:job_download", args=[done.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK-data"
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="下载")
    assert entry.actor == office_staff and entry.target_id == str(done.pk)
    assert entry.after == {"filename": "名册.xlsx"}


def test_a_running_job_shows_stage_rows_and_percentage_and_refreshes(client, job, office_staff):
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, stage="比对", done=1500, total=6000)
    client.force_login(office_staff)
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "比对" in page and "1500 / 6000 行" in page and 'value="25"' in page and "25%" in page
    assert "取消任务" in page  # the owner may cancel


def test_a_failed_job_shows_its_chinese_reason(client, job, office_staff):
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="第3行：公民身份号码校验位错误")
    client.force_login(office_staff)
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "失败原因" in page and "第3行：公民身份号码校验位错误" in page


def test_download_without_a_file_is_404(client, job, office_staff):
    client.force_login(office_staff)
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_cancel_is_post_only_confirmed_and_audited(client, job, office_staff):
    client.force_login(office_staff)
    url = reverse("jobs:job_cancel", args=[job.pk])
    assert client.get(url).status_code == 405
    client.post(url, {})  # without the confirmation: nothing happens
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert AuditEntry.objects.filter(action="任务.取消", actor=office_staff, target_id=str(job.pk)).exists()


def test_a_read_only_role_cannot_cancel_another_users_job(client, job, supervisor):
    client.force_login(supervisor)
    assert client.post(reverse("jobs:job_cancel", args=[job.pk]), {"confirm": "1"}).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and not AuditEntry.objects.filter(action="任务.取消").exists()


def test_list_search_and_status_filter(client, job, done, office_staff):
    client.force_login(office_staff)
    page = client.get(reverse("jobs:job_list"), {"q": "人员"}).content.decode()
    assert "导出实有人员" in page and "测试计数" not in page
    page = client.get(reverse("jobs:job_list"), {"status": "排队中"}).content.decode()
    assert "测试计数" in page and "导出实有人员" not in page


def test_list_query_count_is_constant(client, office_staff, region):
    client.force_login(office_staff)
    for _ in range(3):
        services.job_submit("tests.count", actor=office_staff, region=region, params={})
    client.get(reverse("jobs:job_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("jobs:job_list"))
    for _ in range(30):
        services.job_submit("tests.count", actor=office_staff, region=region, params={})
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("jobs:job_list"))
    assert len(many) == len(few)


def test_settings_page_is_the_system_administrators(client, office_admin, system_admin, region):
    url = reverse("jobs:job_settings")
    client.force_login(office_admin)
    assert client.get(url).status_code == 403
    assert client.post(url, {"region": "", "import_queue_kb": "64"}).status_code == 403
    client.force_login(system_admin)
    assert "导入转后台的文件大小" in client.get(url).content.decode()
    response = client.post(url, {"region": str(region.pk), "import_queue_kb": "64"})
    assert response.status_code == 302
    assert JobSetting.objects.get(region=region).import_queue_kb == 64
    assert AuditEntry.objects.filter(action="任务.设置", actor=system_admin).exists()
    assert "后台任务" in client.get(reverse("jobs:job_list")).content.decode()


def test_a_job_queued_for_long_says_so(client, job, office_staff):
    import datetime as dt

    from django.utils import timezone

    client.force_login(office_staff)
    assert "排队超过" not in client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    page = client.get(reverse("jobs:job_detail", args=[job.pk])).content.decode()
    assert "任务已排队超过 2 分钟仍未开始" in page
