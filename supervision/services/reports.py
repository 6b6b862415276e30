"""举报受理: the register and its workflow 受理 → 调查 → 办结 (or 不予受理), the deadline in working days,
extensions, the answer to the reporter and the Documents produced; the region's settings.

Office writers (``supervise``) of the report's region only; every step is dated (a ``Step`` row) and
audited. The reporter's name and contact go to the audit trail masked (the trail is readable by roles that
may not see them)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from archives.models import Document
from archives.services import require_citable
from bianzhi import audit
from bianzhi.roles import authorize
from supervision.choices import REPORT_TRANSITIONS, AnswerWay, MatterKind, ReportStatus, Source
from supervision.models import Report, Setting
from supervision.selectors import mask_contact, mask_name, setting_of
from supervision.services.common import (
    REPORT_SERIES,
    check_not_future,
    deadline_after,
    fail,
    lock,
    move,
    next_number,
    require_text,
    step,
    text,
    today,
)

SETTING_FIELDS = ("deadline_days", "phones", "show_on_home", "show_to_liaisons", "show_on_notices")


@transaction.atomic
def setting_save(*, region, actor, **values) -> Setting:
    """Save the region's settings (举报 deadline in working days, monitoring phones and where they show).
    Office writers of the region; audited with before and after."""
    authorize(actor, "supervise", region=region)
    days = values.get("deadline_days")
    if not isinstance(days, int) or not 1 <= days <= 90:
        fail("举报办理时限应为1至90个工作日。", "deadline_days")
    current = Setting.objects.select_for_update().filter(region=region).first() or Setting(region=region)
    before = audit.snapshot(current, SETTING_FIELDS) if current.pk else {}
    current.deadline_days, current.phones = days, text(values.get("phones"))
    for flag in ("show_on_home", "show_to_liaisons", "show_on_notices"):
        setattr(current, flag, bool(values.get(flag)))
    current.save()
    after = audit.snapshot(current, SETTING_FIELDS)
    audit.record(actor=actor, action="监督.设置", target=current, region=region, before=before, after=after)
    return current


def _unit_of(unit, region):
    if unit is not None and (unit.region_id != region.pk):
        fail("被举报单位须为本区划的单位。", "unit")
    return unit


@transaction.atomic
def report_receive(
    *,
    region,
    source: str,
    received_on: dt.date,
    matter: str,
    summary: str,
    actor,
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_contact: str = "",
    unit=None,
) -> Report:
    """Register a 举报 (受理): numbered 举报〔年〕N号 per region and year, its deadline the N-th working day
    after receipt (N from the region's settings). A named report needs the reporter's name; an anonymous
    one keeps none. Audited (the reporter masked)."""
    authorize(actor, "supervise", region=region)
    if source not in Source.values:
        fail("请选择举报来源。", "source")
    if matter not in MatterKind.values:
        fail("请选择问题类别。", "matter")
    check_not_future(received_on, "受理日期", "received_on")
    summary = require_text(summary, "请填写举报内容摘要。", "summary")
    reporter_name, reporter_contact = text(reporter_name), text(reporter_contact)
    if anonymous:
        reporter_name = reporter_contact = ""
    elif not reporter_name:
        fail("实名举报须填写举报人姓名；不愿留名的请勾选“匿名举报”。", "reporter_name")
    deadline = deadline_after(received_on, setting_of(region).deadline_days)
    year = received_on.year
    report = Report.objects.create(
        region=region,
        year=year,
        seq=next_number(region, REPORT_SERIES, year),
        source=source,
        received_on=received_on,
        anonymous=anonymous,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        unit=_unit_of(unit, region),
        matter=matter,
        summary=summary,
        deadline=deadline,
        created_by=audit.user_of(actor),
    )
    step(actor=actor, action="受理", on=received_on, new=ReportStatus.RECEIVED, report=report)
    audit.record(
        actor=actor,
        action="监督.举报受理",
        target=report,
        after={
            "number": report.number,
            "source": source,
            "received_on": received_on,
            "reporter": mask_name(reporter_name) if reporter_name else "匿名",
            "contact": mask_contact(reporter_contact),
            "unit": unit.name if unit else "",
            "matter": matter,
            "deadline": deadline,
        },
    )
    return report


def _advance(report: Report, to: str, *, actor, on: dt.date, note: str, action: str, **changes) -> Report:
    report = lock(report)
    authorize(actor, "supervise", region=report.region_id)
    check_not_future(on, "办理日期", "on")
    if on < report.received_on:
        fail("办理日期不能早于受理日期。", "on")
    old = move(report, REPORT_TRANSITIONS, to, f"举报{report.number}")
    for k, v in changes.items():
        setattr(report, k, v)
    report.save()
    step(actor=actor, action=action, on=on, old=old, new=to, note=note, report=report)
    audit.record(
        actor=actor,
        action=f"监督.举报{action}",
        target=report,
        before={"status": old},
        after={"status": to, "on": on, **changes},
        reason=note,
    )
    return report


@transaction.atomic
def report_investigate(*, report: Report, on: dt.date, note: str = "", actor) -> Report:
    """受理 → 调查 (the investigation starts). Office writers of the region; dated and audited."""
    return _advance(report, ReportStatus.INVESTIGATING, actor=actor, on=on, note=text(note), action="调查")


@transaction.atomic
def report_refuse(*, report: Report, on: dt.date, reason: str, actor) -> Report:
    """受理 → 不予受理, with the reason (required). Dated and audited."""
    reason = require_text(reason, "不予受理须写明理由。", "reason")
    return _advance(
        report,
        ReportStatus.REFUSED,
        actor=actor,
        on=on,
        note=reason,
        action="不予受理",
        refusal_reason=reason,
    )


@transaction.atomic
def report_extend(*, report: Report, until: dt.date, reason: str, actor) -> Report:
    """Extend an open report's deadline to ``until`` (later than the deadline in force), with the reason.
    Dated and audited."""
    report = lock(report)
    authorize(actor, "supervise", region=report.region_id)
    if not report.is_open:
        fail(f"举报{report.number}已{report.status}，不能延期。")
    reason = require_text(reason, "延期须写明理由。", "reason")
    if until is None or until <= report.due:
        fail(f"延期后的期限须晚于现在的办理期限（{report.due:%Y-%m-%d}）。", "until")
    before = {"due": report.due}
    report.extended_to, report.extension_reason = until, reason
    report.save(update_fields=["extended_to", "extension_reason"])
    step(actor=actor, action="延期", on=today(), note=f"延期至{until:%Y-%m-%d}：{reason}", report=report)
    audit.record(
        actor=actor, action="监督.举报延期", target=report, before=before, after={"due": until}, reason=reason
    )
    return report


@transaction.atomic
def report_close(
    *,
    report: Report,
    on: dt.date,
    investigation: str,
    result: str,
    actor,
    answered_on: dt.date | None = None,
    answer_way: str = "",
    documents: list[Document] = (),
) -> Report:
    """调查 → 办结: the investigation, the result, the answer to the reporter (date and way; an anonymous
    report needs none) and the Documents produced (of the region, citable). Dated and audited."""
    investigation = require_text(investigation, "请填写调查情况。", "investigation")
    result = require_text(result, "请填写办理结果。", "result")
    locked = lock(report)
    if not locked.anonymous:
        if answer_way not in AnswerWay.values or answer_way == AnswerWay.NONE:
            fail("实名举报须答复举报人，请选择答复方式。", "answer_way")
        check_not_future(answered_on, "答复日期", "answered_on")
        if answered_on < locked.received_on:
            fail("答复日期不能早于受理日期。", "answered_on")
    elif answer_way and answer_way != AnswerWay.NONE:
        check_not_future(answered_on, "答复日期", "answered_on")
    else:
        answer_way, answered_on = AnswerWay.NONE, None
    for document in documents:
        if document.region_id != locked.region_id:
            fail(f"文件“{document.number}”不是本区划的文件。", "documents")
        require_citable(document)
    report = _advance(
        locked,
        ReportStatus.CLOSED,
        actor=actor,
        on=on,
        note=result,
        action="办结",
        investigation=investigation,
        result=result,
        answered_on=answered_on,
        answer_way=answer_way,
        closed_on=on,
    )
    report.documents.set(documents)
    if documents:
        audit.record(
            actor=actor,
            action="监督.举报文件",
            target=report,
            after={"documents": [d.number for d in documents]},
        )
    return report
