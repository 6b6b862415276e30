"""Vocabulary of the key-task ledger (重点工作台账, seed 002 §十三.5)."""

from __future__ import annotations

from django.db import models

from archives.choices import DedicatedKind


class TaskKind(models.TextChoices):
    REFORM = "机构改革", "机构改革"
    PI_REFORM = "事业单位分类改革", "事业单位分类改革"
    REAL_NAME = "实名制", "实名制管理"
    VERIFICATION = "核查", "机构编制核查"
    SUPERVISION = "监督检查", "监督检查"
    OVERSTAFFING = "消化超编", "消化超编"
    OTHER = "其他", "其他重点工作"


class TaskStatus(models.TextChoices):
    OPEN = "进行中", "进行中"
    DONE = "已完成", "已完成"


TRANSITIONS: dict[str, tuple[str, ...]] = {TaskStatus.OPEN: (TaskStatus.DONE,), TaskStatus.DONE: ()}

# The 独立档案 a finished task's ledger goes into. 事业单位分类改革 is part of the reform of institutions
# (机构改革档案); a task the office adds under 其他 goes into 其他专项工作档案.
ARCHIVE_OF: dict[str, str] = {
    TaskKind.REFORM: DedicatedKind.REFORM,
    TaskKind.PI_REFORM: DedicatedKind.REFORM,
    TaskKind.REAL_NAME: DedicatedKind.REAL_NAME,
    TaskKind.VERIFICATION: DedicatedKind.VERIFICATION,
    TaskKind.SUPERVISION: DedicatedKind.SUPERVISION,
    TaskKind.OVERSTAFFING: DedicatedKind.OVERSTAFFING,
    TaskKind.OTHER: DedicatedKind.OTHER,
}

# The four key tasks every region keeps (the office adds others): kind, name, goal, stages.
DEFAULT_TASKS: list[tuple[str, str, str, list[str]]] = [
    (
        TaskKind.REFORM,
        "机构改革",
        "按上级部署完成党政机构改革，理顺职责，核定机构、编制和领导职数，制定“三定”规定。",
        ["制定改革方案", "报批改革方案", "机构组建挂牌", "制定“三定”规定", "人员转隶", "总结评估"],
    ),
    (
        TaskKind.PI_REFORM,
        "事业单位分类改革",
        "对现有事业单位逐一清理分类，承担行政职能的逐步回归机关，从事生产经营活动的逐步转企，公益类规范管理。",
        ["清理规范", "分类定性", "分类实施", "总结验收"],
    ),
    (
        TaskKind.REAL_NAME,
        "实名制管理",
        "机构编制实名制信息与实有人员逐一对应，人员变动5个工作日内更新，定期与组织、财政、人社部门核对。",
        ["信息采集", "数据核对", "动态更新", "年度统计"],
    ),
    (
        TaskKind.VERIFICATION,
        "机构编制核查",
        "按年度核查实施方案完成单位自查、群众监督、数据比对、实地核实、随机抽查和数据更新，形成核查情况报告。",
        ["单位自查", "群众监督", "数据比对", "实地核实", "随机抽查", "数据更新", "形成报告"],
    ),
]
