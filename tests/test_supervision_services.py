"""监督检查 services (issue 14, second half): every rule and every refusal.

举报: the deadline is the N-th working day after receipt (a holiday week skipped, N from the settings),
the workflow's literal moves, extension, closure with the answer and the Documents, overdue; the
self-inspection (liaison of the unit only, 否 explained, 代填 with a reason, review); inspections with
registry facts proposed, the 整改通知书 numbered without gaps, 整改 evidence, closing, reopening, 问责."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bianzhi import workdays
from bianzhi.models import AuditEntry
from supervision import selectors, services
from supervision.choices import NO, YES, FindingStatus, NoticeStatus, QuestionnaireStatus, ReportStatus
from supervision.models import Counter, Notice, Report
from tests.builders.registry import make_document, make_person, make_unit
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


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# ---- settings and deadlines -------------------------------------------------------------------------------


def test_deadline_is_counted_in_working_days_skipping_the_national_day_week(region, office_staff):
    services.setting_save(region=region, deadline_days=5, phones="0932-1234567", actor=office_staff)
    report = make_report(region, actor=office_staff)
    # received Wed 2026-09-30; 10-01..07 off; working days after it: 10-08, 10-09, 10-10 (make-up Sat),
    # 10-12, 10-13
    assert report.deadline == dt.date(2026, 10, 13)
    assert report.number == "举报〔2026〕1号"
    entry = AuditEntry.objects.get(action="监督.举报受理")
    assert "张三丰" not in str(entry.after) and "13812345678" not in str(entry.after)
    assert entry.after["reporter"] == "张**" and entry.after["contact"] == "138****5678"


def test_default_deadline_is_fifteen_working_days(region, office_staff):
    assert make_report(region, actor=office_staff).deadline == dt.date(2026, 10, 27)


def test_a_deadline_in_a_year_without_holiday_arrangement_is_refused(region, office_staff):
    with pytest.raises(workdays.CalendarMissing):
        services.setting_save(region=region, deadline_days=90, actor=office_staff)
        make_report(region, actor=office_staff, received_on=dt.date(2026, 12, 1))


def test_settings_are_the_office_writers_and_audited(
    region, office_admin, supervisor, liaison_a, other_office_staff
):
    for who in (supervisor, liaison_a, other_office_staff):
        with pytest.raises(PermissionDenied):
            services.setting_save(region=region, deadline_days=10, actor=who)
    with pytest.raises(ValidationError, match="1至90"):
        services.setting_save(region=region, deadline_days=0, actor=office_admin)
    services.setting_save(
        region=region, deadline_days=10, phones="12310", show_on_home=True, actor=office_admin
    )
    assert selectors.setting_of(region).deadline_days == 10
    assert AuditEntry.objects.filter(action="监督.设置", actor=office_admin).count() == 1


# ---- 举报 ----------------------------------------------------------------------------------------------------


def test_report_refusals_on_intake(region, other_region, office_staff, supervisor, liaison_a, unit_a):
    with pytest.raises(PermissionDenied):
        make_report(region, actor=supervisor)
    with pytest.raises(PermissionDenied):
        make_report(region, actor=liaison_a)
    with pytest.raises(ValidationError, match="举报人姓名"):
        make_report(region, actor=office_staff, reporter_name="")
    with pytest.raises(ValidationError, match="晚于今天"):
        make_report(region, actor=office_staff, received_on=dt.date.today() + dt.timedelta(days=1))
    other_unit = make_unit(other_region, "安定区财政局")
    with pytest.raises(ValidationError, match="本区划"):
        make_report(region, actor=office_staff, unit=other_unit)
    anonymous = make_report(region, actor=office_staff, anonymous=True, unit=unit_a)
    assert anonymous.reporter_name == "" and anonymous.reporter_contact == ""


def test_workflow_moves_only_along_the_map(region, office_staff):
    report = make_report(region, actor=office_staff)
    with pytest.raises(ValidationError, match="不能改为"):
        services.report_close(
            report=report,
            on=RECEIVED,
            investigation="查",
            result="结",
            answer_way="电话",
            answered_on=RECEIVED,
            actor=office_staff,
        )
    with pytest.raises(ValidationError, match="理由"):
        services.report_refuse(report=report, on=RECEIVED, reason="", actor=office_staff)
    services.report_refuse(
        report=report, on=RECEIVED, reason="不属于机构编制事项，已告知向纪委反映。", actor=office_staff
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.REFUSED
    with pytest.raises(ValidationError):
        services.report_investigate(report=report, on=RECEIVED, actor=office_staff)
    assert [s.action for s in report.steps.all()] == ["受理", "不予受理"]


def test_close_needs_the_answer_to_a_named_reporter_and_links_documents(region, office_staff):
    document = make_document(region, "漳编办发〔2026〕9号", issued_on=dt.date(2026, 10, 9))
    report = make_report(region, actor=office_staff)
    services.report_investigate(report=report, on=dt.date(2026, 10, 8), note="调取花名册", actor=office_staff)
    close = dict(
        report=report, on=dt.date(2026, 10, 12), investigation="属实", result="已责令整改", actor=office_staff
    )
    with pytest.raises(ValidationError, match="答复方式"):
        services.report_close(**close)
    with pytest.raises(ValidationError, match="答复日期"):
        services.report_close(**close, answer_way="电话")
    services.report_close(**close, answer_way="电话", answered_on=dt.date(2026, 10, 12), documents=[document])
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.closed_on == dt.date(2026, 10, 12)
    assert list(report.documents.all()) == [document]
    assert not report.overdue_on(dt.date(2026, 12, 1))
    assert AuditEntry.objects.filter(action="监督.举报办结", target_id=str(report.pk)).exists()


def test_anonymous_report_closes_without_an_answer(region, office_staff):
    report = make_report(region, actor=office_staff, anonymous=True)
    services.report_investigate(report=report, on=RECEIVED, actor=office_staff)
    services.report_close(
        report=report, on=RECEIVED, investigation="查无实据", result="不属实", actor=office_staff
    )
    report.refresh_from_db()
    assert report.answer_way == "无需答复"


def test_overdue_and_extension(region, office_staff):
    report = make_report(region, actor=office_staff)  # due 2026-10-27
    assert not report.overdue_on(dt.date(2026, 10, 27))
    assert report.overdue_on(dt.date(2026, 10, 28))
    assert selectors.reports_filtered(office_staff, {"overdue": True}, dt.date(2026, 10, 28)).count() == 1
    with pytest.raises(ValidationError, match="晚于"):
        services.report_extend(
            report=report, until=dt.date(2026, 10, 20), reason="需外调", actor=office_staff
        )
    with pytest.raises(ValidationError, match="理由"):
        services.report_extend(report=report, until=dt.date(2026, 11, 30), reason="", actor=office_staff)
    services.report_extend(
        report=report, until=dt.date(2026, 11, 30), reason="需外调核实", actor=office_staff
    )
    report.refresh_from_db()
    assert report.due == dt.date(2026, 11, 30) and not report.overdue_on(dt.date(2026, 10, 28))
    assert selectors.reports_filtered(office_staff, {"overdue": True}, dt.date(2026, 10, 28)).count() == 0
    services.report_investigate(report=report, on=dt.date(2026, 10, 9), actor=office_staff)
    services.report_close(
        report=report,
        on=dt.date(2026, 12, 1),
        investigation="查",
        result="结",
        answer_way="书面",
        answered_on=dt.date(2026, 12, 1),
        actor=office_staff,
    )
    report.refresh_from_db()
    assert report.overdue_on(dt.date(2026, 12, 2))  # closed after its extended deadline: late
    s = selectors.statistics(region, 2026, dt.date(2026, 12, 2))
    assert (s["received"], s["closed"], s["closed_in_time"], s["overdue"]) == (1, 1, 0, 1)


def test_reporter_is_masked_without_view_reporter(region, supervisor, office_staff, monkeypatch):
    report = make_report(region, actor=office_staff)
    assert selectors.reporter(supervisor, report)["name"] == "张三丰"
    from bianzhi import roles

    monkeypatch.setitem(roles.CAPABILITIES, "view_reporter", frozenset({roles.Role.OFFICE_ADMIN}))
    shown = selectors.reporter(supervisor, report)
    assert shown == {"name": "张**", "contact": "138****5678", "masked": True}
    assert selectors.reports_filtered(supervisor, {"q": "张三丰"}).count() == 0


def test_liaison_sees_no_report(region, office_staff, liaison_a, unit_a):
    report = make_report(region, actor=office_staff, unit=unit_a)
    assert not selectors.reports_for(liaison_a).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.report_for(liaison_a, report.pk)


# ---- self-inspection ------------------------------------------------------------------------------------------


def test_self_inspection_gives_every_live_legal_unit_a_questionnaire(
    region, unit_a, unit_b, office_staff, liaison_a
):
    with pytest.raises(PermissionDenied):
        make_self_inspection(region, actor=liaison_a)
    si = make_self_inspection(region, actor=office_staff)
    assert set(si.questionnaires.values_list("unit", flat=True)) == {unit_a.pk, unit_b.pk}
    with pytest.raises(ValidationError, match="已经发起"):
        make_self_inspection(region, actor=office_staff)


def test_liaison_answers_only_their_units_questionnaire(
    region, unit_a, unit_b, office_staff, liaison_a, liaison_b
):
    si = make_self_inspection(region, actor=office_staff)
    qa = si.questionnaires.get(unit=unit_a)
    with pytest.raises(PermissionDenied):
        services.questionnaire_save(questionnaire=qa, answers=all_yes(), actor=liaison_b)
    with pytest.raises(PermissionDenied):
        services.questionnaire_attach(questionnaire=qa, upload=pdf_upload(), actor=liaison_b)
    assert list(selectors.questionnaires_for(liaison_b)) == [si.questionnaires.get(unit=unit_b)]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.questionnaire_for(liaison_b, qa.pk)
    answers = all_yes() | {"编制": (NO, "")}
    with pytest.raises(ValidationError, match="须说明"):
        services.questionnaire_save(questionnaire=qa, answers=answers, actor=liaison_a, submit=True)
    partial = {"机构": (YES, "")}
    services.questionnaire_save(questionnaire=qa, answers=partial, actor=liaison_a)
    with pytest.raises(ValidationError, match="全部"):
        services.questionnaire_save(questionnaire=qa, answers=partial, actor=liaison_a, submit=True)
    answers["编制"] = (NO, "借调人员1名占编，已于10月清退。")
    services.questionnaire_save(questionnaire=qa, answers=answers, actor=liaison_a, submit=True)
    qa.refresh_from_db()
    assert qa.status == QuestionnaireStatus.SUBMITTED and qa.submitted_by_name == "财政局联络员"
    with pytest.raises(ValidationError, match="不能再修改"):
        services.questionnaire_save(questionnaire=qa, answers=all_yes(), actor=liaison_a)
    assert selectors.questionnaire_counts(si) | {} == selectors.questionnaire_counts(si)
    assert selectors.questionnaire_counts(si)["answered"] == 1
    assert [q.unit for q in selectors.questionnaires_of(si, {"status": "未答"})] == [unit_b]


def test_review_accepts_or_returns_with_reason(region, unit_a, office_staff, supervisor, liaison_a):
    si = make_self_inspection(region, actor=office_staff)
    qa = si.questionnaires.get(unit=unit_a)
    with pytest.raises(ValidationError):  # nothing submitted yet
        services.questionnaire_review(questionnaire=qa, accept=True, actor=office_staff)
    services.questionnaire_save(questionnaire=qa, answers=all_yes(), actor=liaison_a, submit=True)
    with pytest.raises(PermissionDenied):
        services.questionnaire_review(questionnaire=qa, accept=True, actor=supervisor)
    with pytest.raises(PermissionDenied):
        services.questionnaire_review(questionnaire=qa, accept=True, actor=liaison_a)
    with pytest.raises(ValidationError, match="理由"):
        services.questionnaire_review(questionnaire=qa, accept=False, actor=office_staff)
    services.questionnaire_review(
        questionnaire=qa, accept=False, reason="实名制一项与台账不符", actor=office_staff
    )
    qa.refresh_from_db()
    assert qa.status == QuestionnaireStatus.RETURNED
    services.questionnaire_save(questionnaire=qa, answers=all_yes(), actor=liaison_a, submit=True)
    services.questionnaire_review(questionnaire=qa, accept=True, actor=office_staff)
    qa.refresh_from_db()
    assert qa.status == QuestionnaireStatus.ACCEPTED
    assert [s.action for s in qa.steps.all()] == ["提交", "退回", "提交", "审核通过"]


def test_office_fills_in_on_behalf_only_with_a_reason(region, unit_b, office_staff, liaison_a):
    si = make_self_inspection(region, actor=office_staff)
    qb = si.questionnaires.get(unit=unit_b)
    with pytest.raises(ValidationError, match="代填原因"):
        services.questionnaire_save(questionnaire=qb, answers=all_yes(), actor=office_staff, submit=True)
    with pytest.raises(PermissionDenied):  # another unit's liaison never 代填s
        services.questionnaire_save(
            questionnaire=qb, answers=all_yes(), actor=liaison_a, on_behalf_reason="代"
        )
    services.questionnaire_save(
        questionnaire=qb,
        answers=all_yes(),
        actor=office_staff,
        submit=True,
        on_behalf_reason="单位报送纸质自查表",
    )
    qb.refresh_from_db()
    assert qb.status == QuestionnaireStatus.SUBMITTED and qb.on_behalf_reason == "单位报送纸质自查表"
    assert AuditEntry.objects.filter(action="监督.代填提交自查", reason="单位报送纸质自查表").exists()


# ---- inspections, notices, 整改, 问责 ---------------------------------------------------------------------------


def test_registry_facts_are_proposed_and_decided(region, unit_a, unit_b, office_staff):
    make_person(unit_b, establishment_type="事业编制")
    over = make_unit(region, "漳县超编局", quotas={"行政编制": 1})
    make_person(over)
    from units.models import Quota

    Quota.objects.filter(unit=over).update(approved=0)  # the registry as loaded: one person over quota
    inspection = make_inspection(region, [unit_a, unit_b, over], actor=office_staff)
    proposed = list(inspection.findings.filter(status=FindingStatus.PROPOSED))
    assert [(f.unit, f.kind) for f in proposed] == [(over, "超编进人")]
    with pytest.raises(ValidationError, match="理由"):
        services.finding_decide(finding=proposed[0], confirm=False, actor=office_staff)
    services.finding_decide(finding=proposed[0], confirm=True, actor=office_staff)
    with pytest.raises(ValidationError, match="已确认"):
        services.finding_decide(finding=proposed[0], confirm=True, actor=office_staff)
    assert services.propose_registry_findings(inspection, actor=office_staff) == []  # once per inspection


def test_notice_numbers_follow_per_region_and_year(region, unit_a, unit_b, office_staff, supervisor):
    inspection = make_inspection(region, [unit_a, unit_b], actor=office_staff)
    with pytest.raises(ValidationError, match="没有已确认"):
        services.notice_issue(
            inspection=inspection,
            unit=unit_a,
            deadline=dt.date.today() + dt.timedelta(days=9),
            requirements="整改",
            actor=office_staff,
        )
    with pytest.raises(PermissionDenied):
        make_notice(inspection, unit_a, actor=supervisor)
    first = make_notice(inspection, unit_a, actor=office_staff)
    second = make_notice(inspection, unit_b, actor=office_staff)
    year = dt.date.today().year
    assert (first.number, second.number) == (f"漳编办督〔{year}〕1号", f"漳编办督〔{year}〕2号")
    assert Counter.objects.get(region=region, series="督", year=year).last == 2
    from archives.models import DedicatedEntry

    filed = DedicatedEntry.objects.filter(dedicated_file__kind="监督检查", title__contains=first.number).get()
    assert filed.attachment_name.endswith(".pdf")


def test_liaison_records_evidence_only_for_their_units_notice(
    region, unit_a, unit_b, office_staff, liaison_a, liaison_b
):
    inspection = make_inspection(region, [unit_a], actor=office_staff)
    notice = make_notice(inspection, unit_a, actor=office_staff)
    assert list(selectors.notices_for(liaison_a)) == [notice]
    assert not selectors.notices_for(liaison_b).exists()
    with pytest.raises(PermissionDenied):
        services.evidence_add(notice=notice, body="已整改", actor=liaison_b)
    with pytest.raises(ValidationError, match="尚未报送"):
        services.notice_close(notice=notice, note="同意销号", actor=office_staff)
    with pytest.raises(ValidationError, match="整改情况"):
        services.evidence_add(notice=notice, body=" ", actor=liaison_a)
    services.evidence_add(
        notice=notice, body="已撤销该内设机构。", uploads=[pdf_upload("批复.pdf")], actor=liaison_a
    )
    with pytest.raises(PermissionDenied):
        services.notice_close(notice=notice, note="同意销号", actor=liaison_a)
    services.notice_close(notice=notice, note="同意销号", actor=office_staff)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closed_on == dt.date.today()
    with pytest.raises(ValidationError, match="已销号"):
        services.evidence_add(notice=notice, body="补充", actor=liaison_a)
    with pytest.raises(ValidationError, match="理由"):
        services.notice_reopen(notice=notice, reason="", actor=office_staff)
    services.notice_reopen(notice=notice, reason="回访发现仍在运行", actor=office_staff)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN and notice.closed_on is None
    assert [s.action for s in notice.steps.all()] == ["下发", "报送整改情况", "销号", "重新整改"]


def test_accountability_cites_a_document_of_the_region(region, other_region, unit_a, office_staff):
    notice = make_notice(make_inspection(region, [unit_a], actor=office_staff), unit_a, actor=office_staff)
    foreign = make_document(other_region, "安编办发〔2026〕1号")
    with pytest.raises(ValidationError, match="本区划"):
        services.accountability_add(
            notice=notice,
            person="王某",
            measure="诫勉谈话",
            decided_on=dt.date.today(),
            document=foreign,
            actor=office_staff,
        )
    own = make_document(region, "漳纪发〔2026〕2号")
    record = services.accountability_add(
        notice=notice,
        person="王某（副局长）",
        measure="诫勉谈话",
        decided_on=dt.date.today(),
        document=own,
        actor=office_staff,
    )
    assert record.document == own
    assert AuditEntry.objects.filter(action="监督.问责").exists()


def test_year_archive_files_statistics_and_closed_reports(region, unit_a, office_staff, supervisor):
    make_report(region, actor=office_staff)
    with pytest.raises(PermissionDenied):
        services.year_archive(region=region, year=2026, actor=supervisor)
    entries = services.year_archive(region=region, year=2026, actor=office_staff)
    assert [e.title for e in entries] == ["2026年度机构编制监督检查统计表", "2026年度举报受理办结情况一览"]
    assert all(e.dedicated_file.kind == "监督检查" for e in entries)


def test_report_numbers_have_no_gaps(region, office_staff):
    numbers = [make_report(region, actor=office_staff).seq for _ in range(3)]
    assert numbers == [1, 2, 3] and Report.objects.count() == 3
    assert Notice.objects.count() == 0


def test_a_paper_self_inspection_of_last_year_may_be_recorded_but_not_in_the_future(
    region, unit_a, office_staff
):
    today = dt.date.today()
    with pytest.raises(ValidationError, match="晚于今天"):
        services.self_inspection_open(
            region=region,
            year=today.year,
            opened_on=today + dt.timedelta(days=1),
            deadline=today + dt.timedelta(days=9),
            actor=office_staff,
        )
    with pytest.raises(ValidationError, match="截止日期"):
        services.self_inspection_open(
            region=region,
            year=today.year - 1,
            opened_on=dt.date(today.year - 1, 3, 1),
            deadline=dt.date(today.year - 1, 2, 1),
            actor=office_staff,
        )
    si = services.self_inspection_open(
        region=region,
        year=today.year - 1,
        opened_on=dt.date(today.year - 1, 3, 1),
        deadline=dt.date(today.year - 1, 4, 30),
        actor=office_staff,
    )
    assert si.questionnaires.get().unit == unit_a
