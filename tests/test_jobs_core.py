"""The job core on any database: submit, progress, result, failure with a Chinese reason, all-or-nothing,
the owner's rights re-read when the job starts, cancel, and recovery of jobs of a dead process."""

from __future__ import annotations

import socket

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext

from bianzhi.models import AuditEntry
from bianzhi.roles import REFUSALS, Role
from jobs import runner, selectors, services
from jobs.fallback import recover
from jobs.models import Job, JobSetting, JobStatus
from jobs.progress import Progress
from jobs.registry import HANDLERS, job, label_of
from tests.builders import jobs as test_jobs  # noqa: F401  (registers the test kinds)
from tests.builders.registry import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOBS_BACKEND = "thread"  # nothing runs a job until the test does (no thread is started)
    settings.JOBS_EAGER = False


def written(region):
    return AuditEntry.objects.filter(action="测试.写入", region=region).count()


def test_submit_records_owner_region_params_and_audit(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 3})
    assert job.status == JobStatus.QUEUED and job.owner == office_staff and job.region == region
    assert job.label == "测试计数" and job.params == {"rows": 3} and job.owner_name == "李编办"
    entry = AuditEntry.objects.get(action="任务.提交")
    assert entry.target_id == str(job.pk) and entry.actor == office_staff and entry.region == region


def test_unknown_kind_is_refused(office_staff, region):
    with pytest.raises(ValueError):
        services.job_submit("nope", actor=office_staff, region=region, params={})


def test_a_job_runs_with_progress_and_keeps_its_result(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 5})
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert job.stage == "写入结果" and job.done == 5 and job.total == 5 and job.percent == 100
    assert job.message == "共写入 5 行" and job.result_url == "/jobs/"
    assert job.result_name == "测试结果.txt" and job.result_file.name.startswith("jobs/")
    assert job.result_file.read() == b"rows=5"
    assert job.started_at <= job.finished_at
    assert written(region) == 5


def test_eager_runs_in_the_submitting_thread(settings, office_staff, region):
    settings.JOBS_EAGER = True
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 2})
    assert job.status == JobStatus.DONE and written(region) == 2


def test_a_failure_says_why_in_chinese_and_writes_nothing(office_staff, region):
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 5, "fail_at": 3}
    )
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "第4行：测试数据有误"
    assert written(region) == 0  # the three rows before the failure were rolled back
    assert not job.result_file and job.finished_at


def test_a_crash_fails_the_job_with_a_chinese_reason(office_staff, region):
    job = services.job_submit(
        "tests.count", actor=office_staff, region=region, params={"rows": 5, "crash_at": 2}
    )
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "内部错误" in job.error and str(job.pk) in job.error
    assert "boom" not in job.error and written(region) == 0


def test_a_disabled_owner_fails_the_job(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 2})
    office_staff.is_active = False
    office_staff.save()
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == runner.OWNER_GONE and written(region) == 0


def test_the_owners_rights_are_read_when_the_job_starts(office_staff, region):
    job = services.job_submit("tests.authorized", actor=office_staff, region=region, params={})
    office_staff.groups.clear()  # the role taken away while the job waited
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == REFUSALS["import"]


def test_an_unknown_kind_in_the_queue_fails_with_a_reason(region):
    job = Job.objects.create(kind="gone.kind", label="旧任务", region=region)
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "gone.kind" in job.error


def test_a_finished_job_is_not_run_again(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 1})
    runner.execute(job.pk)
    assert runner.execute(job.pk) is None
    assert written(region) == 1


def test_progress_writes_at_most_once_a_second(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={})
    progress = Progress(job)
    progress.stage("读取文件", total=10_000)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(10_000):
            progress.advance()
    assert len(queries) <= 2  # one throttled write (UPDATE + its cancel check) at most
    progress.flush()
    job.refresh_from_db()
    assert job.done == 10_000 and job.percent == 100 and job.stage == "读取文件"


def test_percent_is_unknown_without_a_total():
    assert Job(done=5).percent is None
    assert Job(done=5, total=20).percent == 25
    assert Job(done=30, total=20).percent == 100


def test_cancel_a_queued_job(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 2})
    job = services.job_cancel(job, actor=office_staff)
    assert job.status == JobStatus.CANCELLED
    assert AuditEntry.objects.filter(action="任务.取消", target_id=str(job.pk)).exists()
    assert runner.execute(job.pk) is None and written(region) == 0


def test_cancel_a_running_job_rolls_it_back(office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 3})
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)  # asked while it runs
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.error == runner.CANCELLED and written(region) == 0


def test_a_cancel_asked_after_the_last_progress_is_too_late(office_staff, region):
    """The writes are committed: the job is 已完成 (never 已取消 “未写入任何数据” with rows written)."""
    job = services.job_submit("tests.cancel_inside", actor=office_staff, region=region, params={})
    runner.execute(job.pk)
    job.refresh_from_db()
    assert written(region) == 1
    assert job.status == JobStatus.DONE and not job.error, job.error
    assert runner.TOO_LATE in job.message, job.message


def test_only_the_owner_or_an_office_admin_cancels(office_staff, supervisor, office_admin, region):
    from django.core.exceptions import PermissionDenied

    job = services.job_submit("tests.count", actor=office_staff, region=region, params={})
    with pytest.raises(PermissionDenied):
        services.job_cancel(job, actor=supervisor)
    assert services.job_cancel(job, actor=office_admin).status == JobStatus.CANCELLED


def _running(region, *, worker, attempts):
    return Job.objects.create(
        kind="tests.count",
        label="测试计数",
        region=region,
        status=JobStatus.RUNNING,
        worker=worker,
        attempts=attempts,
        params={"rows": 2},
    )


def _dead_pid() -> int:
    import subprocess

    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_job_of_a_dead_process_is_run_again(region):
    job = _running(region, worker=f"{socket.gethostname()}:{_dead_pid()}", attempts=1)
    assert recover() == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "中断" in job.stage
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and written(region) == 2


def test_a_job_interrupted_too_often_fails(region):
    job = _running(region, worker=f"{socket.gethostname()}:{_dead_pid()}", attempts=2)
    assert recover() == []
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "已尝试 2 次" in job.error and written(region) == 0


def test_a_job_of_a_live_process_is_left_alone(region):
    import os

    job = _running(region, worker=f"{socket.gethostname()}:{os.getppid()}", attempts=1)
    assert recover() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_the_queue_rerunning_a_job_beyond_the_attempts_fails_it(settings, region):
    settings.JOBS_MAX_ATTEMPTS = 2
    job = _running(region, worker="other:1", attempts=2)  # procrastinate retried a stalled worker's job
    runner.execute(job.pk)
    job.refresh_from_db()
    assert (
        job.status == JobStatus.FAILED and job.attempts == 2 and "中断" in job.error and written(region) == 0
    )


def test_a_job_of_a_stalled_worker_is_rerun_once(settings, region):
    job = _running(region, worker="other:1", attempts=1)
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and written(region) == 2


def test_registry_labels_and_double_registration():
    assert label_of("tests.count") == "测试计数" and label_of("x.y") == "x.y"
    with pytest.raises(ValueError):

        @job("tests.count", label="别的")
        def other(job, progress):
            return None

    assert HANDLERS["tests.count"].label == "测试计数"


def test_scope_own_jobs_and_the_regions_jobs(
    office_staff, office_admin, other_office_staff, liaison_a, region
):
    mine = services.job_submit("tests.count", actor=office_staff, region=region, params={})
    theirs = services.job_submit(
        "tests.count", actor=other_office_staff, region=other_office_staff.profile.regions.get(), params={}
    )
    liaisons = services.job_submit("tests.count", actor=liaison_a, region=region, params={})
    assert set(selectors.jobs_for(office_staff)) == {mine, liaisons}
    assert set(selectors.jobs_for(office_admin)) == {mine, liaisons}
    assert set(selectors.jobs_for(other_office_staff)) == {theirs}
    assert set(selectors.jobs_for(liaison_a)) == {liaisons}  # a liaison: only their own


def test_import_size_setting(system_admin, office_admin, region, other_region):
    from django.core.exceptions import PermissionDenied

    assert selectors.import_queue_bytes(region) == 512 * 1024
    services.job_setting_save(actor=system_admin, region=None, import_queue_kb=100)
    assert selectors.import_queue_bytes(region) == 100 * 1024
    services.job_setting_save(actor=system_admin, region=region, import_queue_kb=0)
    assert selectors.import_queue_bytes(region) == 0
    assert selectors.import_queue_bytes(other_region) == 100 * 1024
    assert AuditEntry.objects.filter(action="任务.设置").count() == 2
    with pytest.raises(PermissionDenied):
        services.job_setting_save(actor=office_admin, region=None, import_queue_kb=1)
    assert JobSetting.objects.get(region=None).import_queue_kb == 100


def test_a_user_without_region_sees_only_own(db, region):
    user = make_user("nobody", Role.OFFICE_STAFF, regions=[])
    services.job_submit("tests.count", actor=None, region=region, params={})
    assert not selectors.jobs_for(user).exists()


def test_one_site_wide_setting(db):
    from django.db import IntegrityError, transaction

    JobSetting.objects.create(region=None, import_queue_kb=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobSetting.objects.create(region=None, import_queue_kb=2)


def test_old_result_files_are_purged(settings, office_staff, region):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    settings.JOBS_KEEP_DAYS = 30
    jobs = []
    for days in (31, 5):
        job = Job.objects.create(
            kind="tests.count",
            label="导出",
            owner=office_staff,
            region=region,
            status=JobStatus.DONE,
            finished_at=timezone.now() - dt.timedelta(days=days),
            params={"stored": f"jobs/uploads/{days}.xlsx"},
        )
        job.result_file.save("名册.xlsx", ContentFile(b"x"))
        default_storage.save(f"jobs/uploads/{days}.xlsx", ContentFile(b"y"))
        jobs.append(job)
    old, recent = jobs
    old_name = old.result_file.name
    assert services.job_results_purge() == 2
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.result_file and not default_storage.exists(old_name) and "保存期限" in old.message
    assert not default_storage.exists("jobs/uploads/31.xlsx") and default_storage.exists(
        "jobs/uploads/5.xlsx"
    )
    assert recent.result_file and default_storage.exists(recent.result_file.name)
    assert AuditEntry.objects.get(action="任务.清理").after == {"files": 2, "days": 30}
    assert services.job_results_purge() == 0


class _LockedOnce:
    """Makes the first ``n`` calls of ``owner.name`` (those ``when`` picks) fail as SQLite does while another
    writer holds the lock; ``calls`` counts the picked calls."""

    def __init__(self, monkeypatch, owner, name, n=1, when=lambda *args, **kwargs: True):
        self.calls = 0
        self.n = n
        real = getattr(owner, name)

        def locked(*args, **kwargs):
            if not when(*args, **kwargs):
                return real(*args, **kwargs)
            self.calls += 1
            if self.calls <= self.n:
                raise OperationalError("database table is locked: jobs_job")
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, locked)


def recording_the_end(*args, update_fields=(), **kwargs):
    return "finished_at" in update_fields


def test_a_locked_database_when_recording_the_end_does_not_run_the_job_twice(
    monkeypatch, tmp_path, office_staff, region
):
    """CI on SQLite: the handler had committed its 20 rows, recording 已完成 met a locked table, the job
    stayed 运行中, the janitor took it for interrupted and ran it again: 40 rows. The end is now waited
    for; the committed job is done once."""
    monkeypatch.setattr(runner, "SETTLE_SECONDS", 5.0)
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 20})
    locked = _LockedOnce(monkeypatch, Job, "save", n=2, when=recording_the_end)
    runner.execute(job.pk)
    job.refresh_from_db()
    assert locked.calls >= 3
    assert job.status == JobStatus.DONE and job.message == "共写入 20 行" and written(region) == 20
    assert job.result_file.read() == b"rows=20"
    stored = [path for path in (tmp_path / "jobs").rglob("*") if path.is_file()]
    assert len(stored) == 1, "one result file, not one per try"
    assert recover() == [] and written(region) == 20


def test_a_lost_last_progress_does_not_fail_a_committed_job(monkeypatch, office_staff, region):
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 3})
    _LockedOnce(monkeypatch, Progress, "flush", n=1)
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and written(region) == 3


def test_a_database_that_stays_locked_leaves_the_error_standing(monkeypatch, office_staff, region):
    monkeypatch.setattr(runner, "SETTLE_SECONDS", 0.2)
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 1})
    _LockedOnce(monkeypatch, Job, "save", n=10_000, when=recording_the_end)
    with pytest.raises(OperationalError):
        runner.execute(job.pk)


def test_a_progress_write_that_meets_a_lock_is_skipped_not_fatal(monkeypatch, office_staff, region):
    """Outside the handler's transaction a progress write is only shown: a locked table skips it and the
    next write carries the figures."""
    job = services.job_submit("tests.count", actor=office_staff, region=region, params={"rows": 3})
    job = runner.claim(job.pk, worker="w")
    progress = Progress(job, throttle=0)
    locked = _LockedOnce(monkeypatch, type(connections[DEFAULT_DB_ALIAS]), "cursor", n=1)
    progress.stage("读取文件", total=3)  # locked: skipped
    progress.advance(2)
    monkeypatch.undo()
    job.refresh_from_db()
    assert locked.calls == 2 and (job.stage, job.done, job.total) == ("读取文件", 2, 3)
