"""The verification campaign's comparison records: runs, findings with a stable identity, their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FindingStatus(models.TextChoices):
    OPEN = "待核实", "待核实"
    EXPLAINED = "已说明", "已说明"
    FIXED = "已整改", "已整改"
    UNFOUNDED = "不属实", "不属实"


# Who may move a finding where: the liaison answers (待核实 → 已说明); the office accepts the answer
# (已说明 → 已整改 / 不属实) or returns it (已说明 → 待核实), and may close an open finding directly.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    FindingStatus.OPEN: (FindingStatus.EXPLAINED, FindingStatus.FIXED, FindingStatus.UNFOUNDED),
    FindingStatus.EXPLAINED: (FindingStatus.OPEN, FindingStatus.FIXED, FindingStatus.UNFOUNDED),
    FindingStatus.FIXED: (FindingStatus.OPEN,),
    FindingStatus.UNFOUNDED: (FindingStatus.OPEN,),
}


class ComparisonRun(models.Model):
    """One run of the comparison for a region: which sources, at which cut-off, what it found."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    started_at = models.DateTimeField("比对时间", auto_now_add=True)
    cutoff = models.DateField("数据采集时间节点", null=True, blank=True)
    sources = models.JSONField("数据来源", default=list)
    stats = models.JSONField("比对概况", default=dict)
    finding_count = models.PositiveIntegerField("问题数", default=0)
    new_count = models.PositiveIntegerField("新增问题数", default=0)
    gone_count = models.PositiveIntegerField("消失问题数", default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = verbose_name_plural = "比对批次"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region} {self.started_at:%Y-%m-%d %H:%M}"


class Finding(models.Model):
    """A problem found by the comparison, identified across runs by ``key`` (code, source, person or unit,
    category). ``last_run`` is the latest run that found it: when it is not the region's latest run the
    finding is gone (消失); ``first_run`` tells which run found it first (新增)."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    key = models.CharField("问题标识", max_length=300)
    code = models.CharField("问题代码", max_length=30)
    source = models.CharField("数据来源", max_length=10)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, verbose_name="单位"
    )
    township = models.CharField("所在乡镇", max_length=50, blank=True)
    unit_name = models.CharField("单位名称", max_length=200, blank=True)
    person_name = models.CharField("姓名", max_length=100, blank=True)
    id_number = models.CharField("公民身份号码", max_length=60, blank=True)
    category = models.CharField("类别", max_length=20, blank=True)
    reg_info = models.TextField("实名制信息", blank=True)
    cmp_info = models.TextField("比对信息", blank=True)
    note = models.TextField("说明", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    first_run = models.ForeignKey(
        ComparisonRun, on_delete=models.PROTECT, related_name="+", verbose_name="首次发现"
    )
    last_run = models.ForeignKey(
        ComparisonRun, on_delete=models.PROTECT, related_name="+", verbose_name="最近发现"
    )

    class Meta:
        verbose_name = verbose_name_plural = "比对问题"
        ordering = ["code", "unit_name", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="finding_key_unique_in_region")]
        indexes = [
            models.Index(fields=["region", "last_run", "code"]),
            models.Index(fields=["region", "unit", "status"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["region", "source"]),
            models.Index(fields=["region", "township"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.unit_name} {self.person_name}"


class FindingEvent(models.Model):
    """The history of a finding: status changes, answers, and each run that found it again or not."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events", verbose_name="问题")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField("操作人", max_length=100, blank=True)
    run = models.ForeignKey(
        ComparisonRun, null=True, blank=True, on_delete=models.PROTECT, verbose_name="比对批次"
    )
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10, blank=True)
    text = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题处理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.from_status}→{self.to_status}"
