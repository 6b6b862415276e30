"""The verification campaign's comparison records: runs, findings with a stable identity, their history."""

from __future__ import annotations

from django.db import models

from bianzhi.lib.fields import user_fk
from verification.compare.engine import CODES


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


class UploadStatus(models.TextChoices):
    VALID = "有效", "有效"
    REPLACED = "已替换", "已替换"
    INVALID = "未通过校验", "未通过校验"


class AnswerKind(models.TextChoices):
    """What an answer says: the data is right and why (情况说明), or the sender has corrected its data
    (已整改). Either way the office decides (``finding_decide``)."""

    EXPLAINED = "说明", "情况说明"
    FIXED = "已整改", "已整改"


# who answered, when the answer row names no role (answers before issue 16 were all the liaisons')
LIAISON_ROLE = "单位联络员"


class Decision(models.TextChoices):
    ACCEPTED = "接受", "接受"
    RETURNED = "退回", "退回"


class PartnerUpload(models.Model):
    """One partner file sent for the comparison (组织部门/财政部门/人社部门 data) and what its check found.

    A valid upload replaces the region's previous valid upload of the same source (已替换); a file with
    row errors is kept as 未通过校验 with its errors so the sender can download the list, and is never used.
    """

    SOURCE_CHOICES = [("org", "组织部门"), ("finance", "财政部门"), ("si", "人社部门")]

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    source = models.CharField("数据来源", max_length=10, choices=SOURCE_CHOICES)
    uploaded_by = user_fk("上传人")
    uploaded_by_name = models.CharField("上传人姓名", max_length=100, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    original_name = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to="verification/uploads/%Y/%m/")
    sha256 = models.CharField("校验值（SHA-256）", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("行错误", default=list, blank=True)  # [[工作表, 行号, 列名, 说明], …]
    warnings = models.JSONField("警告", default=list, blank=True)
    preview = models.JSONField(
        "预览", default=dict, blank=True
    )  # {"header": [...], "rows": [[行号, ...], …]}
    status = models.CharField("状态", max_length=10, choices=UploadStatus.choices)

    class Meta:
        verbose_name = verbose_name_plural = "部门比对数据"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "source"],
                condition=models.Q(status="有效"),
                name="partner_upload_one_valid_per_source",
            ),
        ]
        indexes = [models.Index(fields=["region", "source", "status"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.original_name}"

    @property
    def is_valid(self) -> bool:
        return self.status != UploadStatus.INVALID


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
    actor = user_fk("操作人")
    uploads = models.ManyToManyField("PartnerUpload", blank=True, verbose_name="使用的部门数据")
    counts = models.JSONField("问题数", default=dict, blank=True)  # {"by_code": {…}, "by_source": {…}}
    # source -> [[单位名称 as written, 统一社会信用代码, rows, [closest register unit ids]], …]
    unmatched = models.JSONField("未匹配单位", default=dict, blank=True)
    result_file = models.FileField("结果工作簿", upload_to="verification/results/%Y/%m/", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "比对批次"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region} {self.started_at:%Y-%m-%d %H:%M}"


# "register people missing from your data": register rows the partner did not send. Shown to the office;
# a partner clerk sees one only once the office shares it (``Finding.shared_with_partner``).
OFFICE_ONLY_CODES = ("REG_NOT_IN_FIN", "REG_NOT_IN_ORG", "REG_NOT_IN_SI")


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
    shared_with_partner = models.BooleanField("已共享给协作部门", default=False)
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
            models.Index(fields=["region", "first_run", "code"]),
            models.Index(fields=["region", "code", "unit_name", "id"], name="finding_list_order"),
            models.Index(fields=["region", "unit", "status"]),
            models.Index(fields=["region", "status", "code"]),
            models.Index(fields=["region", "source", "code"]),
            models.Index(fields=["region", "township", "code"]),
        ]

    def __str__(self) -> str:
        return f"{CODES.get(self.code, self.code)} {self.unit_name} {self.person_name}"


class FindingEvent(models.Model):
    """The history of a finding: status changes, answers, and each run that found it again or not."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events", verbose_name="问题")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = user_fk("操作人")
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


class FindingAnswer(models.Model):
    """An answer to a finding (待核实 → 已说明) by its unit's liaison or by a clerk of the partner department
    whose data it is on (``author_role``: 单位联络员 / 财政部门经办人 …), an explanation or a correction
    reported (``kind``), with attachments, and the office's decision on it: 接受 (the finding becomes
    已整改 or 不属实) or 退回 (back to 待核实, with a note).
    The status history itself stays in FindingEvent (written by ``finding_transition``)."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="answers", verbose_name="问题"
    )
    author = user_fk("答复人", related_name="+")
    author_name = models.CharField("答复人", max_length=100, blank=True)
    author_role = models.CharField("答复人身份", max_length=20, blank=True)
    at = models.DateTimeField("答复时间", auto_now_add=True)
    kind = models.CharField(
        "答复类型", max_length=4, choices=AnswerKind.choices, default=AnswerKind.EXPLAINED
    )
    text = models.TextField("说明")
    decision = models.CharField("审核结果", max_length=4, choices=Decision.choices, blank=True)
    decision_status = models.CharField("审核后状态", max_length=10, blank=True)
    decision_note = models.TextField("审核意见", blank=True)
    decided_by = user_fk("审核人", related_name="+")
    decided_by_name = models.CharField("审核人", max_length=100, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题答复"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=["", "接受", "退回"]), name="finding_answer_decision_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["说明", "已整改"]), name="finding_answer_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.author_name} {self.at:%Y-%m-%d}"

    @property
    def role_label(self) -> str:
        return self.author_role or LIAISON_ROLE


class FindingAttachment(models.Model):
    """A file attached to an answer (审批文件, 花名册, 工资发放 records): a PDF or image checked by content."""

    answer = models.ForeignKey(
        FindingAnswer, on_delete=models.CASCADE, related_name="attachments", verbose_name="答复"
    )
    file = models.FileField("文件", upload_to="verification/answers/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("校验值（SHA-256）", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=50)

    class Meta:
        verbose_name = verbose_name_plural = "答复附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
