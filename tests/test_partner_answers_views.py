"""The partner clerk's answer on the finding's page (issue 16 point 4): the four access cases, the answer
kept with its attachment and audited, and the office's decision screen naming who answered."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.findings import PDF, run_finance
from tests.builders.registry import make_person, make_user
from verification.findings.models import Finding, FindingAnswer, FindingStatus
from verification.findings.services import finding_answer


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def clerk(username: str, department: str, regions):
    user = make_user(username, Role.PARTNER, regions=regions, full_name=f"{department}经办")
    user.profile.department = department
    user.profile.save()
    return user


@pytest.fixture
def partner_fin(region):
    return clerk("partner_fin", "漳县财政局", [region])


@pytest.fixture
def finding(region, unit_a, office_staff):
    make_person(unit_a, name="赵缺席")  # REG_NOT_IN_FIN: the liaison's to answer
    extra = {"姓名": "孙多出", "公民身份号码": "621125198001010012", "单位名称": unit_a.name}
    run_finance(region, office_staff, extra_rows=[extra])
    return Finding.objects.get(code="FIN_NOT_IN_REG")


def answer_url(finding) -> str:
    return reverse("verification:finding_answer", args=[finding.pk])


def detail_url(finding) -> str:
    return reverse("verification:finding_detail", args=[finding.pk])


def test_anonymous_goes_to_login(client, finding):
    for response in (client.get(detail_url(finding)), client.post(answer_url(finding), {"text": "x"})):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_source_or_region_gets_404(client, region, other_region, finding):
    for user in (
        clerk("partner_si", "漳县人社局", [region]),
        clerk("partner_far", "安定区财政局", [other_region]),
    ):
        client.force_login(user)
        assert client.get(detail_url(finding)).status_code == 404
        assert client.post(answer_url(finding), {"text": "说明"}).status_code == 404
    assert not FindingAnswer.objects.exists()


def test_office_and_supervisor_are_refused_403(client, finding, office_staff, supervisor):
    for user in (office_staff, supervisor):
        client.force_login(user)
        response = client.post(answer_url(finding), {"text": "说明"})
        assert response.status_code == 403
        assert "联络员或报送数据的协作部门经办人" in response.content.decode()
    assert not FindingAnswer.objects.exists()


def test_partner_answers_with_an_attachment_and_the_office_sees_who(
    client, finding, partner_fin, office_staff
):
    client.force_login(partner_fin)
    page = client.get(detail_url(finding)).content.decode()
    assert "提交答复" in page and "已整改（已更正本方数据）" in page
    response = client.post(
        answer_url(finding),
        {"kind": "已整改", "text": "已从供养名单删除", "files": [SimpleUploadedFile("删除文件.pdf", PDF)]},
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED
    answer = finding.answers.get()
    assert (answer.kind, answer.author_role, answer.author) == ("已整改", "财政部门经办人", partner_fin)
    attachment = answer.attachments.get()
    assert AuditEntry.objects.filter(action="比对问题.答复", actor=partner_fin).exists()
    page = client.get(detail_url(finding)).content.decode()
    assert "财政部门经办人" in page and "提交答复" not in page  # answered: no second form
    download = client.get(reverse("verification:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    client.force_login(office_staff)
    page = client.get(detail_url(finding)).content.decode()
    assert "待审核的答复：漳县财政局经办（财政部门经办人）报告已整改" in page
    assert 'value="已整改" required id="id_decision_0" checked' in page  # the correction proposes 已整改
    response = client.post(
        reverse("verification:finding_decide", args=[finding.pk]), {"decision": "已整改", "note": ""}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FIXED
    assert AuditEntry.objects.filter(action="比对问题.审核", actor=office_staff).exists()


def test_a_bad_answer_is_shown_again_with_its_error(client, finding, partner_fin):
    client.force_login(partner_fin)
    response = client.post(
        answer_url(finding), {"kind": "说明", "text": "说明", "files": [SimpleUploadedFile("a.pdf", b"text")]}
    )
    assert response.status_code == 400 and "不符" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN and not finding.answers.exists()


def test_the_liaisons_answer_is_named_as_the_units(client, finding, liaison_a, office_staff):
    missing = Finding.objects.get(code="REG_NOT_IN_FIN")
    finding_answer(finding=missing, text="单位已报", actor=liaison_a)
    client.force_login(office_staff)
    page = client.get(detail_url(missing)).content.decode()
    assert "待审核的答复：财政局联络员（单位联络员）情况说明" in page


def test_partner_home_page_leads_to_the_findings(client, partner_fin):
    client.force_login(partner_fin)
    page = client.get(reverse("units:dashboard")).content.decode()
    assert reverse("verification:finding_list") in page and "报告已整改" in page
