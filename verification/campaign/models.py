"""The verification campaign (核查, DOMAIN.md §5): a campaign, its working group, and each unit's walk
through the stages (单位自查 → 群众监督 → 数据比对 → 实地核实 → 随机抽查 → 数据更新), with what each stage
records. Imported by ``verification.models``; the comparison records themselves live there."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from archives.models import CheckedFile
from bianzhi.lib.fields import user_fk


class CampaignKind(models.TextChoices):
    ANNUAL = "年度核查", "年度核查"
    JOINT = "联合检查", "联合检查（6月、11月）"


class CampaignStatus(models.TextChoices):
    ACTIVE = "进行中", "进行中"
    CLOSED = "已结束", "已结束"


class Stage(models.TextChoices):
    SELF_CHECK = "单位自查", "单位自查"
    NOTICE = "群众监督", "群众监督"
    COMPARISON = "数据比对", "数据比对"
    ONSITE = "实地核实", "实地核实"
    SAMPLING = "随机抽查", "随机抽查"
    UPDATE = "数据更新", "数据更新"
    DONE = "已完成", "已完成"


# The stages each kind of campaign walks, in order (the joint check only compares and updates).
STAGES: dict[str, tuple[str, ...]] = {
    CampaignKind.ANNUAL: (
        Stage.SELF_CHECK,
        Stage.NOTICE,
        Stage.COMPARISON,
        Stage.ONSITE,
        Stage.SAMPLING,
        Stage.UPDATE,
    ),
    CampaignKind.JOINT: (Stage.COMPARISON, Stage.UPDATE),
}

# kind -> stage -> the stages a unit may move to: the next one (forward), or any earlier one (return,
# a reason is required). Nothing else: a stage cannot be skipped.
TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    CampaignKind.ANNUAL: {
        Stage.SELF_CHECK: (Stage.NOTICE,),
        Stage.NOTICE: (Stage.COMPARISON, Stage.SELF_CHECK),
        Stage.COMPARISON: (Stage.ONSITE, Stage.SELF_CHECK, Stage.NOTICE),
        Stage.ONSITE: (Stage.SAMPLING, Stage.SELF_CHECK, Stage.NOTICE, Stage.COMPARISON),
        Stage.SAMPLING: (Stage.UPDATE, Stage.SELF_CHECK, Stage.NOTICE, Stage.COMPARISON, Stage.ONSITE),
        Stage.UPDATE: (
            Stage.DONE,
            Stage.SELF_CHECK,
            Stage.NOTICE,
            Stage.COMPARISON,
            Stage.ONSITE,
            Stage.SAMPLING,
        ),
        Stage.DONE: (Stage.UPDATE,),
    },
    CampaignKind.JOINT: {
        Stage.COMPARISON: (Stage.UPDATE,),
        Stage.UPDATE: (Stage.DONE, Stage.COMPARISON),
        Stage.DONE: (Stage.UPDATE,),
    },
}


class Campaign(models.Model):
    """A verification campaign of one region (e.g. 2021年度机构编制核查), or a twice-yearly joint check.

    ``cutoff`` is the data cut-off date (数据采集时间节点): every unit in scope is snapshotted as of that
    date when the campaign is created, so later registry changes do not move the campaign's figures.
    Scope filters are lists of values (empty: all)."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=CampaignKind.choices, default=CampaignKind.ANNUAL)
    cutoff = models.DateField("数据采集时间节点")
    scope_natures = models.JSONField("范围：机构性质", default=list, blank=True)
    scope_systems = models.JSONField("范围：系统类别", default=list, blank=True)
    scope_townships = models.JSONField("范围：所在乡镇", default=list, blank=True)
    onsite_ratio = models.DecimalField(
        "实地核实比例", max_digits=3, decimal_places=2, default=Decimal("0.30")
    )
    sample_ratio = models.DecimalField(
        "随机抽查比例", max_digits=3, decimal_places=2, default=Decimal("0.05")
    )
    status = models.CharField(
        "状态", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    comparison_run = models.ForeignKey(
        "verification.ComparisonRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="比对批次",
    )
    onsite_planned_at = models.DateTimeField("实地核实名单确定时间", null=True, blank=True)
    created_by = user_fk("创建人", related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "核查工作"
        ordering = ["-cutoff", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="campaign_name_unique_in_region"),
            models.CheckConstraint(
                condition=Q(onsite_ratio__gte=Decimal("0.30")) & Q(onsite_ratio__lte=1),
                name="campaign_onsite_ratio_min",
            ),
            models.CheckConstraint(
                condition=Q(sample_ratio__gte=Decimal("0.05")) & Q(sample_ratio__lte=1),
                name="campaign_sample_ratio_min",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="campaign_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stages(self) -> tuple[str, ...]:
        return STAGES[self.kind]


class CampaignWindow(models.Model):
    """The dates within which one stage of a campaign is worked (e.g. 单位自查 9月25日–10月10日)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="windows", verbose_name="核查工作"
    )
    stage = models.CharField("环节", max_length=10, choices=Stage.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    class Meta:
        verbose_name = verbose_name_plural = "环节时间"
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "stage"], name="campaign_window_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.starts_on}–{self.ends_on}"


class WorkingGroupMember(models.Model):
    """A member of the campaign's working group (工作专班, 附件1): leader, deputy or member."""

    class Role(models.TextChoices):
        LEADER = "组长", "组长"
        DEPUTY = "副组长", "副组长"
        MEMBER = "成员", "成员"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="members", verbose_name="核查工作"
    )
    role = models.CharField("职务", max_length=10, choices=Role.choices)
    name = models.CharField("姓名", max_length=50)
    department = models.CharField("单位", max_length=100)
    post = models.CharField("职务职级", max_length=100, blank=True)
    duty = models.CharField("分工", max_length=300, blank=True)
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "工作专班成员"
        ordering = ["sort", "id"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="wg_member_name_not_empty")]

    def __str__(self) -> str:
        return f"{self.role} {self.name}"


class CampaignUnit(models.Model):
    """One unit in a campaign: its stage and its snapshot as of the cut-off.

    ``snapshot`` = {"unit": {...}, "divisions": [...], "quotas": {type: approved}, "occupied": {type: n},
    "posts": {category: approved}, "held": {category: n}, "people": [[姓名, 编制类型, 人员类别, 领导职务]],
    "people_count": n, "baseline": bool (the figures come from 建账, loaded after the cut-off), "earmark": n
    (军转行政编制), "military": n (军转干部 on 行政编制)} — never ID numbers; every page, print and 附件2–5 of
    the campaign read these figures (campaign_selectors). ``stage`` changes only through the campaign
    services."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="units", verbose_name="核查工作"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    stage = models.CharField("环节", max_length=10, choices=Stage.choices)
    stage_since = models.DateTimeField("进入本环节时间", auto_now_add=True)
    snapshot = models.JSONField("核查时点数据", default=dict)
    selfcheck_submitted_at = models.DateTimeField("自查提交时间", null=True, blank=True)
    selfcheck_on_behalf = models.BooleanField("自查由编办代填", default=False)
    onsite_selected = models.BooleanField("列入实地核实", default=False)
    sample_selected = models.BooleanField("随机抽中", default=False)
    prereview_passed = models.BooleanField("预审核通过", null=True, blank=True)
    prereview_note = models.TextField("预审核意见", blank=True)
    prereviewed_by_name = models.CharField("预审核人", max_length=100, blank=True)
    prereviewed_at = models.DateTimeField("预审核时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "核查单位"
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_unit_unique")]
        indexes = [models.Index(fields=["campaign", "stage"])]

    def __str__(self) -> str:
        return f"{self.campaign} {self.snapshot.get('unit', {}).get('name', self.unit_id)}"

    @property
    def name(self) -> str:
        return self.snapshot.get("unit", {}).get("name", "")


class StageTransition(models.Model):
    """A unit's move between stages: who, when, why (a return to an earlier stage always has a reason)."""

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="transitions", verbose_name="核查单位"
    )
    from_stage = models.CharField("原环节", max_length=10, blank=True)
    to_stage = models.CharField("新环节", max_length=10)
    actor = user_fk("操作人")
    actor_name = models.CharField("操作人", max_length=100, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.TextField("原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "环节流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or '开始'} → {self.to_stage}"


class SelfCheckItem(models.Model):
    """One line of the unit's self-check: one of the four 清, or the explanation of the differences from
    the unit's budget data. ``answer`` is 相符 / 不相符 (有差异 / 无差异 for the budget line); a 不相符 or
    有差异 answer needs a written ``text``."""

    class Item(models.TextChoices):
        UNITS = "机构清", "机构清"
        QUOTAS = "编制清", "编制清"
        POSTS = "领导职数清", "领导职数清"
        STAFF = "实有人员清", "实有人员清"
        BUDGET = "预决算差异说明", "与预决算数据差异说明"

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="items", verbose_name="核查单位"
    )
    item = models.CharField("事项", max_length=10, choices=Item.choices)
    answer = models.CharField("结论", max_length=10, blank=True)
    text = models.TextField("说明", blank=True)
    answered_by_name = models.CharField("填写人", max_length=100, blank=True)
    answered_at = models.DateTimeField("填写时间", null=True, blank=True)
    on_behalf = models.BooleanField("编办代填", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "自查事项"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_unit", "item"], name="selfcheck_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.answer}"

    @property
    def answered(self) -> bool:
        return bool(self.answer)


class CampaignAttachment(CheckedFile):
    """A file a unit attached in the campaign (审批文件, 花名册, 工资发放 records), or a visit's scan/photo."""

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="attachments", verbose_name="核查单位"
    )
    visit = models.ForeignKey(
        "SiteVisit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="实地核查记录",
    )
    file = models.FileField("文件", upload_to="verification/campaign/%Y/%m/")

    class Meta:
        verbose_name = verbose_name_plural = "核查附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ProposalStatus(models.TextChoices):
    PENDING = "待审核", "待审核"
    ACCEPTED = "已采纳", "已采纳"
    REJECTED = "未采纳", "未采纳"


class CorrectionProposal(models.Model):
    """A correction of the register proposed in the campaign (by the liaison or the office), reviewed by
    the office. Adopting it applies the change through the registry services (quota_set,
    leader_posts_set, person_update, unit_update) — never by editing rows.

    ``kind``: 编制 (target = 编制类型, value = approved), 职数 (target = 职数类别), 人员 (person + field),
    机构 (field of the unit)."""

    class Kind(models.TextChoices):
        QUOTA = "编制", "核定编制"
        POSTS = "职数", "领导职数"
        PERSON = "人员", "人员信息"
        UNIT = "机构", "机构信息"

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="proposals", verbose_name="核查单位"
    )
    kind = models.CharField("类型", max_length=4, choices=Kind.choices)
    person = models.ForeignKey(
        "units.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    target = models.CharField("更正项目", max_length=50)
    current_value = models.CharField("现有数据", max_length=200, blank=True)
    proposed_value = models.CharField("更正为", max_length=200)
    reason = models.TextField("理由")
    status = models.CharField(
        "状态", max_length=4, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by_name = models.CharField("提出人", max_length=100, blank=True)
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by_name = models.CharField("审核人", max_length=100, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)
    document = models.ForeignKey(
        "archives.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="依据文件",
    )

    class Meta:
        verbose_name = verbose_name_plural = "数据更正"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="proposal_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=["待审核", "已采纳", "未采纳"]), name="proposal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target} → {self.proposed_value}"


class Notice(models.Model):
    """The unit's public notice (群众监督): posted inside the unit for 5 working days (``ends_on``),
    to be removed by ``remove_by`` (the next working day); removing later, or not yet by then, is overdue."""

    campaign_unit = models.OneToOneField(
        CampaignUnit, on_delete=models.CASCADE, related_name="notice", verbose_name="核查单位"
    )
    posted_on = models.DateField("公示日期")
    ends_on = models.DateField("公示截止日期")
    remove_by = models.DateField("应撤除日期")
    place = models.CharField("公示地点", max_length=200, blank=True)
    removed_on = models.DateField("撤除日期", null=True, blank=True)
    posted_by_name = models.CharField("登记人", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公示"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("posted_on")), name="notice_end_after_post"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("posted_on")),
                name="notice_removed_after_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posted_on}–{self.ends_on}"

    def is_overdue(self, today) -> bool:
        return (self.removed_on or today) > self.remove_by


class NoticeFeedback(models.Model):
    """Feedback on a notice from the unit's staff, and the office's reply (policy explanation)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="feedback", verbose_name="公示")
    received_on = models.DateField("收到日期")
    text = models.TextField("反映内容")
    recorded_by_name = models.CharField("登记人", max_length=100, blank=True)
    reply = models.TextField("答复", blank=True)
    replied_by_name = models.CharField("答复人", max_length=100, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公示反馈"
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="feedback_has_text")]

    def __str__(self) -> str:
        return self.text[:30]


class VisitKind(models.TextChoices):
    ONSITE = "实地核实", "实地核实"
    SAMPLING = "随机抽查", "随机抽查"


class VisitMethod(models.TextChoices):
    RECONCILE = "集中对账", "集中对账"
    INSPECT = "现场查验", "现场查验"


class SiteVisit(models.Model):
    """The record of an on-site check or a random-sample check of one unit: how, when, who, what was found."""

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="visits", verbose_name="核查单位"
    )
    kind = models.CharField("类型", max_length=10, choices=VisitKind.choices)
    method = models.CharField("方式", max_length=10, choices=VisitMethod.choices)
    visited_on = models.DateField("核查日期")
    inspectors = models.CharField("核查人员", max_length=200)
    findings = models.TextField("核查情况")
    recorded_by_name = models.CharField("登记人", max_length=100, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "实地核查记录"
        ordering = ["visited_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(findings=""), name="visit_has_findings"),
            models.UniqueConstraint(fields=["campaign_unit", "kind"], name="visit_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.visited_on}"


class SampleDraw(models.Model):
    """The random draw of units for 随机抽查: ``random.Random(seed).sample`` over ``population`` (campaign
    unit ids in ascending order) picks ``selected`` — anyone can repeat it. One draw per campaign."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="draw", verbose_name="核查工作"
    )
    seed = models.CharField("随机种子", max_length=64)
    ratio = models.DecimalField("抽查比例", max_digits=3, decimal_places=2)
    population = models.JSONField("参与抽取的单位")
    selected = models.JSONField("抽中的单位")
    actor = user_fk("操作人")
    actor_name = models.CharField("抽取人", max_length=100, blank=True)
    at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "随机抽查抽取记录"
        constraints = [
            models.CheckConstraint(condition=Q(ratio__gte=Decimal("0.05")), name="sample_draw_ratio_min")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} 种子{self.seed}"


class FindingFollowUp(models.Model):
    """An open finding carried by the campaign's data update: who owns it and by when it is to be fixed."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="follow_ups", verbose_name="核查工作"
    )
    finding = models.ForeignKey(
        "verification.Finding", on_delete=models.CASCADE, related_name="+", verbose_name="问题"
    )
    owner = models.CharField("责任人", max_length=100)
    due_on = models.DateField("整改期限")
    note = models.TextField("说明", blank=True)
    set_by_name = models.CharField("登记人", max_length=100, blank=True)
    set_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题整改责任"
        constraints = [models.UniqueConstraint(fields=["campaign", "finding"], name="follow_up_unique")]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.owner} {self.due_on}"


PROBLEMS = (
    "擅自设立机构",
    "擅自加挂牌子",
    "擅自提高机构规格",
    "超编进人",
    "混用编制",
    "超职数配备领导干部",
    "吃空饷",
    "机构编制数据不实",
)


class UnitReport(models.Model):
    """The unit's 核查情况报告: its own answers (编外人员数, documents sorted, the problem checklist, the
    commitment) on top of the campaign figures, confirmed by the unit's leader by name."""

    campaign_unit = models.OneToOneField(
        CampaignUnit, on_delete=models.CASCADE, related_name="report", verbose_name="核查单位"
    )
    actual_divisions = models.PositiveIntegerField("实际内设机构数", default=0)
    outside_staff = models.PositiveIntegerField("编外人员数", default=0)
    documents_sorted = models.PositiveIntegerField("整理审批文件数", default=0)
    problems = models.JSONField("问题清单", default=dict, blank=True)  # {问题: 说明} for each problem found
    summary = models.TextField("自查整改情况", blank=True)
    commitment = models.BooleanField("承诺数据真实准确完整", default=False)
    leader_name = models.CharField("单位负责人", max_length=50)
    confirmed_by_name = models.CharField("提交人", max_length=100, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    on_behalf = models.BooleanField("编办代填", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "单位核查情况报告"
        constraints = [
            models.CheckConstraint(condition=Q(commitment=True), name="report_has_commitment"),
            models.CheckConstraint(condition=~Q(leader_name=""), name="report_has_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_unit} 核查情况报告"


class JointRound(models.IntegerChoices):
    """The two joint checks of a year with 组织/财政/人社 (the city rules: every June and November); the
    value is the month the check is planned in by default."""

    JUNE = 6, "6月联合检查"
    NOVEMBER = 11, "11月联合检查"


class JointCheckSchedule(models.Model):
    """One of a region's two joint checks of a year: the planned date (default the 1st of June or
    November; office staff may move it within the year), the 联合检查 campaign started for it, and its
    results kept once that campaign is closed (``results``: units, 核定/实有/空编 totals, findings,
    corrections adopted — the campaign's county figures at closing). A row exists once the date is set
    or the check started; until then the calendar shows the default."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    year = models.PositiveSmallIntegerField("年度")
    round = models.PositiveSmallIntegerField("批次", choices=JointRound.choices)
    planned_on = models.DateField("计划日期")
    campaign = models.OneToOneField(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_schedule",
        verbose_name="联合检查",
    )
    results = models.JSONField("检查结果", default=dict, blank=True)
    results_kept_at = models.DateTimeField("结果记录时间", null=True, blank=True)
    updated_by = user_fk("修改人", related_name="+")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "联合检查计划"
        ordering = ["region", "year", "round"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "round"], name="joint_check_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_round_display()}"


class ReviewDecision(models.TextChoices):
    PENDING = "待审核", "待审核"
    RETURNED = "退回", "退回修改"
    ACCEPTED = "通过", "通过"


class CountyReview(models.Model):
    """One round of the upper office's pre-review (市级预审核, issue 17) of a county's campaign report: the
    county submits (报送), the office of the county's parent region (a city, or the province for a county
    directly under it) returns it with comments or accepts it. Rounds are kept: a returned report is fixed
    and submitted again as the next round. A county whose region has no parent is not reviewed."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="reviews", verbose_name="核查工作"
    )
    round = models.PositiveSmallIntegerField("轮次")
    reviewer_region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="+", verbose_name="预审核区划"
    )
    note = models.TextField("报送说明", blank=True)
    figures = models.JSONField("报送时数据", default=dict, blank=True)
    submitted_by = user_fk("报送人", related_name="+")
    submitted_by_name = models.CharField("报送人姓名", max_length=100, blank=True)
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    decision = models.CharField(
        "预审核结果", max_length=4, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    comments = models.TextField("预审核意见", blank=True)
    decided_by = user_fk("预审核人", related_name="+")
    decided_by_name = models.CharField("预审核人姓名", max_length=100, blank=True)
    decided_at = models.DateTimeField("预审核时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "县级报告预审核"
        ordering = ["campaign", "round"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "round"], name="county_review_round_unique"),
            models.UniqueConstraint(
                fields=["campaign"], condition=Q(decision="待审核"), name="county_review_one_pending"
            ),
            models.CheckConstraint(
                condition=~Q(decision="退回") | ~Q(comments=""), name="county_review_return_has_comments"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}：第{self.round}轮预审核（{self.get_decision_display()}）"
