"""The real queue on PostgreSQL: procrastinate defers the job in the submit's transaction, a worker runs
it (progress, result, failure), and a worker killed mid-job leaves nothing half-written — the job is
retried once by the stalled-worker check, then marked 失败 beyond JOBS_MAX_ATTEMPTS."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, transaction

from bianzhi.models import AuditEntry
from jobs import services
from jobs.models import Job, JobStatus
from tests.builders import jobs as test_jobs  # noqa: F401  (registers the test kinds)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="procrastinate needs PostgreSQL (CI runs it there)"
    ),
]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "procrastinate"
    settings.JOBS_EAGER = False


def procrastinate_rows(job):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = 'jobs.run_job' AND (args->>'job_id')::int = %s",
            [job.pk],
        )
        return cursor.fetchall()


def run_worker():
    """A worker in this process until the queue is empty (procrastinate's own worker loop)."""
    from procrastinate.contrib.django import app

    def work():
        with app.replace_connector(app.connector.get_worker_connector()):
            app.run_worker(wait=False, queues=["bianzhi"], install_signal_handlers=False, listen_notify=False)

    test_jobs.off_the_main_thread(work)


def written(region):
    return AuditEntry.objects.filter(action="测试.写入", region=region).count()


def test_submit_defers_in_the_same_transaction(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 2})
    assert job.queue_id and procrastinate_rows(job) == [("todo", 0)]
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled = services.job_submit("tests.count", actor=office_staff, region=region, params={})
        raise RuntimeError
    assert not Job.objects.filter(pk=rolled.pk).exists() and procrastinate_rows(rolled) == []


def test_a_worker_runs_the_job_with_progress_and_result(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 40})
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == 40 and job.total == 40 and job.percent == 100
    assert job.result_file.read() == b"rows=40" and job.message == "共写入 40 行"
    assert written(region) == 40 and procrastinate_rows(job) == [("succeeded", 1)]


def test_a_failing_job_says_why_and_writes_nothing(office_staff, region):
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 9, "fail_at": 5}
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "第6行：测试数据有误" and written(region) == 0
    assert procrastinate_rows(job) == [("succeeded", 1)]  # the queue's part went fine: the Job row says 失败


def test_progress_is_visible_while_the_handler_writes_in_its_transaction(office_staff, region):
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 30, "sleep": 0.1}
    )
    thread = threading.Thread(target=run_worker)
    thread.start()
    seen = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and thread.is_alive():
            row = Job.objects.filter(pk=job.pk).values("stage", "done", "status").get()
            if row["stage"] == "写入结果" and 0 < row["done"] < 30:
                seen.append(written(region))  # the rows themselves are not committed yet
            time.sleep(0.2)
    finally:
        thread.join(60)
    assert 0 in seen, "no progress seen while the handler's transaction was open"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and written(region) == 30


def _worker_process(db_name: str) -> subprocess.Popen:
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{db_name}"
    env = os.environ | {
        "DATABASE_URL": url,
        "BIANZHI_JOBS_IMPORT": "tests.builders.jobs",
        "DJANGO_SETTINGS_MODULE": "bianzhi.settings",
        "MEDIA_ROOT": str(Path(os.environ.get("TMPDIR", "/tmp")) / "bianzhi-jobs-test-media"),
    }
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "bianzhi", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _kill_mid_job(job, region):
    worker = _worker_process(connection.settings_dict["NAME"])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = Job.objects.filter(pk=job.pk).values("stage", "done").get()
            if row["stage"] == "写入结果" and row["done"] >= 3:
                break
            assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            time.sleep(0.2)
        else:
            pytest.fail("the worker did not reach the writing stage")
        os.killpg(worker.pid, signal.SIGKILL)  # the machine loses the worker mid-transaction
        worker.wait(10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1
    assert written(region) == 0  # nothing half-written: the transaction died with the worker
    assert procrastinate_rows(job) == [("doing", 0)]


def _retry_stalled() -> list[int]:
    from procrastinate.contrib.django import app

    from jobs.tasks import retry_stalled

    async def retry():
        async with app.open_async():
            return await retry_stalled(app, seconds=1)

    time.sleep(1.5)  # the killed worker's last heartbeat is older than a second now

    def run():
        with app.replace_connector(app.connector.get_worker_connector()):
            return asyncio.run(retry())

    return test_jobs.off_the_main_thread(run)


def test_a_killed_worker_s_job_is_retried_and_completes(office_staff, region):
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 12, "sleep": 0.3}
    )
    _kill_mid_job(job, region)
    Job.objects.filter(pk=job.pk).update(params={"rows": 12})  # the rerun need not be slow
    assert _retry_stalled() == [job.queue_id]
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and written(region) == 12


def test_a_killed_worker_s_job_fails_beyond_the_attempts(settings, office_staff, region):
    settings.JOBS_MAX_ATTEMPTS = 1
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 12, "sleep": 0.3}
    )
    _kill_mid_job(job, region)
    assert _retry_stalled() == [job.queue_id]
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "已尝试 1 次" in job.error and written(region) == 0
