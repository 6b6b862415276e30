"""Archives: Documents 文件 (the legal basis of every registry change), the classification catalogue,
dedicated files 独立档案, the three minute books and requests 请示事项 (DOMAIN.md §6, seed 002 §四)."""

from __future__ import annotations

import re

from django.db import models

from archives.choices import (
    DedicatedKind,
    DocumentKind,
    DocumentStatus,
    MinuteKind,
    RequestStatus,
    Retention,
)
from bianzhi.lib.fields import tree_parent, user_fk

_YEAR_IN_NUMBER = re.compile(r"〔(\d{4})〕")


def document_year(number: str, issued_on=None) -> int | None:
    """The year a Document is filed under: the 〔year〕 of its 文号, else the year it was issued."""
    found = _YEAR_IN_NUMBER.search(number or "")
    if found:
        return int(found.group(1))
    return issued_on.year if issued_on else None


class CheckedFile(models.Model):
    """A file a user attached (a PDF or image checked by ``archives.services.check_scan``): its original
    name, checksum, size, type and who uploaded it. Concrete models add ``file`` (with their own
    ``upload_to``) and what it is attached to; ``archives.services.store_checked`` fills them in."""

    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("校验值（SHA-256）", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=50)
    uploaded_by_name = models.CharField("上传人", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class CatalogueClass(models.Model):
    """A class of the classification catalogue (档案分类目录): a top-level class (总目录) or a
    sub-class (分目录) under one. Deactivated, never deleted while it holds files.

    ``region`` NULL: a shared class (the seeded 总目录), changed only by the system (a migration or a
    command, ``actor=None``) and read-only on the pages; otherwise a county's own class, which only that
    county's office changes."""

    code = models.CharField("分类号", max_length=20, unique=True)
    region = models.ForeignKey(
        "bianzhi.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="区划（空为共用类目）",
    )
    name = models.CharField("类目名称", max_length=100)
    parent = tree_parent("上级类目")
    sort = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "档案分类"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Document(models.Model):
    """A Document (文件) with its 文号; every quota, post and unit change cites one.

    Filed under a catalogue class, a year, a retention period, and the box and volume of the paper copy.
    Never deleted: a Document issued in error or revoked is withdrawn (已撤回) with a reason and can no
    longer be cited by new changes."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    number = models.CharField("文号", max_length=100)
    title = models.CharField("标题", max_length=300)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    issued_on = models.DateField("发文日期", null=True, blank=True)
    kind = models.CharField(
        "文件类别", max_length=20, choices=DocumentKind.choices, default=DocumentKind.COMMITTEE
    )
    note = models.TextField("备注", blank=True)
    catalogue_class = models.ForeignKey(
        CatalogueClass,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="档案分类",
    )
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    retention = models.CharField(
        "保管期限", max_length=4, choices=Retention.choices, default=Retention.PERMANENT
    )
    box_number = models.CharField("盒号", max_length=20, blank=True)
    volume_number = models.CharField("卷号", max_length=20, blank=True)
    status = models.CharField(
        "状态", max_length=4, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )
    withdrawn_reason = models.TextField("撤回原因", blank=True)
    withdrawn_by = user_fk("撤回人", related_name="+")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "文件"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "issuer", "year", "number"], name="document_number_unique_per_year"
            ),
            models.CheckConstraint(condition=~models.Q(number=""), name="document_number_not_empty"),
            models.CheckConstraint(
                condition=models.Q(status=DocumentStatus.VALID)
                | (models.Q(status=DocumentStatus.WITHDRAWN) & ~models.Q(withdrawn_reason="")),
                name="document_withdrawn_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "number"]),
            models.Index(fields=["region", "year"]),
            models.Index(fields=["region", "box_number", "volume_number"]),
            models.Index(fields=["region", "issuer"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_citable(self) -> bool:
        """Whether new changes may cite this Document (a withdrawn one may not)."""
        return self.status == DocumentStatus.VALID


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
    sha256 = models.CharField("校验值（SHA-256）", max_length=64)
    uploaded_by = user_fk("上传人", blank=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "文件附件"

    def __str__(self) -> str:
        return self.original_name


class DedicatedFile(models.Model):
    """A dedicated file (独立档案) of one line of work: a folder of Documents and other materials."""

    name = models.CharField("档案名称", max_length=100, unique=True)
    kind = models.CharField("工作类别", max_length=10, choices=DedicatedKind.choices)
    description = models.TextField("说明", blank=True)
    sort = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "独立档案"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


def _record_path(instance: DedicatedEntry, filename: str) -> str:
    return f"dedicated/{instance.region.code}/{instance.sha256[:2]}/{instance.sha256}_{filename[-80:]}"


class DedicatedEntry(models.Model):
    """One item of a dedicated file: a Document filed into it, or a record of other material
    (a work plan, a statistics table, a progress report) with its title, date and optional attachment."""

    dedicated_file = models.ForeignKey(
        DedicatedFile, on_delete=models.PROTECT, related_name="entries", verbose_name="独立档案"
    )
    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dedicated_entries",
        verbose_name="文件",
    )
    title = models.CharField("材料名称", max_length=300, blank=True)
    occurred_on = models.DateField("日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    attachment = models.FileField("附件", upload_to=_record_path, max_length=300, blank=True)
    attachment_name = models.CharField("附件原名", max_length=200, blank=True)
    sha256 = models.CharField("校验值（SHA-256）", max_length=64, blank=True)
    filed_by = user_fk("归档人")
    filed_at = models.DateTimeField("归档时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "独立档案条目"
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedicated_file", "document"],
                condition=models.Q(document__isnull=False),
                name="dedicated_entry_document_once",
            ),
            models.CheckConstraint(
                condition=models.Q(document__isnull=False) | ~models.Q(title=""),
                name="dedicated_entry_document_or_title",
            ),
        ]

    def __str__(self) -> str:
        return str(self.document) if self.document_id else self.title


class MinuteEntry(models.Model):
    """One meeting in one of the three minute books (编委会议 / 室务会议 / 联席会议记录)."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    kind = models.CharField("记录本", max_length=10, choices=MinuteKind.choices)
    met_on = models.DateField("会议日期")
    subject = models.CharField("会议名称", max_length=200)
    attendees = models.TextField("参会人员")
    departments = models.TextField("参会部门", blank=True)
    items = models.TextField("研究事项")
    decisions = models.TextField("议定事项", blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="minutes", verbose_name="相关文件")
    recorded_by = user_fk("记录人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议记录"
        ordering = ["-met_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=MinuteKind.JOINT) | ~models.Q(departments=""),
                name="minute_joint_has_departments",
            ),
        ]
        indexes = [models.Index(fields=["region", "kind", "met_on"])]

    def __str__(self) -> str:
        return f"{self.met_on} {self.subject}"


class Request(models.Model):
    """A request (请示事项) about an establishment matter, with the content seed 002 §十七 requires:
    policy basis, feasibility and necessity, and the proposed unit's name, nature, rank, affiliation,
    funding, duties, quota and leader posts. 草稿 → 已提交 → 已决定 (with the deciding Document)."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    title = models.CharField("请示事项", max_length=200)
    requesting_body = models.CharField("请示单位", max_length=100)
    basis = models.ManyToManyField(
        Document, blank=True, related_name="based_requests", verbose_name="政策依据"
    )
    feasibility = models.TextField("可行性论证", blank=True)
    necessity = models.TextField("必要性论证", blank=True)
    unit_name = models.CharField("机构名称", max_length=100, blank=True)
    unit_nature = models.CharField("机构性质", max_length=20, blank=True)
    unit_rank = models.CharField("机构规格", max_length=20, blank=True)
    affiliation = models.CharField("隶属关系", max_length=100, blank=True)
    funding = models.CharField("经费来源", max_length=20, blank=True)
    duties = models.TextField("主要职责", blank=True)
    quota = models.CharField("人员编制", max_length=200, blank=True)
    leader_posts = models.CharField("领导职数", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=4, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    deciding_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_requests",
        verbose_name="批复文件",
    )
    decision = models.TextField("决定内容", blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "请示事项"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=RequestStatus.DECIDED) | models.Q(deciding_document__isnull=False),
                name="request_decided_has_document",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RequestStep(models.Model):
    """One status change of a request: who moved it, when, from what to what, and why."""

    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, related_name="steps", verbose_name="请示事项"
    )
    from_status = models.CharField("原状态", max_length=4, blank=True)
    to_status = models.CharField("新状态", max_length=4)
    actor = user_fk("操作人")
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "请示事项流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
