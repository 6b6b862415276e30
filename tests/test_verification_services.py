"""The comparison's web-side services: partner uploads, runs, answers, decisions (who may, what is kept)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.findings import PDF, csv_upload, finance_rows, run_finance
from tests.builders.registry import make_person, make_unit, make_user
from units.models import UnitAlias
from units.services import unit_alias_add
from verification.findings.models import Finding, FindingStatus, PartnerUpload, UploadStatus
from verification.findings.services import (
    comparison_run,
    finding_answer,
    finding_decide,
    partner_upload,
    unmatched_alias_add,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def partner_si(region):
    user = make_user("partner_si", Role.PARTNER, regions=[region], full_name="人社经办")
    user.profile.department = "漳县人力资源和社会保障局"
    user.profile.save()
    return user


def si_rows(people, status="参保缴费"):
    return [
        {"姓名": p.name, "公民身份号码": p.id_number, "参保单位名称": p.unit.name, "参保状态": status}
        for p in people
    ]


# ---- uploads -----------------------------------------------------------------------------------------


def test_valid_upload_is_kept_and_replaces_the_previous_one(region, unit_a, office_staff):
    person = make_person(unit_a)
    first = partner_upload(
        region=region,
        source="finance",
        upload=csv_upload("finance", finance_rows([person])),
        actor=office_staff,
    )
    assert first.status == UploadStatus.VALID and first.rows_read == 1 and len(first.sha256) == 64
    assert first.preview["header"][:2] == ["姓名", "公民身份号码"]
    assert first.preview["rows"][0][:3] == [2, person.name, person.id_number]
    second = partner_upload(
        region=region,
        source="finance",
        upload=csv_upload("finance", finance_rows([person])),
        actor=office_staff,
    )
    first.refresh_from_db()
    assert first.status == UploadStatus.REPLACED and second.status == UploadStatus.VALID
    entry = AuditEntry.objects.filter(action="比对数据.上传").first()
    assert entry.actor == office_staff and entry.after["rows"] == 1


def test_rows_with_errors_are_kept_as_invalid_and_never_used(region, unit_a, office_staff):
    person = make_person(unit_a)
    rows = si_rows([person]) + [{"姓名": "", "公民身份号码": "1", "参保单位名称": "x", "参保状态": "在缴"}]
    upload = partner_upload(region=region, source="si", upload=csv_upload("si", rows), actor=office_staff)
    assert upload.status == UploadStatus.INVALID
    assert ["Sheet1", 3, "姓名", "不能为空"] in upload.errors
    assert any(e[2] == "参保状态" and "在缴" in e[3] for e in upload.errors)
    with pytest.raises(ValidationError, match="尚无有效的部门数据"):
        comparison_run(region=region, actor=office_staff)


def test_missing_header_is_an_error_on_row_1(region, office_staff):
    data = "姓名,公民身份号码\n张三,1\n".encode()
    upload = partner_upload(
        region=region, source="finance", upload=SimpleUploadedFile("f.csv", data), actor=office_staff
    )
    assert upload.status == UploadStatus.INVALID
    assert upload.errors == [["Sheet1", 1, "单位名称", "缺少必填列"]]


def test_unreadable_or_too_large_file_is_refused_and_not_kept(region, office_staff, settings):
    with pytest.raises(ValidationError, match="不是有效的 .xlsx 工作簿"):
        partner_upload(
            region=region, source="org", upload=SimpleUploadedFile("f.xlsx", b"hello"), actor=office_staff
        )
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="文件过大"):
        partner_upload(region=region, source="org", upload=csv_upload("org", []), actor=office_staff)
    assert not PartnerUpload.objects.exists()


def test_partner_clerk_uploads_only_their_departments_source(region, other_region, partner_si, partner_clerk):
    upload = partner_upload(region=region, source="si", upload=csv_upload("si", []), actor=partner_si)
    assert upload.uploaded_by == partner_si
    with pytest.raises(ValidationError, match="本部门"):
        partner_upload(region=region, source="finance", upload=csv_upload("finance", []), actor=partner_si)
    with pytest.raises(ValidationError, match="该区划"):
        partner_upload(region=other_region, source="si", upload=csv_upload("si", []), actor=partner_si)
    with pytest.raises(ValidationError):  # a partner whose department maps to no source
        partner_upload(region=region, source="si", upload=csv_upload("si", []), actor=partner_clerk)


def test_supervisor_and_liaison_neither_upload_nor_run(region, supervisor, liaison_a, office_staff):
    # a wrong role is refused as a permission (bianzhi.roles), stricter than the former ValidationError
    for actor in (supervisor, liaison_a):
        with pytest.raises(PermissionDenied, match="编办管理员和工作人员"):
            partner_upload(region=region, source="si", upload=csv_upload("si", []), actor=actor)
    partner_upload(region=region, source="si", upload=csv_upload("si", []), actor=office_staff)
    for actor in (supervisor, liaison_a):
        with pytest.raises(PermissionDenied, match="编办管理员和工作人员"):
            comparison_run(region=region, actor=actor)


# ---- runs --------------------------------------------------------------------------------------------


def test_rerun_marks_new_still_open_and_gone(region, unit_a, unit_b, office_staff):
    p1, p2 = make_person(unit_a), make_person(unit_b)
    run1 = run_finance(region, office_staff)
    assert (run1.finding_count, run1.new_count, run1.gone_count) == (2, 2, 0)
    stranger = {
        "姓名": "王某",
        "公民身份号码": make_id("621125", dt.date(1985, 1, 1), 77),
        "单位名称": unit_a.name,
    }
    run2 = run_finance(region, office_staff, people=[p1], extra_rows=[stranger])
    assert (run2.new_count, run2.gone_count) == (1, 1)
    gone = Finding.objects.get(code="REG_NOT_IN_FIN", id_number=p1.id_number)
    still = Finding.objects.get(code="REG_NOT_IN_FIN", id_number=p2.id_number)
    new = Finding.objects.get(code="FIN_NOT_IN_REG")
    assert gone.last_run == run1 and still.first_run == run1 and still.last_run == run2
    assert new.first_run == run2
    assert run2.counts["by_code"] == {"REG_NOT_IN_FIN": 1, "FIN_NOT_IN_REG": 1}
    assert run2.result_file.name.endswith(".xlsx")
    with run2.result_file.open("rb") as handle:
        sheets = CalamineWorkbook.from_filelike(handle).sheet_names
    assert (
        sheets[:2] == ["问题清单", "比对概况"] and "附件2 行政机构" in sheets and "附件5 军转干部" in sheets
    )
    assert AuditEntry.objects.filter(action="比对.运行").count() == 2


def test_unmatched_units_get_suggestions_and_an_alias_clears_them(region, unit_a, office_staff):
    person = make_person(unit_a)
    rows = [{"姓名": person.name, "公民身份号码": person.id_number, "单位名称": "县财政局"}]
    run = run_finance(region, office_staff, extra_rows=rows)
    assert Finding.objects.filter(code="UNIT_UNKNOWN", last_run=run).count() == 1
    name, _credit, n, suggestions = run.unmatched["finance"][0]
    assert (name, n, suggestions[0]) == ("县财政局", 1, unit_a.pk)
    unit_alias_add(unit=unit_a, name="县财政局", actor=office_staff)
    run2 = comparison_run(region=region, actor=office_staff)
    assert not Finding.objects.filter(code="UNIT_UNKNOWN", last_run=run2).exists()
    assert run2.unmatched["finance"] == []


def test_an_unmatched_name_becomes_an_alias_only_by_the_office_and_only_if_unmatched(
    region, other_region, unit_a, office_staff, supervisor
):
    person = make_person(unit_a)
    rows = [{"姓名": person.name, "公民身份号码": person.id_number, "单位名称": "县财政局"}]
    run = run_finance(region, office_staff, extra_rows=rows)
    args = {"run": run, "source": "finance", "name": "县财政局", "unit": unit_a}
    with pytest.raises(PermissionDenied):
        unmatched_alias_add(**args, actor=supervisor)
    with pytest.raises(ValidationError, match="未匹配单位"):
        unmatched_alias_add(**args | {"name": "别的名字"}, actor=office_staff)
    with pytest.raises(ValidationError, match="本区划"):
        unmatched_alias_add(**args | {"unit": make_unit(other_region, "安定区财政局")}, actor=office_staff)
    assert not UnitAlias.objects.exists()
    unmatched_alias_add(**args, actor=office_staff)
    assert UnitAlias.objects.get().unit == unit_a
    entry = AuditEntry.objects.get(action="机构.添加其他名称")
    assert entry.actor == office_staff and "未匹配单位" in entry.reason


# ---- answers and decisions ---------------------------------------------------------------------------


@pytest.fixture
def finding(region, unit_a, office_staff):
    make_person(unit_a)
    run_finance(region, office_staff)
    return Finding.objects.get(code="REG_NOT_IN_FIN")


def test_liaison_answers_with_an_attachment(finding, liaison_a):
    answer = finding_answer(
        finding=finding, text="已在财政补录", files=[SimpleUploadedFile("批复.pdf", PDF)], actor=liaison_a
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED
    item = answer.attachments.get()
    assert item.content_type == "application/pdf" and item.size == len(PDF) and len(item.sha256) == 64
    assert AuditEntry.objects.filter(action="比对问题.答复", actor=liaison_a).exists()
    assert [e.to_status for e in finding.events.all()] == ["已说明"]


def test_a_pdf_that_is_text_is_refused(finding, liaison_a):
    with pytest.raises(ValidationError, match="不符"):
        finding_answer(
            finding=finding, text="说明", files=[SimpleUploadedFile("a.pdf", b"just text")], actor=liaison_a
        )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and not finding.answers.exists()


def test_only_the_units_liaison_answers(finding, liaison_b, office_staff, partner_si):
    with pytest.raises(PermissionDenied, match="联络员"):  # not one who answers: a permission (bianzhi.roles)
        finding_answer(finding=finding, text="说明", actor=office_staff)
    with pytest.raises(ValidationError, match="本部门"):  # a partner clerk, but not this finding's source
        finding_answer(finding=finding, text="说明", actor=partner_si)
    with pytest.raises(ValidationError, match="该单位的联络员"):  # another unit's liaison
        finding_answer(finding=finding, text="说明", actor=liaison_b)


def test_office_accepts_or_returns(finding, liaison_a, office_staff):
    finding_answer(finding=finding, text="第一次说明", actor=liaison_a)
    with pytest.raises(ValidationError, match="退回时请填写意见"):
        finding_decide(finding=finding, accept=False, note=" ", actor=office_staff)
    finding = finding_decide(finding=finding, accept=False, note="请附财政批复", actor=office_staff)
    assert finding.status == FindingStatus.OPEN
    first = finding.answers.get()
    assert (
        first.decision == "退回"
        and first.decision_note == "请附财政批复"
        and first.decided_by == office_staff
    )
    finding_answer(finding=finding, text="附批复", files=[SimpleUploadedFile("p.pdf", PDF)], actor=liaison_a)
    finding = finding_decide(
        finding=finding, accept=True, outcome=FindingStatus.UNFOUNDED, note="", actor=office_staff
    )
    assert finding.status == FindingStatus.UNFOUNDED
    assert finding.answers.last().decision_status == "不属实"
    assert AuditEntry.objects.filter(action="比对问题.审核").count() == 2


def test_liaisons_partners_and_supervisors_never_decide(finding, liaison_a, supervisor, partner_si):
    finding_answer(finding=finding, text="说明", actor=liaison_a)
    for actor in (liaison_a, supervisor, partner_si):
        with pytest.raises(PermissionDenied, match="编办管理员和工作人员"):
            finding_decide(finding=finding, accept=True, actor=actor)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED
