"""The role matrix of 监督检查's services: every write service called directly (no view in front) as each
persona — 编办管理员, 编办工作人员, 编委/编办领导 (read-only), unit A's liaison, unit B's liaison, a partner
clerk, an office user of another county. An allowed call writes its audit row; a refusal is a
PermissionDenied with a Chinese message and writes nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from bianzhi.models import AuditEntry
from supervision import services
from tests.builders.supervision import (
    RECEIVED,
    all_yes,
    make_inspection,
    make_notice,
    make_report,
    make_self_inspection,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

PERSONAS = (
    "office_admin",
    "office_staff",
    "supervisor",
    "liaison_a",
    "liaison_b",
    "partner_clerk",
    "other_office_staff",
)
OFFICE = {"office_admin", "office_staff"}
LATER = dt.date.today() + dt.timedelta(days=30)


def _report(c):
    return make_report(c["region"], unit=c["unit_a"])


def _investigating(c):
    report = _report(c)
    services.report_investigate(report=report, on=RECEIVED, actor=None)
    return report


def _questionnaire(c):
    return make_self_inspection(c["region"]).questionnaires.get(unit=c["unit_a"])


def _submitted(c):
    q = _questionnaire(c)
    services.questionnaire_save(
        questionnaire=q, answers=all_yes(), submit=True, actor=None, on_behalf_reason="纸质"
    )
    return q


def _inspection(c):
    return make_inspection(c["region"], [c["unit_a"]])


def _confirmed(c):
    inspection = _inspection(c)
    services.finding_add(inspection=inspection, unit=c["unit_a"], kind="其他", description="问题", actor=None)
    return inspection


def _notice(c):
    return make_notice(_inspection(c), c["unit_a"])


def _closed_notice(c):
    notice = _notice(c)
    services.evidence_add(notice=notice, body="已整改", actor=None)
    services.notice_close(notice=notice, note="销号", actor=None)
    return notice


# (name, build(county) -> subject, call(subject, county, actor), who may)
CASES: list[tuple[str, Callable, Callable, set[str]]] = [
    (
        "setting_save",
        lambda c: None,
        lambda s, c, a: services.setting_save(region=c["region"], deadline_days=9, actor=a),
        OFFICE,
    ),
    ("report_receive", lambda c: None, lambda s, c, a: make_report(c["region"], actor=a), OFFICE),
    (
        "report_investigate",
        _report,
        lambda s, c, a: services.report_investigate(report=s, on=RECEIVED, actor=a),
        OFFICE,
    ),
    (
        "report_refuse",
        _report,
        lambda s, c, a: services.report_refuse(report=s, on=RECEIVED, reason="不属于", actor=a),
        OFFICE,
    ),
    (
        "report_extend",
        _report,
        lambda s, c, a: services.report_extend(report=s, until=dt.date(2026, 11, 30), reason="外调", actor=a),
        OFFICE,
    ),
    (
        "report_close",
        _investigating,
        lambda s, c, a: services.report_close(
            report=s,
            on=RECEIVED,
            investigation="查",
            result="结",
            answer_way="电话",
            answered_on=RECEIVED,
            actor=a,
        ),
        OFFICE,
    ),
    (
        "self_inspection_open",
        lambda c: None,
        lambda s, c, a: make_self_inspection(c["region"], actor=a),
        OFFICE,
    ),
    (
        "questionnaire_save",
        _questionnaire,
        lambda s, c, a: services.questionnaire_save(
            questionnaire=s,
            answers=all_yes(),
            actor=a,
            on_behalf_reason="" if a == c["liaison_a"] else "纸质",
        ),
        OFFICE | {"liaison_a"},
    ),
    (
        "questionnaire_attach",
        _questionnaire,
        lambda s, c, a: services.questionnaire_attach(questionnaire=s, upload=pdf_upload(), actor=a),
        OFFICE | {"liaison_a"},
    ),
    (
        "questionnaire_review",
        _submitted,
        lambda s, c, a: services.questionnaire_review(questionnaire=s, accept=True, actor=a),
        OFFICE,
    ),
    (
        "inspection_create",
        lambda c: None,
        lambda s, c, a: make_inspection(c["region"], [c["unit_a"]], actor=a),
        OFFICE,
    ),
    (
        "finding_add",
        _inspection,
        lambda s, c, a: services.finding_add(
            inspection=s, unit=c["unit_a"], kind="其他", description="问题", actor=a
        ),
        OFFICE,
    ),
    (
        "notice_issue",
        _confirmed,
        lambda s, c, a: services.notice_issue(
            inspection=s, unit=c["unit_a"], deadline=LATER, requirements="改", actor=a
        ),
        OFFICE,
    ),
    (
        "evidence_add",
        _notice,
        lambda s, c, a: services.evidence_add(notice=s, body="已整改", actor=a),
        OFFICE | {"liaison_a"},
    ),
    (
        "notice_reopen",
        _closed_notice,
        lambda s, c, a: services.notice_reopen(notice=s, reason="回潮", actor=a),
        OFFICE,
    ),
    (
        "accountability_add",
        _notice,
        lambda s, c, a: services.accountability_add(
            notice=s, person="王某", measure="诫勉谈话", decided_on=dt.date.today(), actor=a
        ),
        OFFICE,
    ),
    (
        "year_archive",
        lambda c: None,
        lambda s, c, a: services.year_archive(region=c["region"], year=2026, actor=a),
        OFFICE,
    ),
]


@pytest.fixture
def county(request, settings, tmp_path, region, unit_a, unit_b):
    settings.MEDIA_ROOT = tmp_path
    people = {p: request.getfixturevalue(p) for p in PERSONAS}
    return {"region": region, "unit_a": unit_a, "unit_b": unit_b, **people}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_service_role_matrix(county, case):
    """Each persona on a fresh subject (built and rolled back inside a savepoint)."""
    _, build, call, allowed = case
    for persona in PERSONAS:
        savepoint = transaction.savepoint()
        subject = build(county)
        actor = county[persona]
        before = AuditEntry.objects.filter(actor=actor).count()
        if persona in allowed:
            call(subject, county, actor)
            assert AuditEntry.objects.filter(actor=actor).count() > before, persona
        else:
            with pytest.raises(PermissionDenied) as refused:
                call(subject, county, actor)
            assert re.search(r"[\u4e00-\u9fff]", str(refused.value)), persona
            assert AuditEntry.objects.filter(actor=actor).count() == before, persona
        transaction.savepoint_rollback(savepoint)
