"""The verification app's warnings (预警, issue 15 point 3), registered in ``VerificationConfig.ready()``
with ``bianzhi.alerts.register``: campaign stages overdue (a stage's window ended with units still in
it; an office role sees one warning per campaign and stage, a liaison one per own unit), and a joint
check due (from a month before its planned date until it is started; and, once its campaign is closed,
until its results are kept). Each provider reads through the campaign's scoped selectors with a fixed
number of queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from bianzhi import alerts
from bianzhi.alerts import Alert, Level
from bianzhi.lib.dates import format_cn
from bianzhi.roles import can
from verification.campaign.selectors import joint


def campaign_overdue(user, *, today: dt.date) -> list[Alert]:
    out = []
    for row in joint.overdue_stages(user, today=today):
        campaign, cu = row["campaign"], row["cu"]
        if cu is None:
            message = (
                f"{campaign.name}“{row['stage']}”环节已于{format_cn(row['ends_on'])}截止，"
                f"仍有{row['count']}个单位未完成。"
            )
            link, text = reverse("verification:campaign_detail", args=[campaign.pk]), "查看核查工作"
        else:
            message = f"{campaign.name}：{cu.name}的“{row['stage']}”环节已于{format_cn(row['ends_on'])}截止，尚未完成。"
            link, text = reverse("verification:cu_detail", args=[cu.pk]), "办理核查"
        out.append(
            Alert(
                kind="campaign_overdue",
                level=Level.URGENT,
                message=message,
                link=link,
                link_text=text,
                region=campaign.region.name,
                unit_id=cu.unit_id if cu else None,
                due=row["ends_on"],
            )
        )
    return out


def joint_check_due(user, *, today: dt.date) -> list[Alert]:
    if not can(user, "view_registry"):
        return []
    out = []
    for entry in joint.joint_due(user, today=today):
        link = reverse("verification:joint_calendar") + f"?region={entry.region_id}&year={entry.year}"
        when = "已过" if entry.planned_on < today else "将于"
        out.append(
            Alert(
                kind="joint_check",
                level=Level.URGENT if entry.planned_on < today else Level.WARNING,
                message=f"{entry.region.name}{entry}{when}{format_cn(entry.planned_on)}"
                f"{'计划日期，尚未发起' if entry.planned_on < today else '开始，请会同组织、财政、人社部门做好准备并发起'}。",
                link=link,
                link_text="发起联合检查",
                region=entry.region.name,
                due=entry.planned_on,
            )
        )
    for entry in joint.joint_unkept(user):
        out.append(
            Alert(
                kind="joint_check",
                level=Level.NOTICE,
                message=f"{entry.region.name}{entry}（{entry.campaign.name}）已结束，请记录检查结果。",
                link=reverse("verification:joint_calendar") + f"?region={entry.region_id}&year={entry.year}",
                link_text="记录检查结果",
                region=entry.region.name,
            )
        )
    return out


def register() -> None:
    alerts.register("campaign_overdue", "核查环节逾期", campaign_overdue, order=70)
    alerts.register("joint_check", "联合检查", joint_check_due, order=80)
