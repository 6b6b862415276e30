"""The key-task ledger (重点工作台账): each key task's plan, its ordered stages, the dated progress entries
with their Documents and attachments, and the completion with results."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from bianzhi.lib.fields import user_fk
from keytasks.choices import TaskKind, TaskStatus


class KeyTask(models.Model):
    """A key task of a region (机构改革, 事业单位分类改革, 实名制, 核查, or one the office adds): the plan
    (goal, lead, dates, Documents), and once finished its results and the archive entry of its ledger."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    kind = models.CharField("工作类别", max_length=20, choices=TaskKind.choices)
    name = models.CharField("工作名称", max_length=100)
    goal = models.TextField("工作目标")
    lead = models.CharField("牵头负责", max_length=100, help_text="牵头领导或科室")
    starts_on = models.DateField("开始日期")
    due_on = models.DateField("计划完成日期")
    documents = models.ManyToManyField(
        "archives.Document", blank=True, related_name="key_tasks", verbose_name="依据文件"
    )
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    results = models.TextField("完成情况和成果", blank=True)
    archive_entry = models.ForeignKey(
        "archives.DedicatedEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="独立档案条目",
    )
    created_by = user_fk("建立人", related_name="+")
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "重点工作"
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="keytask_name_unique_in_region"),
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="keytask_dates_in_order"),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.OPEN) | (Q(completed_on__isnull=False) & ~Q(results="")),
                name="keytask_done_has_date_and_results",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A stage of a key task, in order, with its planned dates and the date it was done."""

    task = models.ForeignKey(
        KeyTask, on_delete=models.PROTECT, related_name="stages", verbose_name="重点工作"
    )
    order = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("阶段名称", max_length=100)
    planned_start = models.DateField("计划开始", null=True, blank=True)
    planned_end = models.DateField("计划完成", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("完成说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作阶段"
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "order"], name="keytask_stage_order_once"),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="keytask_stage_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ProgressEntry(models.Model):
    """A dated progress entry of a key task (what was done), with the Documents it cites. Append-only."""

    task = models.ForeignKey(
        KeyTask, on_delete=models.PROTECT, related_name="entries", verbose_name="重点工作"
    )
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="entries", verbose_name="阶段"
    )
    occurred_on = models.DateField("日期")
    text = models.TextField("工作进展")
    documents = models.ManyToManyField(
        "archives.Document", blank=True, related_name="key_task_entries", verbose_name="相关文件"
    )
    recorded_by = user_fk("登记人", related_name="+")
    recorded_by_name = models.CharField("登记人姓名", max_length=100, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作进展"
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.task}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"keytasks/{instance.entry.task_id}/{filename}"


class Attachment(models.Model):
    """A scan (PDF or image) attached to a progress entry, checked by content and size."""

    entry = models.ForeignKey(
        ProgressEntry, on_delete=models.PROTECT, related_name="attachments", verbose_name="工作进展"
    )
    file = models.FileField("文件", upload_to=_attachment_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("校验值（SHA-256）", max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作进展附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
