"""事业单位登记管理 (issue 14, first half; seed 陇南细则 §十, §二十八.4): each 事业单位's registration record
(法人证书), the applications for 设立 / 变更 / 注销 登记 with their materials, and the 年度报告."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from archives.models import CheckedFile
from bianzhi.lib.fields import user_fk
from units.choices import Funding, Nature


class RecordStatus(models.TextChoices):
    PENDING = "待登记", "待登记"
    REGISTERED = "已登记", "已登记"
    CANCELLED = "已注销", "已注销"


class ApplicationKind(models.TextChoices):
    ESTABLISH = "设立登记", "设立登记"
    CHANGE = "变更登记", "变更登记"
    CANCEL = "注销登记", "注销登记"


class ApplicationStatus(models.TextChoices):
    DRAFT = "草稿", "草稿"
    SUBMITTED = "已提交", "已提交"
    RETURNED = "已退回", "已退回"
    APPROVED = "已核准", "已核准"


class ReportStatus(models.TextChoices):
    DRAFT = "草稿", "草稿"
    SUBMITTED = "已提交", "已提交"
    RETURNED = "已退回", "已退回"
    ACCEPTED = "已通过", "已通过"


REGISTRABLE = (Nature.PUBLIC_INSTITUTION, Nature.CIVIL_PI)
LIVE_RECORD = ~Q(status=RecordStatus.CANCELLED)

# The materials each kind of application needs (一次性告知: a return lists every one still missing).
MATERIALS: dict[str, tuple[str, ...]] = {
    ApplicationKind.ESTABLISH: (
        "事业单位法人设立登记申请书",
        "机构编制部门批准设立文件",
        "法定代表人任职文件及身份证明",
        "住所证明",
        "开办资金确认证明",
        "章程草案",
    ),
    ApplicationKind.CHANGE: (
        "事业单位法人变更登记申请书",
        "举办单位或审批机关同意变更的文件",
        "变更事项的证明材料",
        "事业单位法人证书正副本",
    ),
    ApplicationKind.CANCEL: (
        "事业单位法人注销登记申请书",
        "审批机关批准注销文件",
        "清算报告",
        "事业单位法人证书正副本",
        "单位印章",
    ),
}

# The registered facts, in the order pages and prints show them (field → label).
RECORD_FIELDS: dict[str, str] = {
    "name": "名称",
    "credit_code": "统一社会信用代码",
    "nature": "机构性质",
    "purpose": "宗旨和业务范围",
    "address": "住所",
    "legal_rep": "法定代表人",
    "capital": "开办资金（万元）",
    "funding": "经费来源",
    "sponsor": "举办单位",
}
# What a 变更登记 may change; the name and the funding only to what the registry already says.
CHANGEABLE: dict[str, str] = {k: v for k, v in RECORD_FIELDS.items() if k not in ("credit_code", "nature")}


class RegistrationRecord(models.Model):
    """The registration of one 事业单位 (or 参公事业单位): what its 法人证书 says. One live record per
    unit; a cancelled record stays (已注销) with its history."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="registrations", verbose_name="机构"
    )
    status = models.CharField(
        "登记状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    certificate_number = models.CharField("法人证书号", max_length=40, blank=True)
    name = models.CharField("名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    nature = models.CharField("机构性质", max_length=10, choices=Nature.choices)
    purpose = models.TextField("宗旨和业务范围")
    address = models.CharField("住所", max_length=200)
    legal_rep = models.CharField("法定代表人", max_length=50)
    capital = models.DecimalField("开办资金（万元）", max_digits=12, decimal_places=2)
    funding = models.CharField("经费来源", max_length=10, choices=Funding.choices)
    sponsor = models.CharField("举办单位", max_length=100)
    valid_from = models.DateField("有效期自", null=True, blank=True)
    valid_to = models.DateField("有效期至", null=True, blank=True)
    registered_on = models.DateField("登记日期", null=True, blank=True)
    cancelled_on = models.DateField("注销日期", null=True, blank=True)
    reissue_count = models.PositiveIntegerField("证书补领次数", default=0)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "事业单位登记"
        ordering = ["region", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=LIVE_RECORD, name="registration_one_live_per_unit"
            ),
            models.UniqueConstraint(
                fields=["region", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="registration_certificate_unique_in_region",
            ),
            models.CheckConstraint(
                condition=Q(status=RecordStatus.PENDING) | ~Q(certificate_number=""),
                name="registration_registered_has_certificate",
            ),
            models.CheckConstraint(condition=Q(capital__gte=0), name="registration_capital_non_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="registration_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(nature__in=[str(n) for n in REGISTRABLE]), name="registration_only_institutions"
            ),
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_number or self.status}）"

    @property
    def is_live(self) -> bool:
        return self.status != RecordStatus.CANCELLED

    def registered_at_end_of(self, year: int) -> bool:
        end = dt.date(year, 12, 31)
        return (
            self.registered_on is not None
            and self.registered_on <= end
            and (self.cancelled_on is None or self.cancelled_on > end)
        )


class Application(models.Model):
    """An application for 设立 / 变更 / 注销 登记: filed (草稿) by the unit's liaison or the office, submitted,
    then 核准 or 退回 by the office (退回 lists every missing material and reason at once: 一次性告知)."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="registration_applications", verbose_name="机构"
    )
    record = models.ForeignKey(
        RegistrationRecord, on_delete=models.PROTECT, related_name="applications", verbose_name="登记记录"
    )
    kind = models.CharField("申请类别", max_length=10, choices=ApplicationKind.choices)
    status = models.CharField(
        "状态", max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    data = models.JSONField("申请登记事项", default=dict, blank=True)
    explanation = models.TextField("申请说明", blank=True)
    returned_reasons = models.JSONField("退回理由及需补正材料", default=list, blank=True)
    filed_by = user_fk("申请人", related_name="+")
    filed_by_name = models.CharField("申请人姓名", max_length=100, blank=True)
    decided_by_name = models.CharField("审核人", max_length=100, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("核准时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "登记申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status__in=["草稿", "已提交", "已退回"]),
                name="registration_one_open_application_per_record",
            ),
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.kind}"

    @property
    def materials(self) -> tuple[str, ...]:
        return MATERIALS[self.kind]

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class ApplicationStep(models.Model):
    """One dated step of an application (填报, 提交, 退回, 核准), with who and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="steps", verbose_name="申请"
    )
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10)
    actor_name = models.CharField("操作人", max_length=100)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "登记申请办理过程"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ApplicationAttachment(CheckedFile):
    """A material of the checklist, attached to an application (PDF or image, checked like a scan)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name="申请"
    )
    material = models.CharField("材料", max_length=50)
    file = models.FileField("文件", upload_to="registration/%Y/%m/")

    class Meta:
        verbose_name = verbose_name_plural = "登记申请材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class CertificateReissue(models.Model):
    """证书补领: why, when, by whom; the record counts them."""

    record = models.ForeignKey(
        RegistrationRecord, on_delete=models.PROTECT, related_name="reissues", verbose_name="登记记录"
    )
    reason = models.TextField("补领原因")
    reissued_on = models.DateField("补领日期")
    actor_name = models.CharField("经办人", max_length=100)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "证书补领"
        ordering = ["-reissued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reissued_on:%Y-%m-%d} {self.reason}"


class ReportYear(models.Model):
    """The office's deadline for one year's 年度报告 (default 03-31 of the next year)."""

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    year = models.PositiveIntegerField("报告年度")
    deadline = models.DateField("报送截止日期")

    class Meta:
        verbose_name = verbose_name_plural = "年度报告截止日期"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="report_year_unique")]

    def __str__(self) -> str:
        return f"{self.year}年度"


def default_deadline(year: int) -> dt.date:
    return dt.date(year + 1, 3, 31)


class AnnualReport(models.Model):
    """A registered unit's 年度报告 for one year: filled by its liaison (or the office), submitted, then
    accepted (已通过) or returned with a reason by the office."""

    record = models.ForeignKey(
        RegistrationRecord, on_delete=models.PROTECT, related_name="reports", verbose_name="登记记录"
    )
    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    year = models.PositiveIntegerField("报告年度")
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    activities = models.TextField("开展业务活动情况", blank=True)
    capital = models.DecimalField("开办资金（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    net_assets_start = models.DecimalField(
        "年初净资产（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    net_assets_end = models.DecimalField(
        "年末净资产（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    income = models.DecimalField(
        "业务活动收入（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    expense = models.DecimalField(
        "业务活动支出（万元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    staff_count = models.PositiveIntegerField("从业人数", null=True, blank=True)
    organization = models.TextField("机构情况", blank=True)
    licenses = models.TextField("相关资质认可或执业许可", blank=True)
    donations = models.TextField("接受捐赠资助及使用情况", blank=True)
    investments = models.TextField("对外投资情况", blank=True)
    other = models.TextField("其他需要报告的事项", blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    filed_by_name = models.CharField("填报人", max_length=100, blank=True)
    decided_by_name = models.CharField("审核人", max_length=100, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "事业单位年度报告"
        ordering = ["-year", "record__name", "id"]
        constraints = [models.UniqueConstraint(fields=["record", "year"], name="annual_report_once_per_year")]
        indexes = [models.Index(fields=["region", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.record.name} {self.year}年度报告"


REPORT_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("开展业务活动情况", ("activities",)),
    ("资产损益情况", ("capital", "net_assets_start", "net_assets_end", "income", "expense")),
    ("人员情况", ("staff_count",)),
    ("机构情况", ("organization",)),
    ("相关资质认可或执业许可", ("licenses",)),
    ("接受捐赠资助", ("donations",)),
    ("对外投资", ("investments",)),
    ("其他", ("other",)),
)
REPORT_FIELDS = tuple(f for _, fields in REPORT_SECTIONS for f in fields)
REPORT_REQUIRED = ("activities", "capital", "net_assets_start", "net_assets_end", "staff_count")
