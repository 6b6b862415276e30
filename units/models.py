"""The registry: units, their quotas and leader posts, the real-name staff record and its movements."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from bianzhi.lib.fields import tree_parent, user_fk
from units.choices import (
    DutyStatus,
    EntryMethod,
    EstablishmentType,
    Funding,
    InstitutionClass,
    LeaderPost,
    LeaveReason,
    LimitType,
    MovementKind,
    Nature,
    OverrideKind,
    PostCategory,
    Rank,
    RequestStatus,
    Sex,
    SlipStatus,
    StaffCategory,
    System,
    UnitEventKind,
    UnitStatus,
)

LIVE = Q(status=UnitStatus.ACTIVE)


class Unit(models.Model):
    """A unit (机构/单位) of a region: an organ, a public institution, or an internal division of one.

    Units are never deleted: an abolished or merged unit keeps its row, status and history.
    """

    region = models.ForeignKey(
        "bianzhi.Region", on_delete=models.PROTECT, related_name="units", verbose_name="区划"
    )
    name = models.CharField("机构名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    parent = tree_parent("上级机构")
    nature = models.CharField("机构性质", max_length=10, choices=Nature.choices)
    system = models.CharField("系统类别", max_length=10, choices=System.choices, blank=True)
    rank = models.CharField("机构规格", max_length=10, choices=Rank.choices, default=Rank.UNRANKED)
    funding = models.CharField("经费形式", max_length=10, choices=Funding.choices, blank=True)
    institution_class = models.CharField(
        "事业单位类别", max_length=10, choices=InstitutionClass.choices, blank=True
    )
    township = models.CharField("所在乡镇", max_length=50, blank=True, help_text="空表示县直")
    is_confidential = models.BooleanField("是否涉密", default=False)
    duties = models.TextField("主要职责", blank=True)
    founding_document = models.ForeignKey(
        "archives.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="设立文件",
    )
    founded_on = models.DateField("设立日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    ended_on = models.DateField("撤销/合并日期", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="并入单位"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["sort_order", "id"]
        permissions = [("liaise_unit", "作为单位联络员报送本单位数据")]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                condition=LIVE & ~Q(nature=Nature.DIVISION),
                name="unit_name_unique_live_in_region",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=LIVE & Q(nature=Nature.DIVISION),
                name="division_name_unique_live_in_parent",
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=LIVE & ~Q(credit_code=""),
                name="unit_credit_code_unique_live",
            ),
            models.CheckConstraint(
                condition=~Q(nature=Nature.DIVISION) | (Q(parent__isnull=False) & Q(credit_code="")),
                name="division_has_parent_and_no_credit_code",
            ),
            models.CheckConstraint(
                condition=Q(nature=Nature.DIVISION) | (~Q(system="") & ~Q(funding="")),
                name="legal_unit_has_system_and_funding",
            ),
            models.CheckConstraint(
                condition=(Q(nature=Nature.PUBLIC_INSTITUTION) & ~Q(institution_class=""))
                | (~Q(nature=Nature.PUBLIC_INSTITUTION) & Q(institution_class="")),
                name="institution_class_only_for_public_institutions",
            ),
            models.CheckConstraint(
                condition=Q(credit_code="") | Q(credit_code__regex=r"^[0-9A-Z]{18}$"),
                name="unit_credit_code_shape",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="unit_name_not_empty"),
        ]
        indexes = [
            models.Index(fields=["region", "status", "nature"]),
            models.Index(fields=["name"]),
            # the unit list's order: a province's first page read by the index, not a sort of 50,000
            models.Index(fields=["sort_order", "id"], name="units_unit_list_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_division(self) -> bool:
        return self.nature == Nature.DIVISION

    @property
    def is_live(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    @property
    def legal_unit(self) -> Unit:
        """The 法人 unit this row counts for: itself, or the parent of an internal division."""
        return self.parent if self.is_division else self

    @property
    def township_display(self) -> str:
        return self.township or "县直"


class UnitAlias(models.Model):
    """Another name of a unit (加挂牌子, short name) used to match partner data."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name="机构")
    name = models.CharField("其他名称", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "机构其他名称"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unit_alias_unique")]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """The approved number of slots (核定编制) of one establishment type in one unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="quotas", verbose_name="机构")
    establishment_type = models.CharField("编制类型", max_length=10, choices=EstablishmentType.choices)
    approved = models.PositiveIntegerField("核定数", default=0)
    military_earmark = models.PositiveIntegerField("其中军转行政编制", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "核定编制"
        constraints = [
            models.UniqueConstraint(fields=["unit", "establishment_type"], name="quota_unique_per_type"),
            models.CheckConstraint(
                condition=Q(approved__gte=0) & Q(military_earmark__gte=0), name="quota_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(military_earmark__lte=models.F("approved")), name="quota_earmark_within_approved"
            ),
            models.CheckConstraint(
                condition=Q(establishment_type=EstablishmentType.ADMIN) | Q(military_earmark=0),
                name="quota_earmark_only_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.establishment_type} {self.approved}"


class LeaderPostQuota(models.Model):
    """The approved number of leader posts (领导职数) of one category in one unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="post_quotas", verbose_name="机构")
    category = models.CharField("职数类别", max_length=10, choices=PostCategory.choices)
    approved = models.PositiveIntegerField("核定职数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "核定领导职数"
        constraints = [
            models.UniqueConstraint(fields=["unit", "category"], name="post_quota_unique_per_category"),
            models.CheckConstraint(condition=Q(approved__gte=0), name="post_quota_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.category} {self.approved}"


class QuotaLimitEntry(models.Model):
    """An entry of the county quota-limit ledger (限额台账): a higher-level Document raises or lowers a limit.

    Append-only; a mistake is corrected by a reversing entry.
    """

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    limit_type = models.CharField("编制类型", max_length=10, choices=LimitType.choices)
    occurred_on = models.DateField("日期")
    document = models.ForeignKey("archives.Document", on_delete=models.PROTECT, verbose_name="文件")
    delta = models.IntegerField("增减数")
    note = models.CharField("说明", max_length=300, blank=True)
    actor = user_fk("操作人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "编制限额台账"
        ordering = ["occurred_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(delta=0), name="limit_delta_not_zero")]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.limit_type} {self.delta:+d}"


class UnitEvent(models.Model):
    """A change record of a unit (表二 机构编制变更记录): founding, renaming, rank, quota or posts…

    Append-only. For quota and post changes ``delta`` is the increase (negative: decrease) and
    ``balance`` the approved number after the change.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="events", verbose_name="机构")
    kind = models.CharField("变化类型", max_length=10, choices=UnitEventKind.choices)
    occurred_on = models.DateField("日期")
    document = models.ForeignKey(
        "archives.Document", null=True, blank=True, on_delete=models.PROTECT, verbose_name="批准文件"
    )
    establishment_type = models.CharField(
        "编制类型", max_length=10, choices=EstablishmentType.choices, blank=True
    )
    post_category = models.CharField("职数类别", max_length=10, choices=PostCategory.choices, blank=True)
    delta = models.IntegerField("增减数", default=0)
    balance = models.IntegerField("结余数", null=True, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    reason = models.TextField("变化原因", blank=True)
    baseline = models.BooleanField(
        "建账",
        default=False,
        help_text="建账导入时首次登记的核定数：此前的数字系统中没有记录，查看更早日期时按此数显示并标明“建账”",
    )
    actor = user_fk("操作人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构编制变更记录"
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["unit", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.unit} {self.kind}"


class Person(models.Model):
    """A real-name record (实名制): one person's stint in establishment, current state plus history.

    ``in_establishment`` is True while the person occupies a slot; 一人一编 is the partial unique
    constraint on ``id_number`` among those rows. Leaving keeps the row (history); a later re-entry
    is a new row.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people", verbose_name="单位")
    division = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="division_people",
        verbose_name="内设机构",
    )
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("公民身份号码", max_length=18)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    education = models.CharField("学历", max_length=20, blank=True)
    title = models.CharField("职务", max_length=100, blank=True)
    grade = models.CharField("职级", max_length=50, blank=True)
    establishment_type = models.CharField("编制类型", max_length=10, choices=EstablishmentType.choices)
    category = models.CharField("人员类别", max_length=10, choices=StaffCategory.choices)
    leader_post = models.CharField(
        "领导职务", max_length=10, choices=LeaderPost.choices, default=LeaderPost.NONE
    )
    entered_on = models.DateField("入编时间")
    entry_doc_number = models.CharField("入编文号", max_length=100, blank=True)
    entry_method = models.CharField("进入方式", max_length=10, choices=EntryMethod.choices, blank=True)
    is_military_transfer = models.BooleanField("是否军转干部", default=False)
    work_started_on = models.DateField("参加工作时间", null=True, blank=True)
    duty_status = models.CharField(
        "在岗状态", max_length=10, choices=DutyStatus.choices, default=DutyStatus.ON_DUTY
    )
    in_establishment = models.BooleanField("在编", default=True)
    left_on = models.DateField("出编时间", null=True, blank=True)
    leave_reason = models.CharField("出编原因", max_length=10, choices=LeaveReason.choices, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "实有人员"
        ordering = ["unit_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(in_establishment=True), name="one_person_one_slot"
            ),
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="person_id_shape"
            ),
            models.CheckConstraint(
                condition=Q(in_establishment=True) | Q(left_on__isnull=False), name="person_left_has_date"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
        ]
        indexes = [
            models.Index(fields=["unit", "in_establishment", "establishment_type"]),
            models.Index(fields=["id_number"]),
            models.Index(fields=["name"]),
            # 超职数 (home page, 预警): the leaders of some units — 15 % of the people in establishment
            models.Index(
                fields=["unit", "leader_post"],
                condition=Q(in_establishment=True) & ~Q(leader_post=LeaderPost.NONE),
                name="units_person_leaders",
            ),
            # 即将退休 (预警): a few birth months per group, not a province's 1,000,000 people a minute
            models.Index(fields=["birth_date"], condition=Q(in_establishment=True), name="units_person_born"),
        ]

    def __str__(self) -> str:
        return self.name


class Movement(models.Model):
    """A dated staff movement (入编, 出编, 调动, 职务变动, 信息变更). Append-only: a person's history."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="movements", verbose_name="人员"
    )
    kind = models.CharField("类型", max_length=10, choices=MovementKind.choices)
    occurred_on = models.DateField("发生日期")
    document = models.ForeignKey(
        "archives.Document", null=True, blank=True, on_delete=models.PROTECT, verbose_name="文件"
    )
    doc_number = models.CharField("文号或编制使用单号", max_length=100, blank=True)
    from_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="原单位"
    )
    to_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="新单位"
    )
    from_type = models.CharField("原编制类型", max_length=10, blank=True)
    to_type = models.CharField("新编制类型", max_length=10, blank=True)
    from_post = models.CharField("原领导职务", max_length=10, blank=True)
    to_post = models.CharField("新领导职务", max_length=10, blank=True)
    leave_reason = models.CharField("出编原因", max_length=10, choices=LeaveReason.choices, blank=True)
    changes = models.JSONField("变更内容", null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    actor = user_fk("操作人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    is_late = models.BooleanField(
        "逾期登记",
        null=True,
        blank=True,
        help_text="登记时距发生日期超过规定工作日数；空表示无法判断（缺节假日数据）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "人员变动记录"
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(fields=["person", "occurred_on"]),
            # the home page's and 预警's 逾期登记 (recent late movements): few rows among millions
            models.Index(
                fields=["recorded_at"], condition=models.Q(is_late=True), name="units_movement_late"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.person} {self.kind}"


class EstablishmentRequest(models.Model):
    """用编申请: a unit asks for N slots of one establishment type (核编在先).

    Approved by an office role, it issues N 编制使用单 (one per slot). A 出一进一 replacement names the
    person whose 出编 frees the slot and asks for exactly one.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="requests", verbose_name="单位")
    establishment_type = models.CharField("编制类型", max_length=10, choices=EstablishmentType.choices)
    count = models.PositiveSmallIntegerField("申请数")
    entry_method = models.CharField("进入方式", max_length=10, choices=EntryMethod.choices)
    planned_on = models.DateField("计划入编时间")
    reason = models.TextField("申请理由")
    replacement_for = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="出一进一对应出编人员",
    )
    status = models.CharField(
        "状态", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = user_fk("申请人", blank=False, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = user_fk("审批人", related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)
    client_token = models.CharField("提交标识", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用编申请"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="request_count_positive"),
            models.CheckConstraint(
                condition=Q(replacement_for__isnull=True) | Q(count=1), name="replacement_request_is_one_slot"
            ),
            models.UniqueConstraint(
                fields=["requested_by", "client_token"],
                condition=~Q(client_token=""),
                name="request_submitted_once",
            ),
            models.UniqueConstraint(
                fields=["replacement_for"],
                condition=Q(replacement_for__isnull=False) & Q(status__in=["待审核", "已批准"]),
                name="one_replacement_per_leaver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.establishment_type} {self.count}名（{self.status}）"


class RequestEvent(models.Model):
    """A status change of a 用编申请: who moved it, when, why."""

    request = models.ForeignKey(
        EstablishmentRequest, on_delete=models.PROTECT, related_name="events", verbose_name="用编申请"
    )
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10)
    actor = user_fk("操作人")
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用编申请流转记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '新建'} → {self.to_status}"


class UseSlip(models.Model):
    """编制使用单 (核准使用编制通知单): one approved slot, reserved until used by one 入编 or expired."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    number = models.CharField("编号", max_length=50, unique=True)
    request = models.ForeignKey(
        EstablishmentRequest, on_delete=models.PROTECT, related_name="slips", verbose_name="用编申请"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="slips", verbose_name="单位")
    establishment_type = models.CharField("编制类型", max_length=10, choices=EstablishmentType.choices)
    issued_on = models.DateField("核准日期")
    valid_until = models.DateField("有效期至")
    is_replacement = models.BooleanField("出一进一", default=False)
    status = models.CharField("状态", max_length=10, choices=SlipStatus.choices, default=SlipStatus.VALID)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="slips", verbose_name="使用人员"
    )
    used_on = models.DateField("使用日期", null=True, blank=True)
    void_reason = models.TextField("作废原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "编制使用单"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="已使用") & Q(person__isnull=False))
                | (~Q(status="已使用") & Q(person__isnull=True)),
                name="slip_used_iff_person",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")), name="slip_validity_order"
            ),
        ]
        indexes = [models.Index(fields=["unit", "establishment_type", "status", "valid_until"])]

    def __str__(self) -> str:
        return self.number

    def state_on(self, day) -> str:
        """The status a person sees: 已过期 for an unused slip past its validity."""
        if self.status == SlipStatus.VALID and day > self.valid_until:
            return "已过期"
        return self.status


class Override(models.Model):
    """A rule overridden by the office administrator, with a reason and a Document. Listed on the dashboard."""

    kind = models.CharField("类型", max_length=20, choices=OverrideKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="overrides", verbose_name="单位")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    document = models.ForeignKey("archives.Document", on_delete=models.PROTECT, verbose_name="依据文件")
    reason = models.TextField("原因")
    actor = user_fk("操作人", blank=False)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则特批记录"
        ordering = ["-at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason")]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind}"


class OrganLimit(models.Model):
    """机构限额 set by a Document: the most 党政机构 of the county (township blank), or the most internal
    offices (综合办事机构) of one township. The latest entry per (region, township) is in force."""

    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    township = models.CharField("乡镇", max_length=50, blank=True, help_text="空表示县级党政机构限额")
    limit = models.PositiveIntegerField("限额")
    document = models.ForeignKey("archives.Document", on_delete=models.PROTECT, verbose_name="依据文件")
    set_on = models.DateField("日期")
    actor = user_fk("操作人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构限额"
        ordering = ["region", "township", "-set_on", "-id"]

    def __str__(self) -> str:
        return f"{self.township or '县级党政机构'} 限额{self.limit}"


class SlipAct(models.TextChoices):
    """What a partner department does on a 编制使用单, in the real order around 入编:
    编办出单 → 录用审批 → 入编 (slip used) → 工资起薪 → 参保登记."""

    HIRE = "录用审批", "录用审批"
    PAY = "工资起薪", "工资起薪"
    INSURE = "参保登记", "参保登记"


class Department(models.TextChoices):
    """A partner department (its comparison source: org / finance / si)."""

    ORG = "org", "组织部门"
    FINANCE = "finance", "财政部门"
    SI = "si", "人社部门"


class SlipActRecord(models.Model):
    """A partner department's act recorded on a 编制使用单 (录用审批, 工资起薪 or 参保登记), so the office
    sees which departments have acted. One row per (slip, act); append-only."""

    slip = models.ForeignKey(
        UseSlip, on_delete=models.PROTECT, related_name="acts", verbose_name="编制使用单"
    )
    act = models.CharField("办理事项", max_length=10, choices=SlipAct.choices)
    department = models.CharField("办理部门", max_length=10, choices=Department.choices)
    done_on = models.DateField("办理日期")
    note = models.CharField("备注", max_length=300, blank=True)
    via = models.CharField("登记途径", max_length=10, default="页面")
    actor = user_fk("登记人")
    actor_name = models.CharField("登记人姓名", max_length=100)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "编制使用单部门办理记录"
        ordering = ["slip_id", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["slip", "act"], name="slip_act_once"),
            models.CheckConstraint(condition=Q(act__in=SlipAct.values), name="slip_act_known"),
            models.CheckConstraint(
                condition=Q(department__in=Department.values), name="slip_act_department_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slip} {self.act}"
