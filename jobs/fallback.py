"""The in-process queue for SQLite (a first run without PostgreSQL): a few threads in each web process
claim 排队中 jobs from the Job table, oldest first, and run them with ``jobs.runner.execute``.

Started by gunicorn's ``post_worker_init`` (``scripts/run`` passes ``-c python:jobs.gunicorn``) and by
``manage.py runserver`` (``jobs.apps``). Jobs left 运行中 by a process that is gone
(gunicorn restarted, the machine rebooted) are put back in the queue or, after JOBS_MAX_ATTEMPTS,
marked 失败 with the reason — at start-up and every JANITOR_SECONDS. All processes of one SQLite
installation are on one machine, so "gone" is read from the process table; a row of another host (a
database copied elsewhere) counts as gone once its heartbeat is older than JOBS_STALE_SECONDS."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from jobs import runner
from jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
JANITOR_SECONDS = 30.0
HEARTBEAT_SECONDS = 10.0
PURGE_SECONDS = 24 * 3600.0  # result files past JOBS_KEEP_DAYS: at start, then daily

_lock = threading.Lock()
_wake = threading.Event()
_state: dict = {"pid": None, "threads": [], "running": set(), "stop": threading.Event()}


def threads() -> int:
    return max(1, int(getattr(settings, "JOBS_THREADS", 1)))


def start() -> None:
    """Start this process's threads once (again after a fork)."""
    with _lock:
        if _state["pid"] == os.getpid() and any(t.is_alive() for t in _state["threads"]):
            return
        _state.update(pid=os.getpid(), threads=[], running=set(), stop=threading.Event())
        stop = _state["stop"]
        for i in range(threads()):
            thread = threading.Thread(
                target=_loop, args=(stop, i == 0), name=f"bianzhi-jobs-{i}", daemon=True
            )
            thread.start()
            _state["threads"].append(thread)


def stop(timeout: float = 5.0) -> None:
    """Stop the threads (tests)."""
    with _lock:
        _state["stop"].set()
        _wake.set()
        for thread in _state["threads"]:
            thread.join(timeout)
        _state.update(pid=None, threads=[])
    _wake.clear()


def wake() -> None:
    _wake.set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead(job) -> bool:
    host, _, pid = (job.worker or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid():
            return job.pk not in _state["running"]  # this process, but no thread of it runs the job
        return not _alive(int(pid))
    stale = timezone.now() - dt.timedelta(seconds=int(getattr(settings, "JOBS_STALE_SECONDS", 600)))
    return job.heartbeat_at is None or job.heartbeat_at < stale


def recover() -> list[int]:
    return runner.recover_dead(is_dead)


def _next_job() -> Job | None:
    worker = runner.worker_name()
    queued = Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk")
    for pk in queued.values_list("pk", flat=True)[:5]:
        _state["running"].add(pk)  # before the claim: the janitor never takes a job being claimed for dead
        job = runner.claim(pk, worker=worker)
        if job is not None:
            return job
        _state["running"].discard(pk)
    return None


def _loop(stop: threading.Event, janitor: bool) -> None:
    last_janitor = 0.0
    last_purge = 0.0
    last_heartbeat = 0.0
    clock = threading.Event()  # only for its wait(): a sleep the stop event can cut short
    while not stop.is_set():
        try:
            now = timezone.now().timestamp()
            if janitor and now - last_janitor >= JANITOR_SECONDS:
                last_janitor = now
                if recover():
                    _wake.set()
            if janitor and now - last_purge >= PURGE_SECONDS:
                last_purge = now
                from jobs.services.purge import job_results_purge

                job_results_purge()
            if janitor and now - last_heartbeat >= HEARTBEAT_SECONDS and _state["running"]:
                last_heartbeat = now
                Job.objects.filter(pk__in=list(_state["running"]), status=JobStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
            job = _next_job()
            if job is None:
                close_old_connections()
                _wake.wait(POLL_SECONDS)
                _wake.clear()
                continue
            try:
                runner.execute(job.pk, claimed=job)
            finally:
                _state["running"].discard(job.pk)
        except Exception:  # noqa: BLE001 — the thread must outlive a bad moment (a locked database)
            log.exception("jobs fallback thread")
            clock.wait(POLL_SECONDS)
        finally:
            if stop.is_set():
                connections.close_all()
