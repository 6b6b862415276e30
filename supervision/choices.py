"""Choices of 监督检查 (TextChoices) and the literal transition maps of its three workflows."""

from __future__ import annotations

from django.db import models


class Source(models.TextChoices):
    """How a 举报 reached the office (seed 002 §十二: 电话、互联网、传真, 来信来访)."""

    CALL = "来电", "来电"
    LETTER = "来信", "来信"
    VISIT = "来访", "来访"
    ONLINE = "网络", "网络"
    REFERRED = "上级转办", "上级转办"


class MatterKind(models.TextChoices):
    """What a 举报 or a finding is about: the 五不准 (DOMAIN.md §3) first, then the other kinds."""

    UNAUTHORISED_UNIT = "擅自设立机构", "不准擅自设立机构和提高机构规格"
    OVER_QUOTA = "超编进人", "不准超编进人"
    OVER_POSTS = "超职数配备", "不准超职数配备领导干部"
    BEYOND_AUTHORITY = "越权审批", "不准越权审批机构编制事项"
    INTERFERENCE = "上级部门干预", "不准上级业务部门干预下级机构编制"
    REAL_NAME = "实名制未及时更新", "实名制信息未及时更新"
    NO_SLIP = "未使用编制使用单", "进人未使用编制使用单"
    DIVISIONS = "内设机构不符", "内设机构未按批准设置"
    OTHER = "其他", "其他"


FIVE_RULES = frozenset(
    {
        MatterKind.UNAUTHORISED_UNIT,
        MatterKind.OVER_QUOTA,
        MatterKind.OVER_POSTS,
        MatterKind.BEYOND_AUTHORITY,
        MatterKind.INTERFERENCE,
    }
)


class ReportStatus(models.TextChoices):
    RECEIVED = "受理", "已受理"
    INVESTIGATING = "调查", "调查中"
    CLOSED = "办结", "已办结"
    REFUSED = "不予受理", "不予受理"


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.RECEIVED: frozenset({ReportStatus.INVESTIGATING, ReportStatus.REFUSED}),
    ReportStatus.INVESTIGATING: frozenset({ReportStatus.CLOSED}),
    ReportStatus.CLOSED: frozenset(),
    ReportStatus.REFUSED: frozenset(),
}
REPORT_OPEN = frozenset({ReportStatus.RECEIVED, ReportStatus.INVESTIGATING})


class AnswerWay(models.TextChoices):
    PHONE = "电话", "电话答复"
    WRITTEN = "书面", "书面答复"
    IN_PERSON = "当面", "当面答复"
    ONLINE = "网络", "网络答复"
    NONE = "无需答复", "匿名举报，无需答复"


class QuestionnaireStatus(models.TextChoices):
    OPEN = "未填报", "未填报"
    SUBMITTED = "已提交", "已提交"
    RETURNED = "已退回", "已退回"
    ACCEPTED = "已通过", "已通过"


QUESTIONNAIRE_TRANSITIONS: dict[str, frozenset[str]] = {
    QuestionnaireStatus.OPEN: frozenset({QuestionnaireStatus.SUBMITTED}),
    QuestionnaireStatus.RETURNED: frozenset({QuestionnaireStatus.SUBMITTED}),
    QuestionnaireStatus.SUBMITTED: frozenset({QuestionnaireStatus.ACCEPTED, QuestionnaireStatus.RETURNED}),
    QuestionnaireStatus.ACCEPTED: frozenset(),
}
ANSWERABLE = frozenset({QuestionnaireStatus.OPEN, QuestionnaireStatus.RETURNED})


class Item(models.TextChoices):
    """The self-inspection's lines (seed 002 §十二: 每年对机构编制执行情况开展一次自查). Each is a
    statement of the rule; 是 means the unit kept it, 否 is a problem and needs an explanation."""

    UNITS = "机构", "未擅自设立机构、未提高机构规格"
    QUOTA = "编制", "未超编进人"
    POSTS = "职数", "未超职数配备领导干部"
    AUTHORITY = "审批", "未越权审批机构编制事项"
    INTERFERENCE = "干预", "未受上级业务部门干预机构编制"
    REAL_NAME = "实名制", "实名制信息及时更新、与实际一致"
    SLIPS = "使用单", "每名新进人员均使用了编制使用单"
    POST_APPROVAL = "职数核定", "领导职数配备在核定范围内"
    DIVISIONS = "内设机构", "内设机构按批准设置"


YES, NO = "是", "否"


class InspectionKind(models.TextChoices):
    ANNUAL = "全面检查", "年度全面检查"
    SPECIAL = "专项检查", "专项检查"


class FindingStatus(models.TextChoices):
    PROPOSED = "待确认", "待确认"
    CONFIRMED = "已确认", "已确认"
    DISMISSED = "已排除", "已排除"


class FindingSource(models.TextChoices):
    REGISTRY = "登记数据", "登记数据自动提示"
    INSPECTION = "检查发现", "检查发现"


class NoticeStatus(models.TextChoices):
    OPEN = "整改中", "整改中"
    CLOSED = "已整改", "已整改"


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.OPEN: frozenset({NoticeStatus.CLOSED}),
    NoticeStatus.CLOSED: frozenset({NoticeStatus.OPEN}),
}


class Measure(models.TextChoices):
    """问责 measures (《机构编制监督检查工作办法》)."""

    CRITICISM = "通报批评", "通报批评"
    TALK = "诫勉谈话", "诫勉谈话"
    REVIEW = "责令检查", "责令作出书面检查"
    ORGANISATIONAL = "组织处理", "组织处理"
    DISCIPLINE = "纪律处分", "纪律处分"
    OTHER = "其他", "其他"
