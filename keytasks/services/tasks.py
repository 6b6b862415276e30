"""Key tasks (重点工作台账): every rule and every write. Office staff of the task's region write
(``edit_registry``); every write is audited; a finished task's ledger (PDF) is filed for permanent keeping in
the 独立档案 of its kind (``keytasks.choices.ARCHIVE_OF``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from archives.choices import DedicatedKind
from archives.models import DedicatedFile
from archives.services import check_scan, dedicated_file_create, file_into_dedicated, resolve_numbers
from bianzhi import audit
from bianzhi.lib.text import clean_cell
from bianzhi.roles import actor_name, authorize
from keytasks.choices import ARCHIVE_OF, DEFAULT_TASKS, TRANSITIONS, TaskKind, TaskStatus
from keytasks.models import Attachment, KeyTask, ProgressEntry, Stage
from keytasks.prints import ledger_pdf

OTHER_FOLDER = "重点工作台账"
PLAN_FIELDS = ["kind", "name", "goal", "lead", "starts_on", "due_on"]


def _fail(message: str, field: str | None = None):
    raise ValidationError({field: message} if field else message)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _check_plan(region, *, name: str, kind: str, starts_on, due_on, exclude: int | None = None) -> None:
    if kind not in TaskKind.values:
        _fail("请选择工作类别。", "kind")
    if not name:
        _fail("工作名称不能为空。", "name")
    if KeyTask.objects.filter(region=region, name=name).exclude(pk=exclude).exists():
        _fail(f"本区划已有重点工作“{name}”。", "name")
    if due_on < starts_on:
        _fail("计划完成日期不能早于开始日期。", "due_on")


def _lock(task: KeyTask) -> KeyTask:
    return KeyTask.objects.select_for_update().get(pk=task.pk)


def _open(task: KeyTask) -> None:
    if task.status != TaskStatus.OPEN:
        _fail("该重点工作已完成，台账已归档，不能再修改。")


def _plan(task: KeyTask) -> dict:
    return audit.snapshot(task, PLAN_FIELDS) | {"documents": [d.number for d in task.documents.all()]}


@transaction.atomic
def task_create(
    *,
    region,
    kind: str,
    name: str,
    goal: str,
    lead: str,
    starts_on: dt.date,
    due_on: dt.date,
    actor,
    document_numbers: str = "",
    stages: list[str] | tuple = (),
) -> KeyTask:
    """Add a key task to the region's ledger (its plan: goal, lead, dates, Documents by 文号; optional
    stage names in order). Audited (重点工作.建立)."""
    authorize(actor, "edit_registry", region=region)
    name = clean_cell(name)
    _check_plan(region, name=name, kind=kind, starts_on=starts_on, due_on=due_on)
    documents = resolve_numbers(region, document_numbers, field="document_numbers")
    task = KeyTask.objects.create(
        region=region,
        kind=kind,
        name=name,
        goal=goal.strip(),
        lead=clean_cell(lead),
        starts_on=starts_on,
        due_on=due_on,
        created_by=audit.user_of(actor),
    )
    task.documents.set(documents)
    for i, stage in enumerate(stages, start=1):
        Stage.objects.create(task=task, order=i, name=stage)
    audit.record(actor=actor, action="重点工作.建立", target=task, region=region, after=_plan(task))
    return task


@transaction.atomic
def defaults_create(*, region, actor, today: dt.date | None = None) -> list[KeyTask]:
    """The four key tasks every region keeps (机构改革, 事业单位分类改革, 实名制, 核查), those not yet in
    the ledger, running from today to the end of the year, their usual stages planned one after another
    over that time (the office changes them as it plans). Audited per task."""
    authorize(actor, "edit_registry", region=region)
    start = _today(today)
    made = []
    for kind, name, goal, stages in DEFAULT_TASKS:
        if KeyTask.objects.filter(region=region, kind=kind).exists():
            continue
        made.append(
            task_create(
                region=region,
                kind=kind,
                name=name,
                goal=goal,
                lead="编办",
                starts_on=start,
                due_on=dt.date(start.year, 12, 31),
                stages=stages,
                actor=actor,
            )
        )
        _spread(made[-1])
    if not made:
        _fail("默认的四项重点工作都已建立。")
    return made


def _spread(task: KeyTask) -> None:
    """Plan the stages one after another over the task's time, in equal parts."""
    stages = list(task.stages.order_by("order"))
    days = (task.due_on - task.starts_on).days + 1
    for i, stage in enumerate(stages):
        stage.planned_start = task.starts_on + dt.timedelta(days=days * i // len(stages))
        stage.planned_end = task.starts_on + dt.timedelta(days=days * (i + 1) // len(stages) - 1)
        stage.save(update_fields=["planned_start", "planned_end"])


@transaction.atomic
def task_update(
    *,
    task: KeyTask,
    actor,
    name: str,
    kind: str,
    goal: str,
    lead: str,
    starts_on: dt.date,
    due_on: dt.date,
    document_numbers: str = "",
    reason: str = "",
) -> KeyTask:
    """Change an open task's plan. Audited with before/after (重点工作.修改)."""
    authorize(actor, "edit_registry", region=task.region_id)
    task = _lock(task)
    _open(task)
    name = clean_cell(name)
    _check_plan(task.region, name=name, kind=kind, starts_on=starts_on, due_on=due_on, exclude=task.pk)
    documents = resolve_numbers(task.region, document_numbers, field="document_numbers")
    before = _plan(task)
    task.name, task.kind, task.goal, task.lead = name, kind, goal.strip(), clean_cell(lead)
    task.starts_on, task.due_on = starts_on, due_on
    task.save()
    task.documents.set(documents)
    old, new = audit.diff(before, _plan(task))
    audit.record(actor=actor, action="重点工作.修改", target=task, before=old, after=new, reason=reason)
    return task


@transaction.atomic
def stage_add(
    *,
    task: KeyTask,
    name: str,
    actor,
    planned_start: dt.date | None = None,
    planned_end: dt.date | None = None,
) -> Stage:
    """Add a stage at the end of an open task's stages. Audited (重点工作.增加阶段)."""
    authorize(actor, "edit_registry", region=task.region_id)
    task = _lock(task)
    _open(task)
    name = clean_cell(name)
    if not name:
        _fail("阶段名称不能为空。", "name")
    if planned_start and planned_end and planned_end < planned_start:
        _fail("计划完成日期不能早于计划开始日期。", "planned_end")
    order = (task.stages.aggregate(m=Max("order"))["m"] or 0) + 1
    stage = Stage.objects.create(
        task=task, order=order, name=name, planned_start=planned_start, planned_end=planned_end
    )
    after = {"order": order, "name": name, "planned_start": planned_start, "planned_end": planned_end}
    audit.record(actor=actor, action="重点工作.增加阶段", target=task, after=after)
    return stage


@transaction.atomic
def stage_done(
    *, stage: Stage, done_on: dt.date, actor, note: str = "", today: dt.date | None = None
) -> Stage:
    """Mark a stage done: in order (every earlier stage done first), not in the future, not before the task
    started or an earlier stage was done. Audited (重点工作.阶段完成)."""
    authorize(actor, "edit_registry", region=stage.task.region_id)
    task = _lock(stage.task)
    _open(task)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.done_on:
        _fail(f"阶段“{stage.name}”已于{stage.done_on:%Y-%m-%d}完成。")
    earlier = task.stages.filter(order__lt=stage.order)
    pending = earlier.filter(done_on__isnull=True).order_by("order").first()
    if pending is not None:
        _fail(f"请先完成前一阶段“{pending.name}”。")
    if done_on > _today(today):
        _fail("完成日期不能晚于今天。", "done_on")
    if done_on < task.starts_on:
        _fail("完成日期不能早于工作开始日期。", "done_on")
    last = earlier.aggregate(m=Max("done_on"))["m"]
    if last and done_on < last:
        _fail(f"完成日期不能早于前一阶段的完成日期（{last:%Y-%m-%d}）。", "done_on")
    stage.done_on, stage.note = done_on, clean_cell(note)
    stage.save(update_fields=["done_on", "note"])
    audit.record(
        actor=actor, action="重点工作.阶段完成", target=task, after={"stage": stage.name, "done_on": done_on}
    )
    return stage


@transaction.atomic
def progress_add(
    *,
    task: KeyTask,
    occurred_on: dt.date,
    text: str,
    actor,
    stage: Stage | None = None,
    document_numbers: str = "",
    uploads: list[UploadedFile] | tuple = (),
    today: dt.date | None = None,
) -> ProgressEntry:
    """Record progress on an open task: a date (not in the future, not before the task started), what was
    done, the Documents it cites (by 文号, each on file) and scans (PDF or images, checked by content and
    size). Audited (重点工作.登记进展)."""
    authorize(actor, "edit_registry", region=task.region_id)
    task = _lock(task)
    _open(task)
    text = (text or "").strip()
    if not text:
        _fail("请填写工作进展。", "text")
    if occurred_on > _today(today):
        _fail("日期不能晚于今天。", "occurred_on")
    if occurred_on < task.starts_on:
        _fail("日期不能早于工作开始日期。", "occurred_on")
    if stage is not None and stage.task_id != task.pk:
        _fail("该阶段不属于这项工作。", "stage")
    documents = resolve_numbers(task.region, document_numbers, field="document_numbers")
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, *check_scan(upload)))
        except ValidationError as exc:
            raise ValidationError({"uploads": exc.messages}) from None
    entry = ProgressEntry.objects.create(
        task=task,
        stage=stage,
        occurred_on=occurred_on,
        text=text,
        recorded_by=audit.user_of(actor),
        recorded_by_name=actor_name(actor),
    )
    entry.documents.set(documents)
    for upload, sha, ctype in checked:
        item = Attachment(
            entry=entry,
            original_name=Path(upload.name or "附件").name[-200:],
            content_type=ctype,
            size=upload.size,
            sha256=sha,
        )
        item.file.save(item.original_name, upload, save=False)
        item.save()
    after = {
        "occurred_on": occurred_on,
        "stage": stage.name if stage else "",
        "documents": [d.number for d in documents],
        "attachments": [u.name for u, *_x in checked],
    }
    audit.record(actor=actor, action="重点工作.登记进展", target=task, after=after)
    return entry


def _folder_ready(kind: str, actor) -> None:
    """The 其他 kind has no dedicated file seeded: the first finished task of that kind opens one
    (其他专项工作档案 “重点工作台账”, audited by the archives service); the other kinds are seeded."""
    if kind == DedicatedKind.OTHER and not DedicatedFile.objects.filter(kind=kind, is_active=True).exists():
        description = "办公室自行确定的其他重点工作的台账（计划、阶段、进展、文件和成果），永久保存。"
        dedicated_file_create(name=OTHER_FOLDER, description=description, kind=kind, actor=actor)


@transaction.atomic
def task_complete(
    *,
    task: KeyTask,
    completed_on: dt.date,
    results: str,
    confirmed: bool,
    actor,
    today: dt.date | None = None,
) -> KeyTask:
    """Finish a task (进行中 → 已完成): confirmed, every stage done, results written, a date not in the
    future and not before the last stage was done. Its whole ledger is printed (PDF) and filed for
    permanent keeping in the matching 独立档案. Audited (重点工作.完成, and the print and the filing)."""
    authorize(actor, "edit_registry", region=task.region_id)
    task = _lock(task)
    if TaskStatus.DONE not in TRANSITIONS[task.status]:
        _fail("该重点工作已完成。")
    if not confirmed:
        _fail("请勾选确认：完成后台账归入独立档案，不能再修改。", "confirm")
    results = (results or "").strip()
    if not results:
        _fail("请填写完成情况和成果。", "results")
    pending = task.stages.filter(done_on__isnull=True).order_by("order").first()
    if pending is not None:
        _fail(f"还有阶段未完成：“{pending.name}”。")
    if completed_on > _today(today):
        _fail("完成日期不能晚于今天。", "completed_on")
    last = task.stages.aggregate(m=Max("done_on"))["m"] or task.starts_on
    if completed_on < last:
        _fail(f"完成日期不能早于{last:%Y-%m-%d}。", "completed_on")
    task.status, task.completed_on, task.results = TaskStatus.DONE, completed_on, results
    task.save(update_fields=["status", "completed_on", "results"])
    title = f"{task.region.name}重点工作台账：{task.name}"
    _folder_ready(ARCHIVE_OF[task.kind], actor)
    pdf = ledger_pdf(task, actor=actor)
    task.archive_entry = file_into_dedicated(
        ARCHIVE_OF[task.kind],
        actor=actor,
        region=task.region,
        title=title,
        occurred_on=completed_on,
        note=f"{task.starts_on:%Y-%m-%d}至{completed_on:%Y-%m-%d}，牵头：{task.lead}。永久保存。",
        upload=SimpleUploadedFile(f"{title}.pdf", pdf, "application/pdf"),
    )
    task.save(update_fields=["archive_entry"])
    audit.record(
        actor=actor,
        action="重点工作.完成",
        target=task,
        before={"status": TaskStatus.OPEN},
        after={"status": TaskStatus.DONE, "completed_on": completed_on, "archive": ARCHIVE_OF[task.kind]},
    )
    return task
