"""What the URL walk (tests/test_url_walk.py) needs from the `supervision` app: the registry object each of
its ``pk`` URLs names (``URL_PK_KIND``: URL name → key of ``url_objects``), and one of each such object
belonging to unit A (``url_objects``). Also the small builders the supervision tests share; they call the
real services."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from supervision import services
from supervision.choices import YES, Item

URL_PK_KIND: dict[str, str] = {
    "supervision:report_detail": "sv_report",
    "supervision:report_investigate": "sv_report",
    "supervision:report_refuse": "sv_report",
    "supervision:report_extend": "sv_report",
    "supervision:report_close": "sv_report",
    "supervision:self_detail": "sv_self_inspection",
    "supervision:questionnaire_detail": "sv_questionnaire",
    "supervision:questionnaire_fill": "sv_questionnaire",
    "supervision:questionnaire_attach": "sv_questionnaire",
    "supervision:questionnaire_review": "sv_questionnaire",
    "supervision:attachment_download": "sv_attachment",
    "supervision:inspection_detail": "sv_inspection",
    "supervision:finding_add": "sv_inspection",
    "supervision:notice_issue": "sv_inspection",
    "supervision:finding_decide": "sv_finding",
    "supervision:notice_detail": "sv_notice",
    "supervision:notice_pdf": "sv_notice",
    "supervision:evidence_add": "sv_notice",
    "supervision:notice_close": "sv_notice",
    "supervision:notice_reopen": "sv_notice",
    "supervision:accountability_add": "sv_notice",
}

RECEIVED = dt.date(2026, 9, 30)  # a Wednesday before the National Day week (2026-10-01..07 off)


def pdf_upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def make_report(region, *, actor=None, unit=None, received_on=RECEIVED, **kwargs):
    values = {
        "source": "来电",
        "matter": "超编进人",
        "summary": "反映该单位今年新进人员未经编办核编。",
        "reporter_name": "张三丰",
        "reporter_contact": "13812345678",
    } | kwargs
    return services.report_receive(region=region, received_on=received_on, unit=unit, actor=actor, **values)


def all_yes() -> dict[str, tuple[str, str]]:
    return {item: (YES, "") for item in Item.values}


def make_self_inspection(region, *, actor=None, year: int | None = None):
    today = dt.date.today()
    return services.self_inspection_open(
        region=region, year=year or today.year, deadline=today + dt.timedelta(days=30), actor=actor
    )


def make_inspection(region, units, *, actor=None, inspected_on=RECEIVED):
    return services.inspection_create(
        region=region,
        kind="全面检查",
        year=inspected_on.year,
        title=f"{inspected_on.year}年度机构编制执行情况全面检查",
        inspected_on=inspected_on,
        units=list(units),
        actor=actor,
    )


def make_notice(inspection, unit, *, actor=None, description: str = "擅自增设内设机构一个。"):
    services.finding_add(
        inspection=inspection, unit=unit, kind="内设机构不符", description=description, actor=actor
    )
    return services.notice_issue(
        inspection=inspection,
        unit=unit,
        deadline=dt.date.today() + dt.timedelta(days=60),
        requirements="撤销擅自设立的内设机构，按“三定”规定设置。",
        actor=actor,
    )


def url_objects(unit) -> dict:
    """One of each object the app's URLs name, of ``unit`` (unit A of the walk)."""
    region = unit.region
    report = make_report(region, unit=unit)
    si = make_self_inspection(region)
    questionnaire = si.questionnaires.get(unit=unit)
    attachment = services.questionnaire_attach(questionnaire=questionnaire, upload=pdf_upload(), actor=None)
    inspection = make_inspection(region, [unit])
    notice = make_notice(inspection, unit)
    finding = services.finding_add(
        inspection=inspection, unit=unit, kind="其他", description="台账未及时更新。", actor=None
    )
    return {
        "sv_report": report,
        "sv_self_inspection": si,
        "sv_questionnaire": questionnaire,
        "sv_attachment": attachment,
        "sv_inspection": inspection,
        "sv_finding": finding,
        "sv_notice": notice,
    }
