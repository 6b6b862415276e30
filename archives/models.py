"""Documents 文件: the legal basis of every registry change."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from archives.choices import DocumentKind


class Document(models.Model):
    """A Document (文件) with its 文号; every quota, post and unit change cites one. Never deleted."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    number = models.CharField("文号", max_length=100)
    title = models.CharField("标题", max_length=300)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    issued_on = models.DateField("发文日期", null=True, blank=True)
    kind = models.CharField(
        "文件类别", max_length=20, choices=DocumentKind.choices, default=DocumentKind.COMMITTEE
    )
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "文件"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "issuer", "number"], name="document_number_unique"),
            models.CheckConstraint(condition=~models.Q(number=""), name="document_number_not_empty"),
        ]
        indexes = [models.Index(fields=["region", "number"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


def _scan_path(instance: DocumentFile, filename: str) -> str:
    return (
        f"documents/{instance.document.region.code}/{instance.sha256[:2]}/{instance.sha256}_{filename[-80:]}"
    )


class DocumentFile(models.Model):
    """A scan or electronic copy attached to a Document (PDF or image)."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="files", verbose_name="文件"
    )
    file = models.FileField("附件", upload_to=_scan_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "文件附件"

    def __str__(self) -> str:
        return self.original_name
