"""Which queue runs the jobs, and handing a job to it.

- ``procrastinate`` (PostgreSQL): the job is deferred in the same transaction as its Job row
  (procrastinate's Django connector uses Django's connection), workers started by
  ``manage.py procrastinate worker`` pick it up on LISTEN/NOTIFY.
- ``thread`` (SQLite, first run): ``jobs.fallback`` — a small thread pool inside each web process that
  claims 排队中 rows of the Job table (started by gunicorn's hook or ``runserver``, never by a submit: a
  command or a test that submits a job leaves it 排队中 for the web server to run).

``JOBS_EAGER`` (tests only): the job runs in the submitting thread right after the submit commits."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

PROCRASTINATE = "procrastinate"
THREAD = "thread"


def backend() -> str:
    return getattr(settings, "JOBS_BACKEND", THREAD)


def eager() -> bool:
    return bool(getattr(settings, "JOBS_EAGER", False))


def enqueue(job) -> None:
    """Hand the job to the queue (inside the caller's transaction: nothing runs before it commits)."""
    if eager():
        return
    if backend() == PROCRASTINATE:
        from jobs.tasks import run_job

        job.queue_id = run_job.defer(job_id=job.pk)
        type(job).objects.filter(pk=job.pk).update(queue_id=job.queue_id)
    else:
        from jobs import fallback

        transaction.on_commit(fallback.wake)  # the threads also poll: a job is never left behind


def cancel_queued(job) -> None:
    """Take a job that has not started out of procrastinate's queue (the fallback reads the Job row)."""
    if backend() == PROCRASTINATE and job.queue_id:
        from procrastinate.contrib.django import app

        app.job_manager.cancel_job_by_id(job.queue_id)
