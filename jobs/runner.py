"""Running one job: claim its row, re-check its owner, call the handler with a Progress, store the
result or the Chinese reason it failed. Both queues call ``execute`` (procrastinate's task
``jobs.run_job`` on PostgreSQL, a thread of ``jobs.fallback`` on SQLite, or directly with JOBS_EAGER)."""

from __future__ import annotations

import logging
import os
import socket
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connections,
    transaction,
)
from django.utils import timezone

from jobs.models import FINISHED, Job, JobStatus
from jobs.progress import JobCancelled, Progress
from jobs.registry import handler_for
from jobs.results import JobFailed, JobResult

log = logging.getLogger(__name__)

OWNER_GONE = "提交人账号已停用或已删除，任务未执行。"
UNKNOWN_KIND = "系统不认识此类任务（{kind}），可能是版本升级后遗留的任务，请重新提交。"
INTERRUPTED = "任务执行中被中断（服务或工作进程重启），已尝试 {n} 次仍未完成；未写入任何数据，请重新提交。"
CRASHED = "任务执行出错（内部错误），未写入任何数据。请联系系统管理员并告知任务编号 {pk}。"
DATABASE = "数据库暂时不可用，任务未完成，未写入任何数据。请稍后重新提交。"
CANCELLED = "已按提交人的要求取消，未写入任何数据。"
TOO_LATE = "取消请求到达时任务已写入完成，任务照常完成。"
SETTLE_SECONDS = 60.0  # how long recording a job's end waits out a locked or lost database


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def max_attempts() -> int:
    return max(1, int(getattr(settings, "JOBS_MAX_ATTEMPTS", 2)))


def claim(job_id: int, *, worker: str, from_statuses=(JobStatus.QUEUED,)) -> Job | None:
    """Mark the job 运行中 for ``worker`` (one more attempt); None when it is not in ``from_statuses``
    (already taken, finished or cancelled)."""
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, status__in=from_statuses).first()
        if job is None:
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.worker = worker
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.error = ""
        job.save(update_fields=["status", "attempts", "worker", "started_at", "heartbeat_at", "error"])
    return job


def finish(job: Job, status: str, *, error: str = "", result: JobResult | None = None) -> None:
    """Record how the job ended (its own short transaction, after the handler's), waiting out a passing
    database failure: once the handler's writes are committed the job must not stay 运行中, where the
    janitor would take it for interrupted and run it again."""
    fields = ["status", "error", "finished_at", "heartbeat_at", "stage", "done", "total"]
    if result is not None:
        if result.file is not None:  # the file once, outside the retries: a retry must not store a second
            name = result.filename or f"任务{job.pk}结果"
            job.result_file.save(name, ContentFile(result.file), save=False)
            job.result_name = name[:200]
            fields += ["result_file", "result_name"]
        job.result_url = result.url[:300]
        job.message = result.message
        fields += ["result_url", "message"]
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    settle(lambda: job.save(update_fields=fields))


def settle(write):
    """``write()`` again while it fails with an OperationalError (SQLite: another writer holds the lock;
    PostgreSQL: the connection dropped), for up to SETTLE_SECONDS; then the error stands."""
    deadline = time.monotonic() + SETTLE_SECONDS
    pause = 0.05
    while True:
        try:
            return write()
        except (OperationalError, InterfaceError):
            if time.monotonic() >= deadline:
                raise
            log.warning("recording a job's end: database busy, again in %.2f s", pause)
            connection = connections[DEFAULT_DB_ALIAS]
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def fail_interrupted(job: Job) -> None:
    finish(job, JobStatus.FAILED, error=INTERRUPTED.format(n=job.attempts))


def execute(job_id: int, *, worker: str | None = None, claimed: Job | None = None) -> Job | None:
    """Run the job once. Returns the Job as it ended (None when there was nothing to run).

    ``claimed``: the row already claimed by the caller (the fallback's dispatcher). Otherwise the job is
    claimed here from 排队中 — or from 运行中, which means the queue re-ran a job whose worker died (the
    queue guarantees one runner at a time): an attempt beyond JOBS_MAX_ATTEMPTS fails it instead."""
    worker = worker or worker_name()
    job = claimed or claim(job_id, worker=worker, from_statuses=(JobStatus.QUEUED, JobStatus.RUNNING))
    if job is None:
        return None
    if job.attempts > max_attempts():
        job.attempts -= 1  # the count of attempts really started
        Job.objects.filter(pk=job.pk).update(attempts=job.attempts)
        fail_interrupted(job)
        return job
    handler = handler_for(job.kind)
    if handler is None:
        finish(job, JobStatus.FAILED, error=UNKNOWN_KIND.format(kind=job.kind))
        return job
    owner = job.owner
    if job.owner_id is not None and (owner is None or not owner.is_active):
        finish(job, JobStatus.FAILED, error=OWNER_GONE)
        return job
    if owner is not None:  # roles and regions read afresh: the owner's rights as they are now
        for cached in ("_bianzhi_roles", "_bianzhi_region_ids"):
            owner.__dict__.pop(cached, None)
    progress = Progress(job)
    try:
        result = handler.func(job, progress)
    except JobCancelled:
        finish(job, JobStatus.CANCELLED, error=CANCELLED)
    except JobFailed as exc:
        finish(job, JobStatus.FAILED, error=exc.message, result=exc.result)
    except ValidationError as exc:
        finish(job, JobStatus.FAILED, error="；".join(exc.messages) or "任务未通过校验。")
    except PermissionDenied as exc:
        finish(job, JobStatus.FAILED, error=str(exc) or "您无权执行此任务。")
    except (OperationalError, InterfaceError) as exc:
        log.warning("job %s: database error %s", job.pk, exc)
        _requeue_or_fail(job, DATABASE)
    except Exception:  # noqa: BLE001 — any crash fails the job with a reason instead of killing the worker
        log.exception("job %s (%s) failed", job.pk, job.kind)
        finish(job, JobStatus.FAILED, error=CRASHED.format(pk=job.pk))
    else:
        if result is not None and not isinstance(result, JobResult):
            raise TypeError(f"handler {job.kind} returned {type(result).__name__}, not JobResult")
        try:
            progress.flush()
        except JobCancelled:
            pass
        except DatabaseError:  # the last progress is cosmetic; the end below says 100 %
            log.warning("job %s: last progress not written", job.pk, exc_info=True)
        if settle(Job.objects.filter(pk=job.pk, cancel_requested=True).exists):
            # asked while the handler's transaction ran (SQLite sees it only now): too late, its writes are
            # committed, so the job is done and says so
            result = result or JobResult()
            result.message = "；".join(x for x in (result.message, TOO_LATE) if x)
        finish(job, JobStatus.DONE, result=result)
    finally:
        progress.close()
    return job


def _requeue_or_fail(job: Job, reason: str) -> None:
    """A passing database failure: back to 排队中 while attempts remain (the fallback's threads poll for
    it; procrastinate's task defers it again), else 失败."""
    try:
        if job.attempts < max_attempts():
            Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, stage="等待重试", heartbeat_at=None)
            job.status = JobStatus.QUEUED
        else:
            finish(job, JobStatus.FAILED, error=reason)
    except DatabaseError:
        log.exception("job %s: could not record its end", job.pk)


def recover_dead(is_dead, *, worker_prefix: str = "") -> list[int]:
    """Jobs left 运行中 by a process that is gone (``is_dead(job)``): back to 排队中 while attempts
    remain, else 失败 with the Chinese reason. Returns the ids put back in the queue."""
    requeued = []
    running = Job.objects.filter(status=JobStatus.RUNNING)
    if worker_prefix:
        running = running.filter(worker__startswith=worker_prefix)
    for job in running.only("pk", "worker", "attempts", "heartbeat_at", "status"):
        if not is_dead(job):
            continue
        if job.attempts < max_attempts():
            moved = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker).update(
                status=JobStatus.QUEUED, stage="等待重试（上次执行被中断）", heartbeat_at=None
            )
            if moved:
                requeued.append(job.pk)
        else:
            fresh = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker).first()
            if fresh is not None:
                fail_interrupted(fresh)
    return requeued


__all__ = ["FINISHED", "claim", "execute", "finish", "recover_dead", "worker_name"]
