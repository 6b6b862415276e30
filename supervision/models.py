"""监督检查 (DOMAIN.md §6, seed 002 §十二): the 举报受理 register, the yearly self-inspection, the office's
inspections with findings, 整改通知书 tracked to closure and 问责 records, and the region's settings."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from archives.models import CheckedFile
from supervision.choices import (
    AnswerWay,
    FindingSource,
    FindingStatus,
    InspectionKind,
    Item,
    MatterKind,
    Measure,
    NoticeStatus,
    QuestionnaireStatus,
    ReportStatus,
    Source,
)

DEFAULT_DEADLINE_DAYS = 15


class Setting(models.Model):
    """The region's supervision settings: how many working days a 举报 may take, and the monitoring phone
    number(s) with where they are shown."""

    region = models.OneToOneField(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="supervision_setting", verbose_name="区划"
    )
    deadline_days = models.PositiveSmallIntegerField("举报办理时限（工作日）", default=DEFAULT_DEADLINE_DAYS)
    phones = models.CharField("监督举报电话", max_length=200, blank=True)
    show_on_home = models.BooleanField("在首页显示举报电话", default=True)
    show_to_liaisons = models.BooleanField("在联络员首页显示举报电话", default=True)
    show_on_notices = models.BooleanField("在整改通知书上印举报电话", default=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "监督检查设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_days__gte=1) & Q(deadline_days__lte=90), name="supervision_deadline_days"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.name}监督检查设置"


class Counter(models.Model):
    """The last number given in a series (``督``: 整改通知书; ``举报``: the register) of a region and year.
    Locked (select_for_update) while a number is taken, so numbers have no gaps and no duplicates."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    series = models.CharField("序列", max_length=10)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号计数"
        constraints = [
            models.UniqueConstraint(fields=["region", "series", "year"], name="supervision_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series}〔{self.year}〕{self.last}"


class Report(models.Model):
    """One 举报 (a call, letter, visit, online report or a referral from above), from intake to closure.
    The reporter's name and contact are confidential (masked for anyone without ``view_reporter``)."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    received_on = models.DateField("受理日期")
    anonymous = models.BooleanField("匿名举报", default=False)
    reporter_name = models.CharField("举报人", max_length=50, blank=True)
    reporter_contact = models.CharField("联系方式", max_length=100, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="被举报单位",
    )
    matter = models.CharField("问题类别", max_length=20, choices=MatterKind.choices)
    summary = models.TextField("举报内容摘要")
    status = models.CharField(
        "状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    deadline = models.DateField("办理期限")
    extended_to = models.DateField("延期至", null=True, blank=True)
    extension_reason = models.TextField("延期理由", blank=True)
    refusal_reason = models.TextField("不予受理理由", blank=True)
    investigation = models.TextField("调查情况", blank=True)
    result = models.TextField("办理结果", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answer_way = models.CharField("答复方式", max_length=10, choices=AnswerWay.choices, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    documents = models.ManyToManyField(
        "archives.Document", blank=True, related_name="supervision_reports", verbose_name="形成的文件"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "举报受理"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "seq"], name="supervision_report_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=True) | ~Q(reporter_name=""),
                name="supervision_report_named_or_anonymous",
            ),
            models.CheckConstraint(
                condition=~Q(status="办结") | (Q(closed_on__isnull=False) & ~Q(result="")),
                name="supervision_report_closed_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(status="不予受理") | ~Q(refusal_reason=""),
                name="supervision_report_refusal_reason",
            ),
        ]
        indexes = [models.Index(fields=["region", "year", "status"])]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"举报〔{self.year}〕{self.seq}号"

    @property
    def due(self) -> dt.date:
        """The deadline in force (the extension, when one was granted)."""
        return self.extended_to or self.deadline

    @property
    def is_open(self) -> bool:
        return self.status in (ReportStatus.RECEIVED, ReportStatus.INVESTIGATING)

    def overdue_on(self, day: dt.date) -> bool:
        """Still open past its deadline on ``day``, or closed after it."""
        if self.is_open:
            return day > self.due
        return self.status == ReportStatus.CLOSED and self.closed_on is not None and self.closed_on > self.due


class Step(models.Model):
    """One dated step of a workflow (a 举报, a questionnaire, a 整改通知书): who moved it, when, why."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.CASCADE, related_name="steps", verbose_name="举报"
    )
    questionnaire = models.ForeignKey(
        "Questionnaire",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name="自查表",
    )
    notice = models.ForeignKey(
        "Notice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name="整改通知书",
    )
    action = models.CharField("事项", max_length=20)
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10, blank=True)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    by_name = models.CharField("办理人", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(report__isnull=False, questionnaire__isnull=True, notice__isnull=True)
                    | Q(report__isnull=True, questionnaire__isnull=False, notice__isnull=True)
                    | Q(report__isnull=True, questionnaire__isnull=True, notice__isnull=False)
                ),
                name="supervision_step_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.action}"


class SelfInspection(models.Model):
    """Year Y's self-inspection of a region: every live 法人 unit answers a questionnaire by the deadline."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    year = models.PositiveSmallIntegerField("年度")
    opened_on = models.DateField("开始日期")
    deadline = models.DateField("报送截止日期")
    note = models.TextField("工作要求", blank=True)
    opened_by_name = models.CharField("发起人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度自查"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="supervision_selfinspection_unique"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opened_on")), name="supervision_si_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度机构编制执行情况自查"


class Questionnaire(models.Model):
    """One unit's answers to a year's self-inspection: filled in by its liaison (or, with a reason, by the
    office: 代填), submitted, then accepted or returned by the office."""

    inspection = models.ForeignKey(
        SelfInspection, on_delete=models.CASCADE, related_name="questionnaires", verbose_name="年度自查"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    status = models.CharField(
        "状态", max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.OPEN
    )
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    submitted_by_name = models.CharField("提交人", max_length=100, blank=True)
    on_behalf_reason = models.CharField("代填原因", max_length=200, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    reviewed_on = models.DateField("审核日期", null=True, blank=True)
    reviewed_by_name = models.CharField("审核人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自查表"
        ordering = ["inspection", "unit__sort_order", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "unit"], name="supervision_questionnaire_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.inspection.year}年度自查表"

    @property
    def answered(self) -> bool:
        return self.status in (QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.ACCEPTED)


class Answer(models.Model):
    """One line of a questionnaire: 是 (the rule was kept) or 否 (a problem, explained)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="answers", verbose_name="自查表"
    )
    item = models.CharField("事项", max_length=10, choices=Item.choices)
    answer = models.CharField("结论", max_length=2, blank=True)
    text = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自查事项"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "item"], name="supervision_answer_unique"),
            models.CheckConstraint(condition=Q(answer__in=["", "是", "否"]), name="supervision_answer_value"),
            models.CheckConstraint(
                condition=~Q(answer="否") | ~Q(text=""), name="supervision_answer_explained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}：{self.answer or '未答'}"


class Inspection(models.Model):
    """An inspection by the office (the yearly full one, or a 专项检查) of some units, with its findings."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    kind = models.CharField("检查类别", max_length=10, choices=InspectionKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("检查名称", max_length=100)
    inspected_on = models.DateField("检查日期")
    units = models.ManyToManyField("units.Unit", related_name="+", verbose_name="检查单位")
    note = models.TextField("说明", blank=True)
    created_by_name = models.CharField("登记人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监督检查"
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """A problem an inspection found at a unit. Registry facts (over quota, over posts) are proposed
    automatically (待确认) and the office confirms or dismisses them; its own findings start confirmed."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name="检查"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    kind = models.CharField("问题类别", max_length=20, choices=MatterKind.choices)
    description = models.TextField("问题描述")
    source = models.CharField("来源", max_length=10, choices=FindingSource.choices)
    status = models.CharField("状态", max_length=10, choices=FindingStatus.choices)
    decision_note = models.TextField("处理说明", blank=True)
    decided_by_name = models.CharField("处理人", max_length=100, blank=True)
    notice = models.ForeignKey(
        "Notice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
        verbose_name="整改通知书",
    )

    class Meta:
        verbose_name = verbose_name_plural = "检查发现的问题"
        ordering = ["unit__sort_order", "unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "unit", "kind"],
                condition=Q(source="登记数据"),
                name="supervision_registry_finding_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.get_kind_display()}"


class Notice(models.Model):
    """A 整改通知书 issued to a unit after an inspection (numbered like the office's documents:
    ``漳编办督〔2026〕3号``), tracked to closure with the unit's evidence."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="notices", verbose_name="检查"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=50, unique=True)
    issued_on = models.DateField("下发日期")
    deadline = models.DateField("整改期限")
    requirements = models.TextField("整改要求")
    status = models.CharField("状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    issued_by_name = models.CharField("签发人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改通知书"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "seq"], name="supervision_notice_seq_unique"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("issued_on")), name="supervision_notice_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Evidence(models.Model):
    """What the unit did about a notice (整改情况), recorded by its liaison (or the office), with files."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="evidence", verbose_name="整改通知书"
    )
    text = models.TextField("整改情况")
    recorded_on = models.DateField("日期")
    by_name = models.CharField("填报人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改情况"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.notice.number} {self.recorded_on:%Y-%m-%d}"


class Attachment(CheckedFile):
    """A file attached to a questionnaire or to 整改 evidence (a scan: PDF or image, checked by content)."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="自查表",
    )
    evidence = models.ForeignKey(
        Evidence,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="整改情况",
    )
    file = models.FileField("文件", upload_to="supervision/%Y/%m/")

    class Meta:
        verbose_name = verbose_name_plural = "监督检查附件"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(questionnaire__isnull=False, evidence__isnull=True)
                | Q(questionnaire__isnull=True, evidence__isnull=False),
                name="supervision_attachment_one_parent",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Accountability(models.Model):
    """A 问责 that followed a 整改通知书: who was held to account, by what measure, under which Document."""

    notice = models.ForeignKey(
        Notice, on_delete=models.PROTECT, related_name="accountability", verbose_name="整改通知书"
    )
    person = models.CharField("问责对象", max_length=100)
    measure = models.CharField("问责方式", max_length=10, choices=Measure.choices)
    decided_on = models.DateField("问责日期")
    document = models.ForeignKey(
        "archives.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_accountability",
        verbose_name="问责文件",
    )
    note = models.TextField("说明", blank=True)
    recorded_by_name = models.CharField("登记人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问责记录"
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.person} {self.measure}"
