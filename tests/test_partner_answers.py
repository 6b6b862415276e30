"""A partner department answers the findings on its own data (issue 16 point 4): an explanation or a
correction reported (已整改), with attachments; the answer names who gave it (财政部门经办人 vs 单位联络员)
and the office decides as with a liaison's. Never a finding the clerk does not see: another source's, a
confidential unit's, another region's, or a register person their data lacks until the office shares it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.findings import PDF, run_finance
from tests.builders.registry import make_person, make_unit, make_user
from verification.findings import selectors
from verification.findings.models import Finding, FindingStatus
from verification.findings.services import finding_answer, finding_decide, finding_share


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def clerk(username: str, department: str, regions) -> object:
    user = make_user(username, Role.PARTNER, regions=regions, full_name=f"{department}经办")
    user.profile.department = department
    user.profile.save()
    return user


@pytest.fixture
def partner_fin(region):
    return clerk("partner_fin", "漳县财政局", [region])


@pytest.fixture
def findings(region, unit_a, office_staff):
    secret = make_unit(region, "漳县保密局", is_confidential=True)
    missing = make_person(unit_a, name="赵缺席")
    in_secret = make_person(secret, name="钱保密")
    rows = [
        {"姓名": "孙多出", "公民身份号码": "621125198001010012", "单位名称": unit_a.name},
        {"姓名": in_secret.name, "公民身份号码": in_secret.id_number, "单位名称": unit_a.name},
    ]
    run_finance(region, office_staff, extra_rows=rows)
    return {
        "theirs": Finding.objects.get(code="FIN_NOT_IN_REG"),
        "missing": Finding.objects.get(code="REG_NOT_IN_FIN", id_number=missing.id_number),
        "secret": Finding.objects.get(code="FIN_UNIT_MISMATCH", id_number=in_secret.id_number),
    }


def test_partner_reports_a_correction_with_an_attachment(findings, partner_fin):
    finding = findings["theirs"]
    answer = finding_answer(
        finding=finding,
        kind="已整改",
        text="已从财政供养名单中删除",
        files=[SimpleUploadedFile("删除说明.pdf", PDF)],
        actor=partner_fin,
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED
    assert (answer.kind, answer.author_role, answer.role_label) == (
        "已整改",
        "财政部门经办人",
        "财政部门经办人",
    )
    assert answer.author == partner_fin and answer.attachments.get().content_type == "application/pdf"
    entry = AuditEntry.objects.get(action="比对问题.答复")
    assert (
        entry.actor == partner_fin
        and entry.after["kind"] == "已整改"
        and entry.after["role"] == "财政部门经办人"
    )
    assert [e.to_status for e in finding.events.all()] == ["已说明"]


def test_the_office_decides_on_a_partners_answer(findings, partner_fin, office_staff):
    finding = findings["theirs"]
    finding_answer(finding=finding, text="此人为临时聘用，已核减", actor=partner_fin)
    finding = finding_decide(finding=finding, accept=False, note="请附核减文件", actor=office_staff)
    assert finding.status == FindingStatus.OPEN
    finding_answer(
        finding=finding,
        kind="已整改",
        text="附文件",
        files=[SimpleUploadedFile("p.pdf", PDF)],
        actor=partner_fin,
    )
    assert selectors.pending_answer(finding).kind == "已整改"
    finding = finding_decide(finding=finding, accept=True, outcome=FindingStatus.FIXED, actor=office_staff)
    assert finding.status == FindingStatus.FIXED
    first, second = finding.answers.all()
    assert (first.decision, second.decision, second.decision_status) == ("退回", "接受", "已整改")
    assert selectors.pending_answer(finding) is None
    with pytest.raises(PermissionDenied):  # partners never decide
        finding_decide(finding=finding, accept=False, note="x", actor=partner_fin)


def test_only_findings_the_clerk_sees(region, other_region, findings, partner_fin, office_staff):
    partner_si = clerk("partner_si", "漳县人力资源和社会保障局", [region])
    partner_far = clerk("partner_far", "安定区财政局", [other_region])
    for actor in (partner_si, partner_far):  # another source, another region
        with pytest.raises(ValidationError, match="本部门"):
            finding_answer(finding=findings["theirs"], text="说明", actor=actor)
    with pytest.raises(ValidationError, match="本部门"):  # a confidential unit's finding is never theirs
        finding_answer(finding=findings["secret"], text="说明", actor=partner_fin)
    with pytest.raises(ValidationError, match="本部门"):  # a register person their data lacks: not yet shared
        finding_answer(finding=findings["missing"], text="说明", actor=partner_fin)
    finding_share(finding=findings["missing"], actor=office_staff)
    answer = finding_answer(finding=findings["missing"], text="已补录", actor=partner_fin)
    assert answer.author_role == "财政部门经办人"
    assert not Finding.objects.filter(pk=findings["theirs"].pk, status=FindingStatus.EXPLAINED).exists()


def test_roles_that_never_answer_and_bad_input(findings, partner_fin, office_staff, supervisor):
    for actor in (office_staff, supervisor):
        with pytest.raises(PermissionDenied, match="联络员或报送数据的协作部门经办人"):
            finding_answer(finding=findings["theirs"], text="说明", actor=actor)
    with pytest.raises(ValidationError, match="答复类型"):
        finding_answer(finding=findings["theirs"], kind="已解决", text="说明", actor=partner_fin)
    with pytest.raises(ValidationError, match="请填写说明"):
        finding_answer(finding=findings["theirs"], text=" ", actor=partner_fin)
    assert not findings["theirs"].answers.exists()


def test_liaison_and_partner_answer_one_at_a_time(findings, unit_a, partner_fin, liaison_a):
    """A finding on a unit's person in the partner's data is the liaison's and the partner's: the first
    answer moves it to 已说明; the other waits for the office's decision."""
    shared = findings["missing"]
    finding_share(finding=shared, actor=None)
    answer = finding_answer(finding=shared, text="单位已报财政", actor=liaison_a)
    assert answer.author_role == "单位联络员"
    with pytest.raises(ValidationError, match="不能从“已说明”"):
        finding_answer(finding=shared, text="财政已补录", actor=partner_fin)
    assert selectors.answer_role(partner_fin, shared) == "财政部门经办人"
    assert not selectors.may_answer(partner_fin, Finding.objects.get(pk=shared.pk))
