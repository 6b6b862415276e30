"""Deleting old result files: the queue runs it nightly (jobs.tasks), the SQLite fallback daily."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import authorize
from jobs.models import FINISHED, Job


def job_results_purge(*, actor=None, now=None) -> int:
    """Delete the result files (and any kept upload) of jobs finished more than JOBS_KEEP_DAYS ago: exports
    hold personal data and are made again on demand. The Job rows stay (the history), saying the file
    expired. The system's (the queue runs it daily); audited when anything was deleted."""
    authorize(actor, "manage_users")
    keep = int(getattr(settings, "JOBS_KEEP_DAYS", 30))
    before = (now or timezone.now()) - dt.timedelta(days=keep)
    old = Job.objects.filter(status__in=FINISHED, finished_at__lt=before).exclude(result_file="")
    uploads = Job.objects.filter(status__in=FINISHED, finished_at__lt=before, params__has_key="stored")
    count = 0
    for job in old.only("pk", "result_file", "message"):
        job.result_file.delete(save=False)
        job.message = (job.message + " " if job.message else "") + EXPIRED.format(days=keep)
        job.save(update_fields=["result_file", "message"])
        count += 1
    for job in uploads.only("pk", "params"):
        stored = job.params.get("stored")
        if stored and default_storage.exists(stored):
            default_storage.delete(stored)
            count += 1
    if count:
        audit.record(
            actor=actor,
            action="任务.清理",
            target_repr="后台任务结果文件",
            after={"files": count, "days": keep},
        )
    return count


EXPIRED = "（结果文件已超过 {days} 天的保存期限，已删除；如需要请重新提交。）"
