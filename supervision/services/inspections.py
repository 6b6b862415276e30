"""The office's inspections (the yearly 全面检查 and 专项检查): findings per unit, registry facts proposed
automatically (over quota, over leader posts) for the office to confirm or dismiss; the 整改通知书
(numbered ``漳编办督〔2026〕3号`` without gaps, its PDF filed into the 监督检查 独立档案), the unit's
整改 evidence, closing and reopening, and 问责 records. Dated and audited."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction

from archives.choices import DedicatedKind
from archives.models import Document
from archives.services import file_into_dedicated, require_citable
from bianzhi import audit
from bianzhi.roles import authorize
from supervision import prints
from supervision.choices import (
    NOTICE_TRANSITIONS,
    FindingSource,
    FindingStatus,
    InspectionKind,
    MatterKind,
    Measure,
    NoticeStatus,
)
from supervision.models import Accountability, Evidence, Finding, Inspection, Notice
from supervision.services.common import (
    NOTICE_SERIES,
    check_not_future,
    fail,
    lock,
    move,
    name,
    next_number,
    notice_number,
    require_text,
    step,
    text,
    today,
)
from supervision.services.selfinspection import evidence_attachment
from units.models import Unit
from units.selectors import over_posts_unit_ids, over_quota_unit_ids
from units.services.common import authorize_unit

REGISTRY_FACTS = {
    MatterKind.OVER_QUOTA: "登记数据显示该单位实有人员超过核定编制（超编）。",
    MatterKind.OVER_POSTS: "登记数据显示该单位领导职数配备超过核定职数（超职数）。",
}


@transaction.atomic
def inspection_create(
    *,
    region,
    kind: str,
    year: int,
    title: str,
    inspected_on: dt.date,
    units: list[Unit],
    actor,
    note: str = "",
) -> Inspection:
    """Record an inspection of some live 法人 units of the region, and propose the registry's facts as
    findings (待确认). Office writers of the region; audited."""
    authorize(actor, "supervise", region=region)
    if kind not in InspectionKind.values:
        fail("请选择检查类别。", "kind")
    title = require_text(title, "请填写检查名称。", "title")
    check_not_future(inspected_on, "检查日期", "inspected_on")
    if not units:
        fail("请选择检查的单位。", "units")
    if any(u.region_id != region.pk or u.is_division or not u.is_live for u in units):
        fail("检查单位须为本区划正常的法人单位。", "units")
    inspection = Inspection.objects.create(
        region=region,
        kind=kind,
        year=year,
        title=title,
        inspected_on=inspected_on,
        note=text(note),
        created_by_name=name(actor),
    )
    inspection.units.set(units)
    audit.record(
        actor=actor,
        action="监督.登记检查",
        target=inspection,
        region=region,
        after={"kind": kind, "year": year, "title": title, "units": [u.name for u in units]},
    )
    propose_registry_findings(inspection, actor=actor)
    return inspection


def propose_registry_findings(inspection: Inspection, *, actor) -> list[Finding]:
    """A covered unit over quota or over posts gets a proposed finding of that kind (once per inspection)."""
    units = Unit.objects.filter(pk__in=inspection.units.values("pk"))
    facts = {
        MatterKind.OVER_QUOTA: over_quota_unit_ids(units),
        MatterKind.OVER_POSTS: over_posts_unit_ids(units),
    }
    have = set(inspection.findings.filter(source=FindingSource.REGISTRY).values_list("unit_id", "kind"))
    new = [
        Finding(
            inspection=inspection,
            unit_id=unit_id,
            kind=kind,
            description=REGISTRY_FACTS[kind],
            source=FindingSource.REGISTRY,
            status=FindingStatus.PROPOSED,
        )
        for kind, ids in facts.items()
        for unit_id in sorted(ids)
        if (unit_id, kind) not in have
    ]
    Finding.objects.bulk_create(new)
    if new:
        audit.record(
            actor=actor,
            action="监督.自动提示问题",
            target=inspection,
            region=inspection.region,
            after={"findings": [f"{f.unit_id}:{f.kind}" for f in new]},
        )
    return new


@transaction.atomic
def finding_add(*, inspection: Inspection, unit: Unit, kind: str, description: str, actor) -> Finding:
    """A problem the office found at a covered unit (已确认). Office writers of the region; audited."""
    authorize(actor, "supervise", region=inspection.region_id)
    if kind not in MatterKind.values:
        fail("请选择问题类别。", "kind")
    if not inspection.units.filter(pk=unit.pk).exists():
        fail("该单位不在本次检查范围内。", "unit")
    description = require_text(description, "请填写问题描述。", "description")
    finding = Finding.objects.create(
        inspection=inspection,
        unit=unit,
        kind=kind,
        description=description,
        source=FindingSource.INSPECTION,
        status=FindingStatus.CONFIRMED,
        decided_by_name=name(actor),
    )
    audit.record(
        actor=actor,
        action="监督.检查问题",
        target=finding,
        region=inspection.region,
        after={"unit": unit.name, "kind": kind, "description": description},
    )
    return finding


@transaction.atomic
def finding_decide(*, finding: Finding, confirm: bool, actor, note: str = "") -> Finding:
    """Confirm or dismiss a proposed finding (dismissing needs a note). Office writers; audited."""
    finding = lock(finding)
    authorize(actor, "supervise", region=finding.inspection.region_id)
    if finding.status != FindingStatus.PROPOSED:
        fail(f"该问题已{finding.status}。")
    note = text(note)
    if not confirm and not note:
        fail("排除须写明理由。", "note")
    finding.status = FindingStatus.CONFIRMED if confirm else FindingStatus.DISMISSED
    finding.decision_note, finding.decided_by_name = note, name(actor)
    finding.save()
    audit.record(
        actor=actor,
        action="监督.确认问题" if confirm else "监督.排除问题",
        target=finding,
        region=finding.inspection.region,
        after={"status": finding.status},
        reason=note,
    )
    return finding


@transaction.atomic
def notice_issue(
    *,
    inspection: Inspection,
    unit: Unit,
    deadline: dt.date,
    requirements: str,
    actor,
    issued_on: dt.date | None = None,
) -> Notice:
    """Issue a 整改通知书 to a unit for its confirmed findings of this inspection not yet in a notice: the
    next number of the region's year (``X编办督〔Y〕N号``, taken under a row lock), the 整改 deadline, and
    its PDF filed into the 监督检查 独立档案. Office writers of the region; dated and audited."""
    authorize(actor, "supervise", region=inspection.region_id)
    issued_on = issued_on or today()
    check_not_future(issued_on, "下发日期", "issued_on")
    requirements = require_text(requirements, "请填写整改要求。", "requirements")
    if deadline is None or deadline <= issued_on:
        fail("整改期限须晚于下发日期。", "deadline")
    findings = list(
        inspection.findings.select_for_update().filter(
            unit=unit, status=FindingStatus.CONFIRMED, notice__isnull=True
        )
    )
    if not findings:
        fail(f"{unit.name}在本次检查中没有已确认、尚未下发整改通知的问题。", "unit")
    region, year = inspection.region, issued_on.year
    seq = next_number(region, NOTICE_SERIES, year)
    notice = Notice.objects.create(
        region=region,
        inspection=inspection,
        unit=unit,
        year=year,
        seq=seq,
        number=notice_number(region, year, seq),
        issued_on=issued_on,
        deadline=deadline,
        requirements=requirements,
        issued_by_name=name(actor),
    )
    Finding.objects.filter(pk__in=[f.pk for f in findings]).update(notice=notice)
    step(actor=actor, action="下发", on=issued_on, new=notice.status, notice=notice)
    audit.record(
        actor=actor,
        action="监督.下发整改通知书",
        target=notice,
        region=region,
        after={"number": notice.number, "unit": unit.name, "deadline": deadline, "findings": len(findings)},
    )
    pdf = prints.notice_pdf(notice, actor=actor, action="监督.整改通知书归档")
    file_into_dedicated(
        DedicatedKind.SUPERVISION,
        region=region,
        title=f"整改通知书 {notice.number}（{unit.name}）",
        occurred_on=issued_on,
        upload=SimpleUploadedFile(f"{notice.number}.pdf", pdf, content_type="application/pdf"),
        actor=actor,
    )
    return notice


@transaction.atomic
def evidence_add(*, notice: Notice, body: str, actor, uploads: list[UploadedFile] = ()) -> Evidence:
    """The unit records what it did (整改情况, with files) while the notice is open: its liaison or an
    office writer of the region. Audited."""
    notice = lock(notice)
    authorize_unit(actor, notice.unit, capability="supervise")
    if notice.status != NoticeStatus.OPEN:
        fail("整改已销号，不能再报送整改情况。")
    body = require_text(body, "请填写整改情况。", "body")
    evidence = Evidence.objects.create(notice=notice, text=body, recorded_on=today(), by_name=name(actor))
    files = [evidence_attachment(evidence, u, actor) for u in uploads]
    step(actor=actor, action="报送整改情况", on=today(), note=body, notice=notice)
    audit.record(
        actor=actor,
        action="监督.整改情况",
        target=notice,
        region=notice.region,
        after={"text": body, "files": [f.original_name for f in files]},
    )
    return evidence


def _notice_move(notice: Notice, to: str, *, actor, note: str, action: str) -> Notice:
    notice = lock(notice)
    authorize(actor, "supervise", region=notice.region_id)
    old = move(notice, NOTICE_TRANSITIONS, to, f"整改通知书{notice.number}")
    notice.closed_on = today() if to == NoticeStatus.CLOSED else None
    notice.save()
    step(actor=actor, action=action, on=today(), old=old, new=to, note=note, notice=notice)
    audit.record(
        actor=actor,
        action=f"监督.整改{action}",
        target=notice,
        region=notice.region,
        before={"status": old},
        after={"status": to},
        reason=note,
    )
    return notice


@transaction.atomic
def notice_close(*, notice: Notice, note: str, actor) -> Notice:
    """整改中 → 已整改 (销号) once the unit has reported its 整改; the office's note is required."""
    note = require_text(note, "请填写销号意见。", "note")
    if not notice.evidence.exists():
        fail("单位尚未报送整改情况，不能销号。")
    return _notice_move(notice, NoticeStatus.CLOSED, actor=actor, note=note, action="销号")


@transaction.atomic
def notice_reopen(*, notice: Notice, reason: str, actor) -> Notice:
    """已整改 → 整改中 again (the 整改 did not hold), with the reason."""
    reason = require_text(reason, "重新整改须写明理由。", "reason")
    return _notice_move(notice, NoticeStatus.OPEN, actor=actor, note=reason, action="重新整改")


@transaction.atomic
def accountability_add(
    *,
    notice: Notice,
    person: str,
    measure: str,
    decided_on: dt.date,
    actor,
    document: Document | None = None,
    note: str = "",
) -> Accountability:
    """A 问责 record following a notice: who, by what measure, when, under which Document (of the region,
    citable). Office writers; audited."""
    authorize(actor, "supervise", region=notice.region_id)
    person = require_text(person, "请填写问责对象。", "person")
    if measure not in Measure.values:
        fail("请选择问责方式。", "measure")
    check_not_future(decided_on, "问责日期", "decided_on")
    if document is not None:
        if document.region_id != notice.region_id:
            fail(f"文件“{document.number}”不是本区划的文件。", "document")
        require_citable(document)
    record = Accountability.objects.create(
        notice=notice,
        person=person,
        measure=measure,
        decided_on=decided_on,
        document=document,
        note=text(note),
        recorded_by_name=name(actor),
    )
    audit.record(
        actor=actor,
        action="监督.问责",
        target=notice,
        region=notice.region,
        after={"person": person, "measure": measure, "document": document.number if document else ""},
    )
    return record
