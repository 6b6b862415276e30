"""Reads of the jobs app, scoped to the user: one's own jobs, and for office roles the jobs of their
regions. Anything else is 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from bianzhi.roles import can, region_ids
from jobs.models import Job, JobSetting, JobStatus

NOT_FOUND = "没有找到该任务，或您无权查看。"
DEFAULT_IMPORT_QUEUE_KB = 512


def jobs_for(user) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    mine = Q(owner=user)
    if can(user, "view_registry"):
        ids = region_ids(user)
        if ids is None:
            return Job.objects.all()
        mine |= Q(region_id__in=ids)
    return Job.objects.filter(mine)


def job_listing(user, *, q: str = "", status: str = "") -> QuerySet[Job]:
    jobs = jobs_for(user).select_related("region")
    if q:
        jobs = jobs.filter(Q(label__icontains=q) | Q(owner_name__icontains=q))
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created_at", "-id")


def job_for(user, pk: int) -> Job:
    job = jobs_for(user).select_related("region", "owner").filter(pk=pk).first()
    if job is None:
        raise Http404(NOT_FOUND)
    return job


def active_count(user) -> int:
    return jobs_for(user).filter(owner=user, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count()


def import_queue_bytes(region) -> int:
    """Above this many bytes an uploaded workbook is imported as a job (the region's setting, else the
    site's, else 512 KB)."""
    rows = {
        s.region_id: s.import_queue_kb for s in JobSetting.objects.filter(Q(region=region) | Q(region=None))
    }
    region_id = getattr(region, "pk", region)
    kb = rows.get(region_id, rows.get(None, DEFAULT_IMPORT_QUEUE_KB))
    return kb * 1024


def settings_listing() -> QuerySet[JobSetting]:
    return JobSetting.objects.select_related("region").order_by("region__code")


def regions():
    from bianzhi.models import Region

    return Region.objects.order_by("code")


def active_job(kind: str | tuple[str, ...], region) -> Job | None:
    """The queued or running job of ``kind`` (or of any of several kinds) for ``region``, if any (one
    comparison of a region at a time)."""
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    return (
        Job.objects.filter(kind__in=kinds, region=region, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .order_by("pk")
        .first()
    )
