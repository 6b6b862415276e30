"""The demo county's 监督检查, walked through the real services: the monitoring phone, 举报 in every state
(one of them overdue), last year's self-inspection with most units answered (filled in by the office from
the units' paper returns, most accepted, one returned), and this year's full inspection with a
整改通知书 whose 整改 is still open.

Dates are relative to the load day; a 举报 whose deadline would need working days of a year without
holiday data is skipped (the demo never guesses a calendar)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from supervision import services
from supervision.choices import YES, Item
from units.choices import Nature, UnitStatus
from units.models import Unit

PHONES = "0932-4821234"
PAPER = "单位报送纸质自查表，编办代为录入"


def _units(region) -> list[Unit]:
    return list(
        Unit.objects.filter(region=region, status=UnitStatus.ACTIVE)
        .exclude(nature=Nature.DIVISION)
        .order_by("sort_order", "id")
    )


def _named(units: list[Unit], name: str, fallback: int) -> Unit:
    return next((u for u in units if u.name == name), units[fallback % len(units)])


def seed(region, *, today: dt.date, actor=None) -> dict:
    """Load the demo's supervision records into ``region`` (its units loaded); returns counts."""
    units = _units(region)
    if not units:
        return {}
    services.setting_save(
        region=region,
        deadline_days=15,
        phones=PHONES,
        show_on_home=True,
        show_to_liaisons=True,
        show_on_notices=True,
        actor=actor,
    )
    reports = _reports(region, units, today, actor)
    answered = _last_year(region, today, actor)
    notice = _inspection(region, units, today, actor)
    return {
        "reports": reports,
        "self_inspection_answered": answered,
        "notice": notice.number if notice else "",
    }


def _day(today: dt.date, n: int) -> dt.date:
    return today - dt.timedelta(days=n)


def _reports(region, units: list[Unit], today: dt.date, actor) -> int:
    """Six 举报: closed in time, closed anonymous, refused, investigating overdue, investigating with an
    extension, and one just received."""
    edu, health, hospital = (
        _named(units, n, i) for i, n in enumerate(("漳县教育局", "漳县卫生健康局", "漳县人民医院"))
    )
    plans = [
        dict(
            ago=90,
            source="来电",
            unit=edu,
            matter="超编进人",
            name="王建军",
            contact="13993201234",
            summary="反映县教育局下属学校今年新进教师未经编办核编。",
            then="close",
        ),
        dict(
            ago=120,
            source="网络",
            unit=hospital,
            matter="超职数配备",
            anonymous=True,
            summary="网络留言反映县人民医院副院长配备超过核定职数。",
            then="close",
        ),
        dict(
            ago=30,
            source="来访",
            unit=None,
            matter="其他",
            name="李秀英",
            contact="0932-4820011",
            summary="来访反映个人工资待遇问题。",
            then="refuse",
        ),
        dict(
            ago=60,
            source="来信",
            unit=health,
            matter="擅自设立机构",
            name="张明",
            contact="13893205678",
            summary="来信反映卫生健康局擅自设立“健康促进办公室”。",
            then="investigate",
        ),
        dict(
            ago=40,
            source="上级转办",
            unit=edu,
            matter="实名制未及时更新",
            name="市委编办转办",
            contact="",
            summary="市委编办转来群众反映：教育局调出人员仍在实名制系统中。",
            then="extend",
        ),
        dict(
            ago=3,
            source="来电",
            unit=hospital,
            matter="超编进人",
            name="赵女士",
            contact="13309320987",
            summary="反映县人民医院以临时用工名义长期使用编外人员。",
            then="",
        ),
    ]
    made = 0
    for plan in plans:
        received = _day(today, plan["ago"])
        try:
            report = services.report_receive(
                region=region,
                source=plan["source"],
                received_on=received,
                anonymous=plan.get("anonymous", False),
                reporter_name=plan.get("name", ""),
                reporter_contact=plan.get("contact", ""),
                unit=plan["unit"],
                matter=plan["matter"],
                summary=plan["summary"],
                actor=actor,
            )
        except ValidationError:  # a deadline in a year without holiday data
            continue
        made += 1
        _walk(report, plan, received, today, actor)
    return made


def _walk(report, plan: dict, received: dt.date, today: dt.date, actor) -> None:
    then = plan["then"]
    if then == "refuse":
        services.report_refuse(
            report=report,
            on=received + dt.timedelta(days=1),
            reason="反映的是个人工资待遇问题，不属于机构编制事项，已告知向人社部门反映。",
            actor=actor,
        )
        return
    if not then:
        return
    services.report_investigate(
        report=report, on=received + dt.timedelta(days=2), note="调阅单位进人审批材料和花名册。", actor=actor
    )
    if then == "extend":
        services.report_extend(
            report=report,
            until=today + dt.timedelta(days=20),
            reason="涉及多所学校，需逐校核实。",
            actor=actor,
        )
    elif then == "close":
        closed = min(report.deadline, received + dt.timedelta(days=12))
        services.report_close(
            report=report,
            on=closed,
            investigation="经调阅审批材料并实地核实，反映问题基本属实。",
            result="已责令单位限期整改，纳入年度全面检查跟踪。",
            answer_way="" if report.anonymous else "电话",
            answered_on=None if report.anonymous else closed,
            actor=actor,
        )


def _last_year(region, today: dt.date, actor) -> int:
    """Last year's self-inspection: every unit but a few answered (代填 from paper), most accepted."""
    year = today.year - 1
    si = services.self_inspection_open(
        region=region,
        year=year,
        opened_on=dt.date(year, 3, 1),
        deadline=dt.date(year, 4, 30),
        note="请各单位对照自查表逐项自查，如实填写，存在问题的写明整改措施。",
        actor=actor,
    )
    questionnaires = list(si.questionnaires.select_related("unit").order_by("unit__sort_order", "unit_id"))
    answered = 0
    for i, q in enumerate(questionnaires):
        if i % 12 == 11:  # about one unit in twelve has not answered
            continue
        answers = {item: (YES, "") for item in Item.values}
        if i % 9 == 4:
            answers[Item.REAL_NAME] = ("否", "两名调出人员未及时在实名制系统中核减，已于5月补办。")
        services.questionnaire_save(
            questionnaire=q, answers=answers, submit=True, on_behalf_reason=PAPER, actor=actor
        )
        answered += 1
        if i == 4:
            services.questionnaire_review(
                questionnaire=q, accept=False, reason="请附实名制核减的审批材料。", actor=actor
            )
        elif i % 5:
            services.questionnaire_review(questionnaire=q, accept=True, actor=actor)
    return answered


def _inspection(region, units: list[Unit], today: dt.date, actor):
    """This year's full inspection of the first dozen units: registry facts proposed (the first confirmed),
    one finding of the office's own, a 整改通知书 issued ten days ago, 整改 open."""
    covered = units[:12]
    inspection = services.inspection_create(
        region=region,
        kind="全面检查",
        year=today.year,
        title=f"{today.year}年度机构编制执行情况全面检查",
        inspected_on=_day(today, 20),
        units=covered,
        note="按照年度工作安排，对县直部分单位机构编制执行情况开展全面检查。",
        actor=actor,
    )
    proposed = list(inspection.findings.all())
    for finding in proposed[:1]:
        services.finding_decide(finding=finding, confirm=True, note="经核实属实。", actor=actor)
    target = covered[1] if len(covered) > 1 else covered[0]
    services.finding_add(
        inspection=inspection,
        unit=target,
        kind="内设机构不符",
        description="未经批准增设内设机构“综合服务股”一个。",
        actor=actor,
    )
    return services.notice_issue(
        inspection=inspection,
        unit=target,
        issued_on=_day(today, 10),
        deadline=today + dt.timedelta(days=20),
        requirements="撤销擅自增设的内设机构，严格按照“三定”规定设置内设机构，并报送整改情况。",
        actor=actor,
    )
