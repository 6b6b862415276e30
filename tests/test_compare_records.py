"""Findings keep a stable identity across runs (new / still open / gone), a status and a history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bianzhi.models import AuditEntry
from tests.builders.registry import make_person
from verification.compare.data import FINANCE, SourceRows
from verification.compare.engine import compare
from verification.findings.models import Finding, FindingEvent, FindingStatus
from verification.findings.register import load_register
from verification.findings.services import comparison_record, finding_transition


def finance_run(region, people, actor=None):
    rows = SourceRows(FINANCE)
    for i, p in enumerate(people, start=2):
        rows.add(i, p.name, p.id_number, p.unit.name)
    result = compare(load_register(region=region), {FINANCE: rows})
    return comparison_record(region=region, result=result, sources=[FINANCE], cutoff=None, actor=actor)


def test_rerun_marks_new_still_open_and_gone(region, unit_a, unit_b, office_staff):
    p1, p2 = make_person(unit_a), make_person(unit_b)
    run1 = finance_run(region, [], actor=office_staff)
    assert run1.new_count == 2 and Finding.objects.count() == 2
    finding = Finding.objects.get(id_number=p1.id_number)
    assert finding.status == FindingStatus.OPEN and finding.unit_id == unit_a.pk and finding.township == ""
    run2 = finance_run(region, [p1], actor=office_staff)
    assert run2.new_count == 0 and run2.gone_count == 1
    gone = Finding.objects.get(id_number=p1.id_number)
    still = Finding.objects.get(id_number=p2.id_number)
    assert gone.last_run_id == run1.pk and gone.first_run_id == run1.pk
    assert still.last_run_id == run2.pk and still.first_run_id == run1.pk
    assert FindingEvent.objects.filter(finding=gone, run=run2).exists()
    assert AuditEntry.objects.filter(action="比对.运行").count() == 2


def test_new_findings_are_written_whole_by_copy_or_in_batches(region, unit_a, office_staff):
    """Every column of a new finding is written (COPY on PostgreSQL, model batches elsewhere): a field
    added to Finding without adding it to NEW_COLUMNS fails here instead of being left empty."""
    from verification.findings.services.runs import NEW_COLUMNS

    fields = {f.name for f in Finding._meta.concrete_fields if not f.primary_key}
    assert set(NEW_COLUMNS) == fields and len(NEW_COLUMNS) == len(fields)
    people = [make_person(unit_a) for _ in range(3)]
    run = finance_run(region, [], actor=office_staff)
    found = Finding.objects.filter(first_run=run).order_by("id_number")
    assert [f.id_number for f in found] == sorted(p.id_number for p in people)
    for f in found:
        assert (f.region_id, f.last_run_id, f.status, f.shared_with_partner) == (
            region.pk,
            run.pk,
            FindingStatus.OPEN,
            False,
        )
        assert f.unit_id == unit_a.pk and f.unit_name == unit_a.name and f.key and f.code and f.source
        assert f.person_name and f.category is not None and f.reg_info


def test_status_transitions_and_history(region, unit_a, liaison_a, office_staff):
    make_person(unit_a)
    finance_run(region, [])
    finding = Finding.objects.get()
    with pytest.raises(ValidationError):
        finding_transition(finding=finding, to_status=FindingStatus.EXPLAINED, actor=liaison_a, text=" ")
    finding_transition(
        finding=finding, to_status=FindingStatus.EXPLAINED, actor=liaison_a, text="已在财政补录"
    )
    finding_transition(finding=finding, to_status=FindingStatus.OPEN, actor=office_staff, text="请附财政批复")
    finding_transition(finding=finding, to_status=FindingStatus.EXPLAINED, actor=liaison_a, text="附件已上传")
    finding = finding_transition(finding=finding, to_status=FindingStatus.FIXED, actor=office_staff)
    assert finding.status == FindingStatus.FIXED
    assert [e.to_status for e in finding.events.all()] == ["已说明", "待核实", "已说明", "已整改"]
    with pytest.raises(ValidationError):
        finding_transition(finding=finding, to_status=FindingStatus.EXPLAINED, actor=liaison_a, text="x")
    assert AuditEntry.objects.filter(action="比对问题.状态").count() == 4
