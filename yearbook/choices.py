"""Vocabulary of the annual statistics report (统计年报)."""

from __future__ import annotations

from django.db import models


class ReportStatus(models.TextChoices):
    """A kept report: generated (已生成), superseded by a later version of the same year (已被替代), or
    sent to the higher office and filed in the 独立档案 (已报送)."""

    GENERATED = "已生成", "已生成"
    SUPERSEDED = "已被替代", "已被替代"
    SUBMITTED = "已报送", "已报送"


# The 独立档案 a submitted report is filed into: the real-name file keeps "各类统计报表" (seed catalogue).
ARCHIVE_KIND = "实名制"
