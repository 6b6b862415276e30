"""procrastinate's tasks (PostgreSQL): one task runs any job by its id; a periodic task puts back the
jobs of workers that stopped sending heartbeats (killed, machine lost).

Imported by procrastinate's autodiscovery (``tasks`` modules) and by ``jobs.apps``; on SQLite
procrastinate's Django app is not installed and these tasks are never deferred."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import close_old_connections, connection
from procrastinate.contrib.django import app

from jobs import runner
from jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

QUEUE = "bianzhi"


@app.task(name="jobs.run_job", queue=QUEUE)
def run_job(job_id: int) -> None:
    close_old_connections()
    try:
        job = runner.execute(job_id)
        if job is not None and job.status == JobStatus.QUEUED:  # a passing database failure: once more
            job.queue_id = run_job.defer(job_id=job.pk)
            Job.objects.filter(pk=job.pk).update(queue_id=job.queue_id)
    finally:
        connection.close()  # the executor thread's connection: a long job's next run opens a fresh one


@app.periodic(cron="* * * * *", periodic_id="recover_stalled")
@app.task(name="jobs.recover_stalled", queue=QUEUE, queueing_lock="jobs.recover_stalled", pass_context=True)
async def recover_stalled(context, timestamp: int) -> None:
    """Every minute: procrastinate jobs still 'doing' on a worker whose heartbeat stopped are retried
    (the Job row then counts one more attempt, and fails beyond JOBS_MAX_ATTEMPTS)."""
    await retry_stalled(context.app)


async def retry_stalled(procrastinate_app, *, seconds: float | None = None) -> list[int]:
    if seconds is None:
        seconds = float(getattr(settings, "JOBS_STALLED_SECONDS", 30))
    stalled = await procrastinate_app.job_manager.get_stalled_jobs(
        task_name="jobs.run_job", seconds_since_heartbeat=seconds
    )
    retried = []
    for job in stalled:
        log.warning("job %s of a stalled worker: retried", job.id)
        await procrastinate_app.job_manager.retry_job(job)
        retried.append(job.id)
    return retried


@app.periodic(cron="30 2 * * *", periodic_id="purge_results")
@app.task(name="jobs.purge_results", queue=QUEUE, queueing_lock="jobs.purge_results")
def purge_results(timestamp: int) -> None:
    """Every night: result files past JOBS_KEEP_DAYS are deleted (jobs.services.job_results_purge)."""
    from jobs.services.purge import job_results_purge

    close_old_connections()
    try:
        job_results_purge()
    finally:
        connection.close()
