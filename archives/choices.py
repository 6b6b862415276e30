"""Choices of the archives (TextChoices) and the request workflow's transition map."""

from django.db import models


class DocumentKind(models.TextChoices):
    HIGHER = "上级文件", "上级文件"
    COMMITTEE = "编委文件", "编委文件"
    OFFICE = "编办文件", "编办文件"
    PARTY_GOVERNMENT = "党委政府文件", "党委政府文件"
    THREE_DETERMINATIONS = "三定规定", "三定规定"
    SLIP = "编制使用单", "编制使用单"
    BUSINESS_STANDARD = "业务主管部门文件", "业务主管部门文件（行业标准）"
    OTHER = "其他", "其他"


# 政策依据主要包括上级党委、政府或机构编制部门的文件 (seed 002 §十七.1).
BASIS_KINDS = frozenset({DocumentKind.HIGHER, DocumentKind.PARTY_GOVERNMENT, DocumentKind.COMMITTEE})


class Retention(models.TextChoices):
    PERMANENT = "永久", "永久"
    LONG = "长期", "长期"
    SHORT = "短期", "短期"


class DocumentStatus(models.TextChoices):
    VALID = "有效", "有效"
    WITHDRAWN = "已撤回", "已撤回"


class DedicatedKind(models.TextChoices):
    """独立档案 per line of work (seed 002 §二十一, §十四)."""

    REGISTRATION = "事业单位登记", "事业单位登记管理档案"
    REFORM = "机构改革", "机构改革档案"
    REAL_NAME = "实名制", "机构编制实名制管理档案"
    VERIFICATION = "核查", "机构编制核查工作档案"
    SUPERVISION = "监督检查", "机构编制监督检查工作档案"
    DOMAIN_NAME = "中文域名", "机关事业单位中文域名注册管理工作档案"
    OVERSTAFFING = "消化超编", "消化党政机关超编人员工作档案"
    OTHER = "其他", "其他专项工作档案"


class MinuteKind(models.TextChoices):
    """The three minute books (seed 002 §十五)."""

    COMMITTEE = "编委会议", "编委会议记录"
    OFFICE = "室务会议", "室务会议记录"
    JOINT = "联席会议", "联席会议记录"


class RequestStatus(models.TextChoices):
    DRAFT = "草稿", "草稿"
    SUBMITTED = "已提交", "已提交"
    DECIDED = "已决定", "已决定"


REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.DRAFT: frozenset({RequestStatus.SUBMITTED}),
    RequestStatus.SUBMITTED: frozenset({RequestStatus.DECIDED, RequestStatus.DRAFT}),
    RequestStatus.DECIDED: frozenset(),
}
