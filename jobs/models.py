"""Long work run by the task queue, with its progress and result (issue 17).

A ``Job`` is the page's view of one piece of long work: who asked for it (``owner``), for which region,
what it is doing now (``stage``, ``done`` of ``total`` rows), and how it ended (a result file, a link, or
the Chinese reason it failed). The queue itself is procrastinate on PostgreSQL (its own tables) or the
in-process fallback on SQLite (``jobs.fallback``, which reads 排队中 rows of this table)."""

from __future__ import annotations

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce

from bianzhi.lib.fields import user_fk
from bianzhi.models import Region


class JobStatus(models.TextChoices):
    QUEUED = "排队中", "排队中"
    RUNNING = "运行中", "运行中"
    DONE = "已完成", "已完成"
    FAILED = "失败", "失败"
    CANCELLED = "已取消", "已取消"


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    kind = models.CharField("任务类型", max_length=60, db_index=True)
    label = models.CharField("任务", max_length=200)
    owner = user_fk("提交人", related_name="jobs")
    owner_name = models.CharField("提交人姓名", max_length=100, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="区划")
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=4, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    stage = models.CharField("阶段", max_length=60, blank=True)
    done = models.PositiveBigIntegerField("已处理", default=0)
    total = models.PositiveBigIntegerField("总数", null=True, blank=True)
    error = models.TextField("失败原因", blank=True)
    result_file = models.FileField("结果文件", upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)
    result_url = models.CharField("结果链接", max_length=300, blank=True)
    message = models.TextField("结果说明", blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    worker = models.CharField("执行进程", max_length=120, blank=True)
    queue_id = models.BigIntegerField("队列编号", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["region", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.status}）"

    @property
    def percent(self) -> int | None:
        """0–100 when the stage has a known total; 100 once done; None while unknown."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return None
        return max(0, min(100, int(self.done * 100 // self.total)))

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def has_result_file(self) -> bool:
        return bool(self.result_file)


class JobSetting(models.Model):
    """Above what size an import runs as a job instead of in the request: a site-wide row (``region``
    empty) and optional rows per region, set by the 系统管理员."""

    region = models.OneToOneField(
        Region, null=True, blank=True, on_delete=models.CASCADE, verbose_name="区划", related_name="+"
    )
    import_queue_kb = models.PositiveIntegerField(
        "导入转后台的文件大小（KB）",
        default=512,
        help_text="上传的工作簿超过此大小时转为后台任务执行，页面显示进度；0 表示一律转为后台任务。",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务设置"
        constraints = [
            # one site-wide row (region empty); a region's own row is unique by the one-to-one field
            models.UniqueConstraint(Coalesce("region", Value(0)), name="jobsetting_one_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region or '全站'}：{self.import_queue_kb} KB"
