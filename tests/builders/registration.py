"""Builders for 事业单位登记管理 (tests, the URL walk and the demo), through the real services; and what
the URL walk (tests/test_url_walk.py) needs: the object each ``pk`` URL names (``URL_PK_KIND``) and one
of each (``url_objects``).

Unit A of the walk is a 行政机关, which is never registered; its objects here are those of a 事业单位
that unit A sponsors (举办单位, ``parent``) — another unit's liaison gets 404 on them all the same."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from bianzhi.lib.idnumbers import make_credit_code
from registration import services
from registration.models import MATERIALS, ApplicationKind, ReportStatus
from tests.builders.registry import make_unit, office_approver, office_clerk
from units.choices import Nature

_seq = itertools.count(7001)

URL_PK_KIND: dict[str, str] = {
    "registration:record_detail": "registration_record",
    "registration:record_certificate": "registration_record",
    "registration:record_certificate_copy": "registration_record",
    "registration:record_cancel_notice": "registration_record",
    "registration:record_reissue": "registration_record",
    "registration:report_fill": "registration_record",
    "registration:application_detail": "registration_application",
    "registration:application_edit": "registration_application",
    "registration:application_attach": "registration_application",
    "registration:application_submit": "registration_application",
    "registration:application_approve": "registration_application",
    "registration:application_return": "registration_application",
    "registration:attachment_download": "registration_attachment",
    "registration:report_detail": "registration_report",
    "registration:report_accept": "registration_report",
    "registration:report_return": "registration_report",
}


def pdf_upload(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def make_institution(region, name: str | None = None, *, parent=None, **kw):
    """A live 事业单位 of the registry (set up by a Document, with a credit code)."""
    n = next(_seq)
    kw.setdefault("credit_code", make_credit_code(n))
    return make_unit(
        region, name or f"测试事业单位{n}", nature=Nature.PUBLIC_INSTITUTION, parent=parent, **kw
    )


def establish_data(unit, **over) -> dict:
    return {
        "name": unit.name,
        "credit_code": unit.credit_code,
        "purpose": "为社会提供公益服务。",
        "address": f"{unit.region.name}城关镇东街1号",
        "legal_rep": "王主任",
        "capital": "50",
        "funding": unit.funding,
        "sponsor": unit.parent.name if unit.parent else f"{unit.region.name}人民政府",
    } | over


def attach_all(application, actor, *, skip=()) -> None:
    for material in MATERIALS[application.kind]:
        if material not in skip:
            services.attachment_add(
                application=application, material=material, upload=pdf_upload(), actor=actor
            )


def file_application(
    unit, kind=ApplicationKind.ESTABLISH, *, actor=None, data=None, attach=True, submit=True
):
    clerk = actor or office_clerk(unit.region)
    if data is None and kind == ApplicationKind.ESTABLISH:
        data = establish_data(unit)
    application = services.application_create(unit=unit, kind=kind, data=data or {}, actor=clerk)
    if attach:
        attach_all(application, clerk)
    if submit:
        application = services.application_submit(application=application, actor=clerk)
    return application


def register(unit, *, actor=None, reviewer=None, **data):
    """设立登记 from application to approval: the unit's registration record, 已登记."""
    application = file_application(unit, actor=actor, data=establish_data(unit, **data))
    services.application_approve(application=application, actor=reviewer or office_approver(unit.region))
    application.record.refresh_from_db()
    return application.record


def backdate(record, registered_on: dt.date) -> None:
    """Move a record's registration date (tests and the demo: a unit registered years ago)."""
    from registration.models import RegistrationRecord

    RegistrationRecord.objects.filter(pk=record.pk).update(
        registered_on=registered_on, valid_from=registered_on, valid_to=services_valid_until(registered_on)
    )
    record.refresh_from_db()


def services_valid_until(day: dt.date) -> dt.date:
    from registration.services.common import valid_until

    return valid_until(day)


REPORT = {
    "activities": "全年开展公益服务。",
    "capital": "50",
    "net_assets_start": "120.5",
    "net_assets_end": "130.25",
    "staff_count": 12,
}


def url_objects(unit) -> dict:
    """A 事业单位 sponsored by ``unit`` (unit A), registered, with a report for last year and an open
    变更 application with one material."""
    institution = make_institution(unit.region, f"{unit.name}所属服务中心", parent=unit)
    record = register(institution, sponsor=unit.name)
    last = dt.date.today().year - 1
    backdate(record, dt.date(last - 1, 6, 1))
    report = services.report_save(record=record, year=last, data=REPORT, submit=True, actor=None)
    change = services.application_create(
        unit=institution, kind=ApplicationKind.CHANGE, data={"legal_rep": "李新主任"}, actor=None
    )
    attachment = services.attachment_add(
        application=change,
        material=MATERIALS[ApplicationKind.CHANGE][0],
        upload=pdf_upload("a.pdf"),
        actor=None,
    )
    assert report.status == ReportStatus.SUBMITTED
    return {
        "registration_record": record,
        "registration_application": change,
        "registration_attachment": attachment,
        "registration_report": report,
    }
