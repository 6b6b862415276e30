"""代填 (issue 11 point 6): the office fills in a unit's self-check and unit report on its behalf, with a
reason (无联络员 / 纸质报送), recorded with who and when and audited; a liaison cannot 代填, the office
cannot fill in without a reason, read-only roles cannot at all; the mark shows on the unit page, the
self-check print and the unit report PDF."""

from __future__ import annotations

import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.campaign import make_campaign, walk_to
from tests.builders.registry import make_person, make_user
from verification.campaign import services as cs
from verification.campaign.models import CampaignAttachment, CampaignUnit, SelfCheckItem, Stage, UnitReport
from verification.campaign.proxy import proxy_notes, units_with_liaison

TODAY = timezone.localdate()
CLEAN = {
    "机构清": "相符",
    "编制清": "相符",
    "领导职数清": "相符",
    "实有人员清": "相符",
    "预决算差异说明": "无差异",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(office_staff, unit_a, unit_b, liaison_a):
    return make_campaign(unit_a.region, office_staff)


@pytest.fixture
def cu_a(campaign, unit_a) -> CampaignUnit:  # has a liaison (liaison_a)
    return CampaignUnit.objects.get(campaign=campaign, unit=unit_a)


@pytest.fixture
def cu_b(campaign, unit_b) -> CampaignUnit:  # no liaison
    return CampaignUnit.objects.get(campaign=campaign, unit=unit_b)


def refused(fn, match: str, **kw):
    with pytest.raises(ValidationError) as exc:
        fn(**kw)
    assert match in " ".join(exc.value.messages), exc.value.messages


def denied(fn, match: str, **kw):
    """A wrong role is refused by the permission vocabulary (PermissionDenied, issue 12 point 2)."""
    with pytest.raises(PermissionDenied) as exc:
        fn(**kw)
    assert match in str(exc.value), str(exc.value)


def audits(cu, action: str):
    return AuditEntry.objects.filter(target_id=str(cu.pk), action=action)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "print.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ---- services ----------------------------------------------------------------------------------------


def test_units_with_liaison(cu_a, cu_b, unit_a, unit_b):
    assert units_with_liaison([unit_a.pk, unit_b.pk]) == {unit_a.pk}


def test_office_answers_one_line_on_behalf(cu_b, office_staff):
    row = cs.selfcheck_answer(
        cu=cu_b,
        item="编制清",
        answer="不相符",
        text="纸质材料：少核1名",
        on_behalf_reason="无联络员",
        actor=office_staff,
    )
    assert (row.answer, row.on_behalf, row.answered_by_name) == ("不相符", True, "李编办")
    assert row.answered_at is not None
    entry = audits(cu_b, "核查.代填自查").get()
    assert entry.reason == "无联络员" and entry.after["编制清"]["on_behalf"] is True
    assert entry.actor == office_staff


def test_refusals(cu_a, cu_b, office_staff, liaison_a, supervisor, other_office_staff):
    # the office without a reason
    refused(cs.selfcheck_answer, "代填原因", cu=cu_b, item="机构清", answer="相符", actor=office_staff)
    # a liaison cannot 代填 (not even for its own unit, and not for another)
    refused(
        cs.selfcheck_answer,
        "不能代填",
        cu=cu_a,
        item="机构清",
        answer="相符",
        actor=liaison_a,
        on_behalf_reason="纸质报送",
    )
    denied(
        cs.selfcheck_answer,
        "编办工作人员",
        cu=cu_b,
        item="机构清",
        answer="相符",
        actor=liaison_a,
        on_behalf_reason="无联络员",
    )
    # read-only and other regions
    for user, match in ((supervisor, "编办工作人员"), (other_office_staff, "其他区划")):
        denied(
            cs.selfcheck_answer,
            match,
            cu=cu_b,
            item="机构清",
            answer="相符",
            actor=user,
            on_behalf_reason="无联络员",
        )
        denied(cs.selfcheck_save, "联络员", cu=cu_b, answers=CLEAN, actor=user)
    # a reason outside the list; 无联络员 for a unit that has one
    refused(
        cs.selfcheck_answer,
        "代填原因应为",
        cu=cu_b,
        item="机构清",
        answer="相符",
        actor=office_staff,
        on_behalf_reason="忙",
    )
    refused(
        cs.selfcheck_answer,
        "已有联络员",
        cu=cu_a,
        item="机构清",
        answer="相符",
        actor=office_staff,
        on_behalf_reason="无联络员",
    )
    # the office cannot submit without a reason either
    refused(cs.selfcheck_submit, "代填原因", cu=cu_b, actor=office_staff)
    assert not SelfCheckItem.objects.exclude(answer="").exists()
    assert not AuditEntry.objects.filter(action__startswith="核查.代填").exists()


def test_whole_selfcheck_on_one_call_and_submit(cu_b, office_staff):
    bad = CLEAN | {"实有人员清": "不相符"}
    refused(
        cs.selfcheck_save, "书面说明", cu=cu_b, answers=bad, actor=office_staff, on_behalf_reason="无联络员"
    )
    assert not cu_b.items.exclude(answer="").exists()  # nothing saved when one line is wrong
    answers = CLEAN | {"实有人员清": ("不相符", "借调1人未列入")}
    cu = cs.selfcheck_save(
        cu=cu_b, answers=answers, actor=office_staff, on_behalf_reason="无联络员", submit=True
    )
    cu.refresh_from_db()
    assert cu.stage == Stage.NOTICE and cu.selfcheck_on_behalf and cu.selfcheck_submitted_at
    assert all(i.on_behalf and i.answered_by_name == "李编办" for i in cu.items.all())
    assert cu.items.get(item="实有人员清").text == "借调1人未列入"
    assert audits(cu, "核查.代填自查").get().reason == "无联络员"
    assert audits(cu, "核查.代填提交").get().reason == "无联络员"
    assert audits(cu, "核查.环节流转").filter(after__stage=Stage.NOTICE).exists()
    note = proxy_notes(cu)["selfcheck"]
    assert note == f"代填（编办 李编办，{TODAY:%Y-%m-%d}，无联络员）"


def test_liaison_fills_own_selfcheck_not_marked(cu_a, liaison_a):
    cu = cs.selfcheck_save(cu=cu_a, answers=CLEAN, actor=liaison_a, submit=True)
    cu.refresh_from_db()
    assert cu.stage == Stage.NOTICE and not cu.selfcheck_on_behalf
    assert not cu.items.filter(on_behalf=True).exists()
    assert audits(cu, "核查.自查").count() == 1 and not audits(cu, "核查.代填自查").exists()
    assert proxy_notes(cu) == {"selfcheck": "", "report": ""}


def test_paper_return_of_a_unit_with_a_liaison(cu_a, office_staff, liaison_a):
    cs.selfcheck_answer(cu=cu_a, item="机构清", answer="相符", actor=liaison_a)
    cs.selfcheck_save(cu=cu_a, answers=CLEAN, actor=office_staff, on_behalf_reason="纸质报送", submit=True)
    cu_a.refresh_from_db()
    assert cu_a.selfcheck_on_behalf and cu_a.stage == Stage.NOTICE
    assert "纸质报送" in proxy_notes(cu_a)["selfcheck"]


def test_office_scans_the_paper_return(cu_b, office_staff, supervisor, liaison_a):
    scan = SimpleUploadedFile("自查表.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    item = cs.attachment_add(cu=cu_b, upload=scan, actor=office_staff)
    assert item.uploaded_by_name == "李编办" and item.visit is None
    assert audits(cu_b, "核查.附件").get().after["file"] == "自查表.pdf"
    for user, match in ((supervisor, "本单位联络员"), (liaison_a, "本单位联络员")):
        again = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        denied(cs.attachment_add, match, cu=cu_b, upload=again, actor=user)
    assert CampaignAttachment.objects.count() == 1


def test_unit_report_on_behalf(cu_a, office_staff, liaison_a, unit_a, tmp_path):
    cu = walk_to(cu_a, Stage.UPDATE, liaison=liaison_a, staff=office_staff, people=list(unit_a.people.all()))
    kw = {"cu": cu, "leader_name": "王局长", "commitment": True}
    refused(cs.unit_report_confirm, "代填原因", actor=office_staff, **kw)
    refused(cs.unit_report_confirm, "不能代填", actor=liaison_a, on_behalf_reason="纸质报送", **kw)
    assert not UnitReport.objects.exists()
    report = cs.unit_report_confirm(actor=office_staff, on_behalf_reason="纸质报送", outside_staff=2, **kw)
    assert report.on_behalf and report.confirmed_by_name == "李编办" and report.confirmed_at
    entry = audits(cu, "核查.代填报告").get()
    assert entry.reason == "纸质报送" and entry.after["on_behalf"] is True
    cu = CampaignUnit.objects.get(pk=cu.pk)
    mark = f"代填（编办 李编办，{TODAY:%Y-%m-%d}，纸质报送）"
    assert proxy_notes(cu)["report"] == mark
    from verification.campaign.prints import unit_report_pdf

    text = "".join(pdf_text(unit_report_pdf(cu, actor=office_staff), tmp_path).split())
    assert "".join(mark.split()) in text


def test_liaison_report_is_not_marked(cu_a, office_staff, liaison_a, unit_a):
    cu = walk_to(cu_a, Stage.UPDATE, liaison=liaison_a, staff=office_staff, people=list(unit_a.people.all()))
    report = cs.unit_report_confirm(cu=cu, leader_name="王局长", commitment=True, actor=liaison_a)
    assert not report.on_behalf
    assert audits(cu, "核查.单位报告").exists() and not audits(cu, "核查.代填报告").exists()


# ---- views -------------------------------------------------------------------------------------------


def test_selfcheck_page_permissions(client, cu_a, cu_b, liaison_a, liaison_b, supervisor):
    url = reverse("verification:cu_selfcheck", args=[cu_b.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(liaison_a)  # another unit's liaison
    assert client.get(url).status_code == 404
    assert client.get(reverse("verification:cu_selfcheck_pdf", args=[cu_b.pk])).status_code == 404
    client.force_login(liaison_b)  # the unit's own liaison: the same one form, without 代填原因
    page = client.get(url).content.decode()
    assert 'name="answer_机构清"' in page and 'name="on_behalf_reason"' not in page
    client.force_login(supervisor)  # read-only
    assert client.get(url).status_code == 403
    r = client.post(url, {"answer_机构清": "相符", "on_behalf_reason": "纸质报送", "submit": "1"})
    assert r.status_code == 403
    assert not SelfCheckItem.objects.exclude(answer="").exists()


def test_office_fills_the_whole_page_and_the_mark_shows(client, cu_b, office_staff, tmp_path):
    client.force_login(office_staff)
    url = reverse("verification:cu_selfcheck", args=[cu_b.pk])
    page = client.get(url).content.decode()
    assert "尚无联络员" in page and 'name="answer_预决算差异说明"' in page
    data = {f"answer_{k}": v for k, v in CLEAN.items()} | {"submit": "1"}
    r = client.post(url, data)  # no reason
    assert r.status_code == 200 and "代填原因" in r.content.decode()
    assert CampaignUnit.objects.get(pk=cu_b.pk).stage == Stage.SELF_CHECK
    r = client.post(url, data | {"on_behalf_reason": "无联络员"})
    assert r.status_code == 302
    cu = CampaignUnit.objects.get(pk=cu_b.pk)
    assert cu.stage == Stage.NOTICE and cu.selfcheck_on_behalf
    assert audits(cu, "核查.代填提交").get().actor == office_staff
    mark = f"代填（编办 李编办，{TODAY:%Y-%m-%d}，无联络员）"
    assert mark in client.get(reverse("verification:cu_detail", args=[cu.pk])).content.decode()
    r = client.get(reverse("verification:cu_selfcheck_pdf", args=[cu.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = "".join(pdf_text(r.content, tmp_path).split())
    assert "".join(mark.split()) in text and "编办代填" in text
    assert AuditEntry.objects.filter(action="核查.打印自查表", target_id=str(cu.pk)).exists()


def test_unit_page_answer_on_behalf_through_the_action(client, cu_b, office_staff):
    client.force_login(office_staff)
    url = reverse("verification:cu_selfcheck", args=[cu_b.pk])
    client.post(url, {"answer_机构清": "相符", "on_behalf_reason": "无联络员", "submit": "0"})
    row = cu_b.items.get(item="机构清")
    assert row.answer == "相符" and row.on_behalf
    page = client.get(reverse("verification:cu_detail", args=[cu_b.pk])).content.decode()
    assert "（代填）" in page and "编办代填自查（整页填写）" in page


def test_other_region_office_gets_404(client, cu_b, region):
    from tests.builders.registry import make_region

    other = make_region("621126", "岷县")
    stranger = make_user("staff_minxian", Role.OFFICE_STAFF, regions=[other])
    client.force_login(stranger)
    assert client.get(reverse("verification:cu_selfcheck", args=[cu_b.pk])).status_code == 404


def test_unit_report_names_a_proposals_field_in_chinese(cu_a, office_staff, liaison_a, unit_a, tmp_path):
    """Issue 12 point 7: a correction of a person's "education" prints as 学历, never the code name."""
    person = make_person(unit_a, actor=office_staff, education="大专")
    cu = walk_to(cu_a, Stage.UPDATE, liaison=liaison_a, staff=office_staff, people=[person])
    cs.proposal_create(
        cu=cu,
        kind="人员",
        target="education",
        proposed_value="大学本科",
        reason="学历信息有误",
        person=person,
        actor=liaison_a,
    )
    cs.unit_report_confirm(cu=cu, leader_name="王局长", commitment=True, actor=liaison_a)
    from verification.campaign.prints import unit_report_pdf

    text = pdf_text(unit_report_pdf(CampaignUnit.objects.get(pk=cu.pk), actor=office_staff), tmp_path)
    assert "学历" in text and "大学本科" in text
    assert "education" not in text
