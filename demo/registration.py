"""The demo county's 事业单位登记, walked through the real services: most of the first institutions
registered years ago (paper approvals recorded with their dates), one certificate expiring within 90
days, applications in every state (设立 draft and submitted, 变更 draft, submitted, returned with the
一次性告知 list, approved), and last year's 年度报告 — most accepted, one submitted, one returned, a few
not filed (the 未报送 list and a 年报率 under 100%)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from bianzhi.lib.idnumbers import make_credit_code
from registration import services
from registration.models import MATERIALS, ApplicationKind
from units.choices import Nature, UnitStatus
from units.models import Unit

REGISTERED = 10  # institutions registered before the load day
FIRST = ("漳县人民医院", "漳县疾病预防控制中心")  # the demo liaisons' institutions come first
REPORT = {
    "activities": "按照宗旨和业务范围开展公益服务，完成年度工作任务。",
    "net_assets_start": "120.00",
    "net_assets_end": "135.60",
    "income": "0",
    "expense": "286.40",
    "staff_count": 18,
    "organization": "内设机构无变化。",
    "licenses": "无",
    "donations": "无",
    "investments": "无",
    "other": "无",
}


def _institutions(region) -> list[Unit]:
    units = list(
        Unit.objects.filter(
            region=region, status=UnitStatus.ACTIVE, nature__in=[Nature.PUBLIC_INSTITUTION, Nature.CIVIL_PI]
        )
        .exclude(founding_document=None)
        .order_by("sort_order", "id")
    )
    return sorted(units, key=lambda u: (u.name not in FIRST, FIRST.index(u.name) if u.name in FIRST else 0))


def _data(unit: Unit, n: int) -> dict:
    sponsor = unit.parent.name if unit.parent_id else f"{unit.region.name}人民政府"
    return {
        "name": unit.name,
        "credit_code": unit.credit_code or make_credit_code(900 + n),
        "purpose": f"承担{unit.name}的公益服务职能，开展相关业务工作。",
        "address": f"{unit.region.name}武阳镇{('东', '西', '南', '北')[n % 4]}大街{10 + n}号",
        "legal_rep": ("王建军", "李秀英", "张志强", "刘芳", "陈明", "杨帆")[n % 6],
        "capital": str(20 + 5 * n),
        "funding": unit.funding,
        "sponsor": sponsor,
    }


def _attach(application, actor, skip: int = 0) -> None:
    for material in MATERIALS[application.kind][skip:]:
        upload = SimpleUploadedFile(f"{material}.pdf", b"%PDF-1.4\n% demo\n", content_type="application/pdf")
        services.attachment_add(application=application, material=material, upload=upload, actor=actor)


def _file(unit, kind, data, actor, *, skip: int = 0, submit: bool = True):
    application = services.application_create(unit=unit, kind=kind, data=data, actor=actor)
    _attach(application, actor, skip=skip)
    if submit:
        application = services.application_submit(application=application, actor=actor)
    return application


def seed(region, *, today: dt.date, actor=None) -> dict:
    """Load the demo's registration records into ``region`` (its units loaded); returns counts."""
    units = _institutions(region)
    if len(units) < REGISTERED + 2:
        return {}
    last = today.year - 1
    records = []
    for n, unit in enumerate(units[:REGISTERED]):
        application = _file(unit, ApplicationKind.ESTABLISH, _data(unit, n), actor)
        if n == 1:  # registered almost five years ago: its certificate runs out within 90 days
            soon = today + dt.timedelta(days=60)
            on = soon.replace(year=soon.year - 5, day=min(soon.day, 28))
        else:
            on = dt.date(last - 1 - n % 3, 1 + n % 12, 10)
        services.application_approve(application=application, actor=actor, on=on)
        application.record.refresh_from_db()
        records.append(application.record)
    # last year's annual reports: most accepted, one submitted, one returned, the last three not filed
    services.report_year_set(region=region, year=last, deadline=dt.date(last + 1, 3, 31), actor=actor)
    for n, record in enumerate(records[:-3]):
        report = services.report_save(
            record=record, year=last, data=REPORT | {"capital": str(record.capital)}, submit=True, actor=actor
        )
        if n == 2:
            services.report_return(
                report=report, reason="年末净资产与财务决算报表不一致，请核对后重新报送。", actor=actor
            )
        elif n != 3:
            services.report_accept(report=report, actor=actor)
    # applications in every state
    approved = _file(records[4].unit, ApplicationKind.CHANGE, {"legal_rep": "赵建华"}, actor)
    services.application_approve(application=approved, actor=actor)
    _file(records[5].unit, ApplicationKind.CHANGE, {"address": f"{region.name}武阳镇新区行政中心"}, actor)
    returned = _file(records[6].unit, ApplicationKind.CHANGE, {"capital": "120"}, actor, skip=2)
    services.application_return(
        application=returned, reasons="开办资金确认证明须由财政部门出具。", actor=actor
    )
    _file(records[7].unit, ApplicationKind.CHANGE, {"legal_rep": "孙丽"}, actor, skip=3, submit=False)
    _file(units[REGISTERED], ApplicationKind.ESTABLISH, _data(units[REGISTERED], REGISTERED), actor)
    _file(
        units[REGISTERED + 1],
        ApplicationKind.ESTABLISH,
        _data(units[REGISTERED + 1], REGISTERED + 1),
        actor,
        skip=4,
        submit=False,
    )
    return {"registered": len(records), "institutions": len(units), "applications": 6 + len(records)}
