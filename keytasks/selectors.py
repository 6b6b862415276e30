"""Every read of the key-task ledger, scoped to the user: office roles of the task's region (read:
``view_registry``); anyone else sees no task (404 for one, the lists are refused by the views' guard)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bianzhi.models import Region
from bianzhi.roles import can
from keytasks.choices import TaskStatus
from keytasks.models import Attachment, KeyTask, ProgressEntry, Stage
from units.selectors import acting_regions, regions_for


def tasks_for(user) -> QuerySet[KeyTask]:
    return KeyTask.objects.filter(region__in=regions_for(user)).select_related("region")


def tasks_filtered(user, *, q: str = "", status: str = "", today: dt.date | None = None) -> QuerySet[KeyTask]:
    today = today or timezone.localdate()
    qs = tasks_for(user).annotate(
        stage_count=Count("stages", distinct=True),
        stages_done=Count("stages", filter=Q(stages__done_on__isnull=False), distinct=True),
        overdue_stages=Count(
            "stages",
            filter=Q(stages__done_on__isnull=True, stages__planned_end__lt=today, status=TaskStatus.OPEN),
            distinct=True,
        ),
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(goal__contains=q) | Q(lead__contains=q) | Q(kind__contains=q))
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def task_for(user, pk) -> KeyTask:
    try:
        return tasks_for(user).select_related("archive_entry", "created_by").get(pk=pk)
    except (KeyTask.DoesNotExist, ValueError):
        raise Http404("没有找到该重点工作。") from None


def stage_for(user, pk) -> Stage:
    try:
        return Stage.objects.select_related("task", "task__region").get(pk=pk, task__in=tasks_for(user))
    except (Stage.DoesNotExist, ValueError):
        raise Http404("没有找到该阶段。") from None


def attachment_for(user, pk) -> Attachment:
    try:
        return Attachment.objects.select_related("entry__task").get(pk=pk, entry__task__in=tasks_for(user))
    except (Attachment.DoesNotExist, ValueError):
        raise Http404("没有找到该附件。") from None


def office_regions(user) -> QuerySet[Region]:
    """The regions a task is created in: the user's own (never a county below a city's office)."""
    return acting_regions(user).order_by("code")


def stages_of(task: KeyTask) -> QuerySet[Stage]:
    return task.stages.order_by("order")


def open_stages(task: KeyTask) -> QuerySet[Stage]:
    return stages_of(task).filter(done_on__isnull=True)


def entries_of(task: KeyTask) -> QuerySet[ProgressEntry]:
    return (
        task.entries.select_related("stage")
        .prefetch_related("documents", "attachments")
        .order_by("-occurred_on", "-id")
    )


def entries_filtered(task: KeyTask, q: str = "") -> QuerySet[ProgressEntry]:
    qs = entries_of(task)
    q = (q or "").strip()
    return qs.filter(Q(text__contains=q) | Q(documents__number__contains=q)).distinct() if q else qs


def document_numbers(task: KeyTask) -> str:
    return "\n".join(d.number for d in task.documents.order_by("issued_on", "id"))


def ledger(task: KeyTask, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the ledger shows and prints: the plan, stages (with overdue flags), progress (oldest
    first) with Documents and attachments, and the results."""
    today = today or timezone.localdate()
    stages = list(stages_of(task))
    for s in stages:
        s.overdue = s.done_on is None and s.planned_end is not None and s.planned_end < today
    return {
        "task": task,
        "documents": list(task.documents.order_by("issued_on", "id")),
        "stages": stages,
        "entries": list(entries_of(task).order_by("occurred_on", "id")),
        "today": today,
    }


def overdue_stages(user, today: dt.date | None = None) -> QuerySet[Stage]:
    today = today or timezone.localdate()
    return (
        Stage.objects.filter(
            task__in=tasks_for(user),
            task__status=TaskStatus.OPEN,
            done_on__isnull=True,
            planned_end__lt=today,
        )
        .select_related("task")
        .order_by("planned_end", "id")
    )


def dashboard_panel(request) -> dict[str, Any] | None:
    """The home-page panel for office roles: open key tasks and overdue stages of their regions."""
    user = request.user
    if not can(user, "view_registry"):
        return None
    today = timezone.localdate()
    open_tasks = tasks_filtered(user, status=TaskStatus.OPEN, today=today)
    overdue = overdue_stages(user, today)
    return {
        "open_tasks": list(open_tasks[:8]),
        "open_count": open_tasks.count(),
        "overdue": list(overdue[:8]),
        "overdue_count": overdue.count(),
        "today": today,
    }
