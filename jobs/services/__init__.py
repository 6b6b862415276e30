"""Writes of the jobs app: each checks its actor (bianzhi.roles.authorize) and leaves an audit row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import actor_name, authorize
from jobs import queue, runner
from jobs.models import Job, JobSetting, JobStatus
from jobs.registry import handler_for
from jobs.services.purge import job_results_purge

__all__ = ["job_cancel", "job_results_purge", "job_setting_save", "job_submit"]


def job_submit(kind: str, *, actor, region, params: dict, label: str = "") -> Job:
    """Queue a job of a registered ``kind`` for ``actor`` (its owner) in ``region``.

    The calling view or service has already authorised the actor for the work itself (the handler's
    services check again when the job runs, with the owner's rights at that moment). Records the owner,
    region and ``params`` (JSON-able) and an audit row 任务.提交; the queue receives the job in the same
    transaction. Returns the Job (its page: ``reverse("jobs:job_detail", args=[job.pk])``)."""
    handler = handler_for(kind)
    if handler is None:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            label=(label or handler.label)[:200],
            owner=audit.user_of(actor),
            owner_name=actor_name(actor)[:100],
            region=region,
            params=audit.jsonable(params or {}),
        )
        audit.record(
            actor=actor,
            action="任务.提交",
            target=job,
            region=region,
            after={"kind": kind, "label": job.label},
        )
        queue.enqueue(job)
    if queue.eager():
        runner.execute(job.pk)
        job.refresh_from_db()
    return job


def job_cancel(job: Job, *, actor) -> Job:
    """Cancel a job: one not started leaves the queue; a running one stops at its next progress report
    (its transaction rolls back: nothing written). Its owner, or an office administrator of its region."""
    if actor is None or actor.pk != job.owner_id:
        authorize(actor, "override", region=job.region_id)
    if job.finished:
        raise ValidationError("任务已结束，无法取消。")
    with transaction.atomic():
        fresh = Job.objects.select_for_update().get(pk=job.pk)
        if fresh.status == JobStatus.QUEUED:
            fresh.status = JobStatus.CANCELLED
            fresh.error = runner.CANCELLED
            fresh.finished_at = timezone.now()
            queue.cancel_queued(fresh)
        elif fresh.status == JobStatus.RUNNING:
            fresh.cancel_requested = True
        else:
            raise ValidationError("任务已结束，无法取消。")
        fresh.save(update_fields=["status", "error", "finished_at", "cancel_requested"])
        audit.record(
            actor=actor, action="任务.取消", target=fresh, region=fresh.region, before={"status": job.status}
        )
    return fresh


def job_setting_save(*, actor, region, import_queue_kb: int) -> JobSetting:
    """The size above which an import runs as a job: site-wide (``region`` None) or for one region.
    The 系统管理员's (三员分立: settings); audited."""
    authorize(actor, "manage_users")
    with transaction.atomic():
        setting = JobSetting.objects.select_for_update().filter(region=region).first()
        before = {"import_queue_kb": setting.import_queue_kb} if setting else None
        if setting is None:
            setting = JobSetting(region=region)
        setting.import_queue_kb = import_queue_kb
        setting.save()
        audit.record(
            actor=actor,
            action="任务.设置",
            target=setting,
            region=region,
            before=before,
            after={"import_queue_kb": import_queue_kb},
        )
    return setting
