"""The demo county's 重点工作台账: the four standard key tasks of this year (机构改革, 事业单位分类改革,
实名制, 核查) with their stages planned over the year, some stages done and some progress recorded — and,
the year being under way, some stages overdue on the home-page panel."""

from __future__ import annotations

import datetime as dt

from keytasks.models import KeyTask
from keytasks.services import defaults_create, progress_add, stage_done

# kind → (stages done, [(days after the task's start, progress text)])
PROGRESS = {
    "机构改革": (1, [(20, "县委编委会研究机构改革实施方案，形成征求意见稿。")]),
    "事业单位分类改革": (
        2,
        [(15, "完成全县事业单位清理规范摸底，建立清理台账。"), (75, "提出分类意见，报县编委会审议。")],
    ),
    "实名制": (3, [(10, "各单位完成实名制信息采集和核对。"), (60, "与组织、财政、人社部门核对人员信息。")]),
    "核查": (2, [(30, "各单位完成自查并报送自查表。"), (55, "各单位张榜公示结束。")]),
}


def seed(region, *, today: dt.date, actor=None) -> dict:
    """The four key tasks from 1 January, with progress dated before ``today`` only."""
    start = dt.date(today.year, 1, 1)
    tasks = defaults_create(region=region, actor=actor, today=start)
    entries = 0
    for task in tasks:
        done, notes = PROGRESS[task.kind]
        for days, text in notes:
            day = start + dt.timedelta(days=days)
            if day <= today:
                progress_add(task=task, occurred_on=day, text=text, actor=actor, today=today)
                entries += 1
        for stage in task.stages.order_by("order")[:done]:
            day = min(stage.planned_end, today)
            if day >= start:
                stage_done(stage=stage, done_on=day, actor=actor, note="按计划完成", today=today)
    return {"keytasks": KeyTask.objects.filter(region=region).count(), "keytask_entries": entries}
