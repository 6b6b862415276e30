"""Vocabulary of the registry (DOMAIN.md §2). Values are the Chinese words offices exchange."""

from __future__ import annotations

from django.db import models


class Nature(models.TextChoices):
    ORGAN = "行政机关", "行政机关"
    CIVIL_PI = "参公事业单位", "参公事业单位"
    PUBLIC_INSTITUTION = "事业单位", "事业单位"
    DIVISION = "内设机构", "内设机构"


class System(models.TextChoices):
    PARTY = "党委", "党委"
    NPC = "人大", "人大"
    GOVERNMENT = "政府", "政府"
    CPPCC = "政协", "政协"
    DISCIPLINE = "纪委监委", "纪委监委"
    COURT = "法院", "法院"
    PROCURATORATE = "检察院", "检察院"
    DEMOCRATIC_PARTY = "民主党派", "民主党派"
    MASS_ORG = "群团", "群团"
    TOWNSHIP = "乡镇", "乡镇"


class Rank(models.TextChoices):
    DIVISION_HEAD = "正处级", "正处级"
    DIVISION_DEPUTY = "副处级", "副处级"
    SECTION_HEAD = "正科级", "正科级"
    SECTION_DEPUTY = "副科级", "副科级"
    UNIT = "股级", "股级"
    UNRANKED = "未定级", "未定级"


RANK_ORDER = {
    Rank.UNRANKED: 0,
    Rank.UNIT: 1,
    Rank.SECTION_DEPUTY: 2,
    Rank.SECTION_HEAD: 3,
    Rank.DIVISION_DEPUTY: 4,
    Rank.DIVISION_HEAD: 5,
}


class Funding(models.TextChoices):
    FULL = "全额拨款", "全额拨款"
    PARTIAL = "差额补贴", "差额补贴"
    SELF = "自收自支", "自收自支"


class InstitutionClass(models.TextChoices):
    PUBLIC_WELFARE_1 = "公益一类", "公益一类"
    PUBLIC_WELFARE_2 = "公益二类", "公益二类"
    ADMINISTRATIVE = "承担行政职能", "承担行政职能"
    BUSINESS = "从事生产经营活动", "从事生产经营活动"
    UNCLASSIFIED = "未分类", "未分类"


class UnitStatus(models.TextChoices):
    ACTIVE = "正常", "正常"
    ABOLISHED = "已撤销", "已撤销"
    MERGED = "已合并", "已合并"


class EstablishmentType(models.TextChoices):
    ADMIN = "行政编制", "行政编制"
    POLITICAL_LEGAL = "政法专项编制", "政法专项编制"
    CIVIL_PI = "参公事业编制", "参公事业编制"
    PUBLIC = "事业编制", "事业编制"
    SUPPORT = "工勤编制", "工勤编制"


ESTABLISHMENT_ORDER = list(EstablishmentType)

ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    Nature.ORGAN: (EstablishmentType.ADMIN, EstablishmentType.POLITICAL_LEGAL, EstablishmentType.SUPPORT),
    Nature.CIVIL_PI: (EstablishmentType.CIVIL_PI, EstablishmentType.SUPPORT),
    Nature.PUBLIC_INSTITUTION: (EstablishmentType.PUBLIC, EstablishmentType.SUPPORT),
    Nature.DIVISION: (),
}

# County quota limits (限额): which unit quota types each limit covers (FORMATS.md §1).
LIMIT_COVERS: dict[str, tuple[str, ...]] = {
    EstablishmentType.ADMIN: (EstablishmentType.ADMIN,),
    EstablishmentType.PUBLIC: (EstablishmentType.PUBLIC, EstablishmentType.CIVIL_PI),
}


class LimitType(models.TextChoices):
    ADMIN = "行政编制", "行政编制"
    PUBLIC = "事业编制", "事业编制"


class PostCategory(models.TextChoices):
    """职数类别: what a unit's leader-post approval counts."""

    CHIEF = "单位正职", "单位正职"
    DEPUTY = "单位副职", "单位副职"
    DIVISION = "内设机构领导", "内设机构领导"


class LeaderPost(models.TextChoices):
    """The leader post a person holds."""

    CHIEF = "单位正职", "单位正职"
    DEPUTY = "单位副职", "单位副职"
    DIVISION_CHIEF = "内设机构正职", "内设机构正职"
    DIVISION_DEPUTY = "内设机构副职", "内设机构副职"
    NONE = "无", "无"


POST_CATEGORY_OF: dict[str, str | None] = {
    LeaderPost.CHIEF: PostCategory.CHIEF,
    LeaderPost.DEPUTY: PostCategory.DEPUTY,
    LeaderPost.DIVISION_CHIEF: PostCategory.DIVISION,
    LeaderPost.DIVISION_DEPUTY: PostCategory.DIVISION,
    LeaderPost.NONE: None,
}


class StaffCategory(models.TextChoices):
    CIVIL_SERVANT = "公务员", "公务员"
    CIVIL_PI_STAFF = "参公人员", "参公人员"
    MANAGEMENT = "管理人员", "管理人员"
    PROFESSIONAL = "专业技术人员", "专业技术人员"
    SKILLED_WORKER = "工勤技能人员", "工勤技能人员"


class EntryMethod(models.TextChoices):
    EXAM = "考录", "考录"
    RECRUIT = "招聘", "招聘"
    TRANSFER_IN = "调入", "调入"
    MILITARY = "军转安置", "军转安置"
    SELECTED = "选调", "选调"
    OTHER = "其他", "其他"


class DutyStatus(models.TextChoices):
    ON_DUTY = "在岗", "在岗"
    SECONDED = "借调", "借调"
    SICK_LEAVE = "长期病休", "长期病休"
    UNPAID_LEAVE = "停薪留职", "停薪留职"
    OTHER = "其他", "其他"


class Sex(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class LeaveReason(models.TextChoices):
    RETIRED = "退休", "退休"
    TRANSFERRED_OUT = "调出", "调出"
    RESIGNED = "辞职", "辞职"
    DISMISSED = "辞退", "辞退"
    EXPELLED = "开除", "开除"
    DECEASED = "死亡", "死亡"
    OTHER = "其他", "其他"


class MovementKind(models.TextChoices):
    ENTER = "入编", "入编"
    LEAVE = "出编", "出编"
    TRANSFER = "调动", "调动"
    POST_CHANGE = "职务变动", "职务变动"
    CORRECTION = "信息变更", "信息变更"


class UnitEventKind(models.TextChoices):
    """表二 机构编制变更记录: what happened to a unit."""

    FOUNDED = "设立", "设立"
    RENAMED = "更名", "更名"
    NATURE = "性质调整", "性质调整"
    RANK = "规格调整", "规格调整"
    PARENT = "隶属调整", "隶属调整"
    FUNDING = "经费形式调整", "经费形式调整"
    INFO = "信息变更", "信息变更"
    QUOTA = "编制调整", "编制调整"
    POSTS = "职数调整", "职数调整"
    ABOLISHED = "撤销", "撤销"
    MERGED = "合并", "合并"
    IMPORTED = "建账导入", "建账导入"


class RequestStatus(models.TextChoices):
    """用编申请 status."""

    PENDING = "待审核", "待审核"
    APPROVED = "已批准", "已批准"
    REFUSED = "不予批准", "不予批准"
    WITHDRAWN = "已撤回", "已撤回"


REQUEST_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequestStatus.PENDING: (RequestStatus.APPROVED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN),
    RequestStatus.APPROVED: (),
    RequestStatus.REFUSED: (),
    RequestStatus.WITHDRAWN: (),
}


class SlipStatus(models.TextChoices):
    """编制使用单 status (an unused slip past its validity is shown as 已过期 but stays 有效 here)."""

    VALID = "有效", "有效"
    USED = "已使用", "已使用"
    VOID = "已作废", "已作废"


class OverrideKind(models.TextChoices):
    NO_SLIP = "无编制使用单入编", "无编制使用单入编"
    OVER_QUOTA = "超编进人", "超编进人"
    OVER_POSTS = "超职数配备", "超职数配备"


# A valid slip past its date: a state shown in lists and filters, not stored.
EXPIRED = "已过期"
