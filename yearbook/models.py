"""The annual statistics report (统计年报) of a region: a kept snapshot of every table as of 12-31."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from bianzhi.lib.fields import user_fk
from yearbook.choices import ReportStatus


class YearReport(models.Model):
    """One generated version of a region's 统计年报 for a year: the tables as they were computed (JSON),
    who generated it and when. Never changed afterwards except its status (替代, 报送); a regeneration is a
    new version and the old one is kept."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本")
    as_of = models.DateField("统计时点")
    tables = models.JSONField("统计表")
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.GENERATED
    )
    note = models.CharField("说明", max_length=300, blank=True)
    generated_by = user_fk("生成人", related_name="+")
    generated_by_name = models.CharField("生成人姓名", max_length=100, blank=True)
    generated_at = models.DateTimeField("生成时间", auto_now_add=True)
    submitted_by = user_fk("报送人", related_name="+")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    archive_entry = models.ForeignKey(
        "archives.DedicatedEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="独立档案条目",
    )

    class Meta:
        verbose_name = verbose_name_plural = "统计年报"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "version"], name="yearreport_version_once"),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=Q(status=ReportStatus.SUBMITTED),
                name="yearreport_one_submitted_per_year",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="yearreport_version_positive"),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="yearreport_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度统计年报（第{self.version}版）"

    @property
    def title(self) -> str:
        return f"{self.region.name}{self.year}年度机构编制统计年报"
