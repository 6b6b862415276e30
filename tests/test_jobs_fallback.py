"""The in-process queue of SQLite (a first run without PostgreSQL): the threads of a web process run a
submitted job, and a job left 运行中 by a dead process is run again when the threads start."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest
from django.db import connection

from bianzhi.models import AuditEntry
from jobs import fallback, services
from jobs.models import Job, JobStatus
from tests.builders import jobs as test_jobs  # noqa: F401  (registers the test kinds)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _threads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"
    settings.JOBS_EAGER = False
    settings.JOBS_THREADS = 1
    yield
    fallback.stop()


def wait_for(job, statuses, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.1)
    pytest.fail(f"job still {job.status}")


def test_the_threads_run_a_submitted_job(office_staff, region):
    fallback.start()
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 20, "sleep": 0.05}
    )
    seen = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        seen.add((job.status, job.stage))
        if job.status == JobStatus.DONE:
            break
        time.sleep(0.05)
    assert job.status == JobStatus.DONE and job.percent == 100 and job.message == "共写入 20 行"
    assert (JobStatus.RUNNING, "读取文件") in seen or (JobStatus.RUNNING, "写入结果") in seen
    assert AuditEntry.objects.filter(action="测试.写入").count() == 20
    if connection.vendor == "sqlite":
        assert job.worker.endswith(f":{__import__('os').getpid()}")


def test_a_failure_in_a_thread_says_why(office_staff, region):
    fallback.start()
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 4, "fail_at": 2}
    )
    wait_for(job, {JobStatus.FAILED})
    assert job.error == "第3行：测试数据有误" and AuditEntry.objects.filter(action="测试.写入").count() == 0


def test_a_job_left_running_by_a_dead_process_runs_again_at_start(region):
    process = subprocess.Popen(["true"])
    process.wait()
    job = Job.objects.create(
        kind="tests.count",
        label="测试计数",
        region=region,
        status=JobStatus.RUNNING,
        worker=f"{socket.gethostname()}:{process.pid}",
        attempts=1,
        params={"rows": 3},
    )
    fallback.start()
    wait_for(job, {JobStatus.DONE})
    assert job.attempts == 2 and AuditEntry.objects.filter(action="测试.写入").count() == 3
