"""The prints of 事业单位登记管理 (PDF with the embedded CJK font, audited by ``render_pdf``):
the 事业单位法人证书 正本 (A3 landscape) and 副本 (A4), and the 注销登记 notice (A4)."""

from __future__ import annotations

from django.utils import timezone

from bianzhi.lib.pdf import render_pdf
from registration.models import RegistrationRecord


def registrar(region) -> str:
    return f"{region.name}事业单位登记管理局"


def certificate_pdf(record: RegistrationRecord, *, copy: bool, actor) -> bytes:
    """正本 (``copy=False``, A3 landscape) or 副本 (A4 portrait) of the record's certificate."""
    context = {
        "record": record,
        "copy": copy,
        "registrar": registrar(record.region),
        "issued_on": record.registered_on or timezone.localdate(),
    }
    template = "registration/print/certificate_copy.html" if copy else "registration/print/certificate.html"
    action = "打印.事业单位法人证书副本" if copy else "打印.事业单位法人证书正本"
    return render_pdf(template, context, actor=actor, action=action, target=record, region=record.region)


def cancel_notice_pdf(record: RegistrationRecord, *, actor) -> bytes:
    context = {"record": record, "registrar": registrar(record.region)}
    return render_pdf(
        "registration/print/cancel_notice.html",
        context,
        actor=actor,
        action="打印.事业单位注销登记通知书",
        target=record,
        region=record.region,
    )
