"""The verification campaign's services: set-up and snapshot, each stage transition's refusals and happy
path, the notice's working days, the on-site proposal and the reproducible sample draw."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.campaign import CUTOFF, answer_all, compare, make_campaign, open_windows, walk_to
from tests.builders.registry import make_document, make_person, make_unit, make_user
from units import services as unit_services
from units.choices import Nature
from units.models import Quota
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import (
    CampaignKind,
    CampaignUnit,
    CorrectionProposal,
    SampleDraw,
    Stage,
    StageTransition,
    VisitKind,
)
from verification.campaign.services.common import _move


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(office_staff, unit_a, unit_b):
    return make_campaign(unit_a.region, office_staff)


def cu_of(campaign, unit) -> CampaignUnit:
    return CampaignUnit.objects.get(campaign=campaign, unit=unit)


def refused(fn, match: str, **kw):
    with pytest.raises(ValidationError) as exc:
        fn(**kw)
    assert match in " ".join(exc.value.messages), exc.value.messages
    return exc


def denied(fn, match: str, **kw):
    """A wrong role is refused by the permission vocabulary (PermissionDenied, issue 12 point 2)."""
    with pytest.raises(PermissionDenied) as exc:
        fn(**kw)
    assert match in str(exc.value), str(exc.value)
    return exc


# ---- set-up ------------------------------------------------------------------------------------------


def test_create_snapshots_every_unit_in_scope_with_working_group(campaign, unit_a, unit_b):
    assert campaign.units.count() == 2
    assert campaign.members.count() == 12
    assert campaign.members.first().name == "成和平"
    cu = cu_of(campaign, unit_a)
    assert cu.stage == Stage.SELF_CHECK
    assert cu.snapshot["quotas"] == {"行政编制": 5, "工勤编制": 1}
    assert cu.snapshot["posts"]["单位副职"] == 2
    assert cu.items.count() == 5
    assert cu.transitions.get().to_stage == Stage.SELF_CHECK
    assert AuditEntry.objects.filter(action="核查.创建").count() == 1


def test_snapshot_is_as_of_cutoff_and_unaffected_by_later_changes(office_staff, unit_a):
    early = make_person(unit_a, name="早入编", entered_on=dt.date(2015, 7, 1))
    make_person(unit_a, name="晚入编", entered_on=timezone.localdate())  # after the cut-off
    doc = make_document(unit_a.region, issued_on=dt.date(2022, 3, 1))
    unit_services.quota_set(
        unit=unit_a, establishment_type="行政编制", approved=9, document=doc, actor=office_staff
    )
    campaign = make_campaign(unit_a.region, office_staff)
    snap = cu_of(campaign, unit_a).snapshot
    assert snap["quotas"]["行政编制"] == 5  # the 2022 change is rolled back
    assert [p[0] for p in snap["people"]] == ["早入编"]
    assert "id_number" not in str(snap) and early.id_number not in str(snap)
    unit_services.quota_set(
        unit=unit_a, establishment_type="行政编制", approved=3, document=doc, actor=office_staff
    )
    unit_services.person_leave(
        person=early, left_on=timezone.localdate(), leave_reason="退休", actor=office_staff
    )
    assert cu_of(campaign, unit_a).snapshot == snap


def test_scope_by_nature(office_staff, unit_a, unit_b):
    campaign = make_campaign(unit_a.region, office_staff, natures=[Nature.PUBLIC_INSTITUTION])
    assert list(campaign.units.values_list("unit_id", flat=True)) == [unit_b.pk]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"onsite_ratio": Decimal("0.2")}, "不得低于30%"),
        ({"sample_ratio": Decimal("0.04")}, "不得低于5%"),
        ({"name": ""}, "名称"),
        ({"windows": {}}, "起止日期"),
        ({"townships": ["某乡"]}, "没有单位"),
    ],
)
def test_create_refusals(office_staff, unit_a, kw, message):
    refused(make_campaign, message, region=unit_a.region, actor=office_staff, **kw)
    assert not CampaignUnit.objects.exists()


def test_create_refused_for_supervisor_and_liaison(supervisor, liaison_a, unit_a):
    for user in (supervisor, liaison_a):
        denied(make_campaign, "编办工作人员", region=unit_a.region, actor=user)


def test_same_name_twice_refused(campaign, office_staff, unit_a):
    refused(make_campaign, "同名", region=unit_a.region, actor=office_staff)


# ---- stage 1 -----------------------------------------------------------------------------------------


def test_submit_locked_until_every_item_answered(campaign, unit_a, liaison_a):
    cu = cu_of(campaign, unit_a)
    cs.selfcheck_answer(cu=cu, item="机构清", answer="相符", actor=liaison_a)
    refused(cs.selfcheck_submit, "尚未填写", cu=cu, actor=liaison_a)
    assert cu_of(campaign, unit_a).stage == Stage.SELF_CHECK


def test_difference_needs_written_explanation(campaign, unit_a, liaison_a):
    cu = cu_of(campaign, unit_a)
    refused(cs.selfcheck_answer, "书面说明", cu=cu, item="预决算差异说明", answer="有差异", actor=liaison_a)
    item = cs.selfcheck_answer(
        cu=cu, item="预决算差异说明", answer="有差异", text="预算含编外2人", actor=liaison_a
    )
    assert item.answered


def test_selfcheck_happy_path_and_twice(campaign, unit_a, liaison_a):
    cu = cu_of(campaign, unit_a)
    answer_all(cu, liaison_a)
    cs.selfcheck_submit(cu=cu, actor=liaison_a)
    cu.refresh_from_db()
    assert cu.stage == Stage.NOTICE and cu.selfcheck_submitted_at
    t = cu.transitions.last()
    assert (t.from_stage, t.to_stage, t.actor) == (Stage.SELF_CHECK, Stage.NOTICE, liaison_a)
    assert AuditEntry.objects.filter(action="核查.环节流转", target_id=str(cu.pk)).exists()
    refused(cs.selfcheck_submit, "当前处于“群众监督”", cu=cu, actor=liaison_a)
    refused(cs.selfcheck_answer, "当前处于", cu=cu, item="机构清", answer="相符", actor=liaison_a)


def test_other_units_liaison_and_office_cannot_answer(campaign, unit_a, liaison_b, office_staff, supervisor):
    cu = cu_of(campaign, unit_a)
    for user in (liaison_b, supervisor):
        denied(cs.selfcheck_answer, "联络员", cu=cu, item="机构清", answer="相符", actor=user)
    refused(cs.selfcheck_answer, "代填原因", cu=cu, item="机构清", answer="相符", actor=office_staff)


def test_window_closed_refused(campaign, unit_a, liaison_a, office_staff):
    cu = cu_of(campaign, unit_a)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = sel.window(campaign, Stage.SELF_CHECK).starts_on
    cs.window_set(
        campaign=campaign,
        stage=Stage.SELF_CHECK,
        starts_on=start,
        ends_on=yesterday,
        actor=office_staff,
        reason="测试",
    )
    refused(cs.selfcheck_answer, "已于", cu=cu, item="机构清", answer="相符", actor=liaison_a)
    assert not cu.items.exclude(answer="").exists()


def test_proposal_adopted_through_services(campaign, unit_a, liaison_a, office_staff):
    cu = cu_of(campaign, unit_a)
    p = cs.proposal_create(
        cu=cu,
        kind="编制",
        target="行政编制",
        proposed_value="6",
        reason="漳编发〔2021〕3号已增编",
        actor=liaison_a,
    )
    assert p.current_value == "5"
    denied(cs.proposal_decide, "编办工作人员", proposal=p, accept=True, actor=liaison_a)
    refused(
        cs.proposal_decide, "文件", proposal=p, accept=True, actor=office_staff
    )  # quota_set needs a Document
    assert Quota.objects.get(unit=unit_a, establishment_type="行政编制").approved == 5
    doc = make_document(unit_a.region)
    cs.proposal_decide(proposal=p, accept=True, actor=office_staff, document=doc)
    assert Quota.objects.get(unit=unit_a, establishment_type="行政编制").approved == 6
    assert AuditEntry.objects.filter(action="编制.调整", reason__contains="核查更正").exists()
    refused(cs.proposal_decide, "不能重复审核", proposal=p, accept=False, note="x", actor=office_staff)


def test_person_proposal_and_decline_needs_note(campaign, unit_a, liaison_a, office_staff):
    person = make_person(unit_a, name="李四")
    cu = cu_of(campaign, unit_a)
    p = cs.proposal_create(
        cu=cu,
        kind="人员",
        person=person,
        target="title",
        proposed_value="科员",
        reason="职务有误",
        actor=liaison_a,
    )
    refused(cs.proposal_decide, "审核意见", proposal=p, accept=False, actor=office_staff)
    cs.proposal_decide(proposal=p, accept=True, actor=office_staff)
    person.refresh_from_db()
    assert person.title == "科员"
    assert p.__class__.objects.get(pk=p.pk).status == "已采纳"


def test_proposal_refuses_other_units_person(campaign, unit_a, unit_b, liaison_a):
    other = make_person(unit_b)
    refused(
        cs.proposal_create,
        "本单位",
        cu=cu_of(campaign, unit_a),
        kind="人员",
        person=other,
        target="title",
        proposed_value="x",
        reason="y",
        actor=liaison_a,
    )
    assert not CorrectionProposal.objects.exists()


# ---- stage 2 -----------------------------------------------------------------------------------------


def test_notice_ends_after_national_day_week(campaign, unit_a, liaison_a, office_staff):
    cu = walk_to(cu_of(campaign, unit_a), Stage.NOTICE, liaison=liaison_a, staff=office_staff)
    notice = cs.notice_post(cu=cu, posted_on=dt.date(2021, 9, 30), actor=liaison_a)
    # 5 full working days after the posting day: 10月8日, 9日 (调休), 11日, 12日, 13日
    assert notice.ends_on == dt.date(2021, 10, 13)
    assert notice.remove_by == dt.date(2021, 10, 14)
    refused(cs.notice_post, "重复", cu=cu, posted_on=dt.date(2021, 9, 30), actor=liaison_a)
    refused(cs.notice_finish, "尚未撤除", cu=cu, actor=liaison_a)
    refused(cs.notice_remove, "期满后", cu=cu, removed_on=dt.date(2021, 10, 12), actor=liaison_a)
    fb = cs.feedback_add(
        cu=cu, received_on=dt.date(2021, 10, 8), text="张某已调出为何仍在册", actor=liaison_a
    )
    notice = cs.notice_remove(cu=cu, removed_on=dt.date(2021, 10, 15), actor=liaison_a)
    assert notice.is_overdue(timezone.localdate())  # removed two days late
    refused(cs.notice_finish, "尚未答复", cu=cu, actor=liaison_a)
    denied(cs.feedback_reply, "编办工作人员", feedback=fb, reply="已核实", actor=liaison_a)
    cs.feedback_reply(feedback=fb, reply="已核实，10月1日调出，数据截至节点前", actor=office_staff)
    refused(cs.feedback_reply, "已答复", feedback=fb, reply="again", actor=office_staff)
    cs.notice_finish(cu=cu, actor=liaison_a)
    assert cu_of(campaign, unit_a).stage == Stage.COMPARISON


def test_notice_for_year_without_calendar_refused(campaign, unit_a, liaison_a, office_staff):
    from bianzhi import workdays
    from bianzhi.models import CalendarYear

    cu = walk_to(cu_of(campaign, unit_a), Stage.NOTICE, liaison=liaison_a, staff=office_staff)
    CalendarYear.objects.filter(year=2021).delete()
    workdays.clear_cache()
    try:
        refused(
            cs.notice_post,
            "2021年的法定节假日安排尚未录入",
            cu=cu,
            posted_on=dt.date(2021, 10, 11),
            actor=liaison_a,
        )
    finally:
        workdays.clear_cache()  # the rows come back with the test's rollback
    assert not hasattr(cu_of(campaign, unit_a), "notice")


def test_confidential_unit_has_no_notice(office_staff, region):
    secret = make_unit(region, "漳县保密局", is_confidential=True)
    liaison = make_user("l_secret", Role.LIAISON, units=[secret])
    campaign = make_campaign(region, office_staff)
    cu = walk_to(cu_of(campaign, secret), Stage.NOTICE, liaison=liaison, staff=office_staff)
    refused(cs.notice_post, "涉密", cu=cu, posted_on=dt.date(2021, 9, 30), actor=liaison)
    cs.notice_finish(cu=cu, actor=office_staff)
    assert cu_of(campaign, secret).transitions.last().reason == "涉密单位不公示"


# ---- stage 3 -----------------------------------------------------------------------------------------


def test_open_finding_blocks_until_answered_or_owned(campaign, unit_a, liaison_a, office_staff):
    person = make_person(unit_a)
    cu = walk_to(cu_of(campaign, unit_a), Stage.COMPARISON, liaison=liaison_a, staff=office_staff)
    refused(cs.comparison_finish, "尚未进行数据比对", cu=cu, actor=office_staff)
    compare(campaign, office_staff, people=[])  # the person is missing from finance data
    campaign.refresh_from_db()
    assert campaign.comparison_run.cutoff == CUTOFF
    finding = sel.unit_findings(cu).get(id_number=person.id_number)
    refused(cs.comparison_finish, "既未答复也未明确责任人", cu=cu, actor=office_staff)
    cs.followup_set(
        campaign=campaign,
        finding=finding,
        owner="财政局 王某",
        due_on=dt.date(2026, 12, 31),
        actor=office_staff,
    )
    cs.comparison_finish(cu=cu, actor=office_staff)
    assert cu_of(campaign, unit_a).stage == Stage.ONSITE


# ---- stages 4 and 5 ----------------------------------------------------------------------------------


@pytest.fixture
def ten_units(region):
    return [make_unit(region, f"漳县测试局{i}") for i in range(10)]


def test_onsite_proposal_ranks_by_findings_and_keeps_the_ratio(office_staff, region, ten_units):
    people = [make_person(u) for u in ten_units[:4]]
    make_person(ten_units[3])
    campaign = make_campaign(region, office_staff)
    compare(campaign, office_staff, people=people[:3])  # unit 3 is missing two people, nobody else any
    campaign.refresh_from_db()
    chosen = cs.onsite_propose(campaign=campaign, actor=office_staff)
    assert len(chosen) == 3  # 30% of 10
    assert chosen[0].unit_id == ten_units[3].pk
    refused(cs.onsite_propose, "已确定", campaign=campaign, actor=office_staff)
    ids = [c.pk for c in chosen]
    refused(
        cs.onsite_set, "不得少于", campaign=campaign, selected_ids=ids[:2], actor=office_staff, reason="x"
    )
    other = campaign.units.exclude(pk__in=ids).first()
    cs.onsite_set(campaign=campaign, selected_ids=[*ids[1:], other.pk], actor=office_staff, reason="调换")
    assert set(campaign.units.filter(onsite_selected=True).values_list("pk", flat=True)) == {
        *ids[1:],
        other.pk,
    }


def test_sample_draw_is_reproducible_and_refused_below_minimum(office_staff, region, ten_units):
    campaign = make_campaign(region, office_staff)
    refused(
        cs.sample_draw, "不得低于5%", campaign=campaign, seed="1", ratio=Decimal("0.04"), actor=office_staff
    )
    draw = cs.sample_draw(campaign=campaign, seed="20211201", ratio=Decimal("0.2"), actor=office_staff)
    assert len(draw.selected) == 2
    assert sel.draw_sample(draw.population, "20211201", Decimal("0.2")) == draw.selected
    assert set(campaign.units.filter(sample_selected=True).values_list("pk", flat=True)) == set(draw.selected)
    assert AuditEntry.objects.get(action="核查.随机抽取").after["seed"] == "20211201"
    refused(cs.sample_draw, "重复", campaign=campaign, seed="2", actor=office_staff)
    assert SampleDraw.objects.count() == 1


def test_visit_only_for_selected_unit_and_once(campaign, unit_a, unit_b, liaison_a, liaison_b, office_staff):
    a = walk_to(cu_of(campaign, unit_a), Stage.ONSITE, liaison=liaison_a, staff=office_staff)
    b = walk_to(cu_of(campaign, unit_b), Stage.ONSITE, liaison=liaison_b, staff=office_staff)
    cs.onsite_propose(campaign=campaign, actor=office_staff)
    a.refresh_from_db(), b.refresh_from_db()
    chosen, other = (a, b) if a.onsite_selected else (b, a)
    assert not other.onsite_selected  # 30% of 2 → 1
    kw = {
        "kind": VisitKind.ONSITE,
        "method": "现场查验",
        "visited_on": timezone.localdate(),
        "inspectors": "甲",
        "findings": "账实相符",
        "actor": office_staff,
    }
    refused(cs.visit_record, "未列入", cu=other, **kw)
    refused(cs.onsite_finish, "尚未登记", cu=chosen, actor=office_staff)
    cs.visit_record(cu=chosen, **kw)
    refused(cs.visit_record, "重复", cu=chosen, **kw)
    cs.onsite_finish(cu=chosen, actor=office_staff)
    cs.onsite_finish(cu=other, actor=office_staff)
    refused(cs.sampling_finish, "尚未进行随机抽取", cu=other, actor=office_staff)


# ---- stage 6, whole walk, returns, skipping ----------------------------------------------------------


def test_full_walk_and_update_requirements(campaign, unit_a, liaison_a, office_staff):
    cu = walk_to(cu_of(campaign, unit_a), Stage.UPDATE, liaison=liaison_a, staff=office_staff)
    refused(cs.update_finish, "尚未提交核查情况报告", cu=cu, actor=office_staff)
    refused(cs.unit_report_confirm, "承诺", cu=cu, leader_name="王局长", commitment=False, actor=liaison_a)
    refused(
        cs.unit_report_confirm, "联络员", cu=cu, leader_name="王局长", commitment=True, actor=office_staff
    )
    cs.unit_report_confirm(
        cu=cu,
        leader_name="王局长",
        commitment=True,
        outside_staff=3,
        problems={"超编进人": "超编1人，已消化"},
        actor=liaison_a,
    )
    refused(cs.unit_report_confirm, "重复", cu=cu, leader_name="王局长", commitment=True, actor=liaison_a)
    refused(cs.update_finish, "预审核", cu=cu, actor=office_staff)
    refused(cs.unit_prereview, "意见", cu=cu, passed=False, actor=office_staff)
    cs.unit_prereview(cu=cu, passed=True, actor=office_staff)
    cs.update_finish(cu=cu, actor=office_staff)
    cu.refresh_from_db()
    assert cu.stage == Stage.DONE
    assert [t.to_stage for t in cu.transitions.all()] == [
        "单位自查",
        "群众监督",
        "数据比对",
        "实地核实",
        "随机抽查",
        "数据更新",
        "已完成",
    ]


def test_return_needs_reason_and_only_goes_back(campaign, unit_a, liaison_a, office_staff):
    cu = walk_to(cu_of(campaign, unit_a), Stage.COMPARISON, liaison=liaison_a, staff=office_staff)
    refused(cs.stage_return, "原因", cu=cu, to_stage=Stage.SELF_CHECK, reason=" ", actor=office_staff)
    refused(cs.stage_return, "之前的环节", cu=cu, to_stage=Stage.UPDATE, reason="x", actor=office_staff)
    denied(cs.stage_return, "编办工作人员", cu=cu, to_stage=Stage.SELF_CHECK, reason="x", actor=liaison_a)
    cs.stage_return(
        cu=cu, to_stage=Stage.SELF_CHECK, reason="花名册与工资册不一致，请重新自查", actor=office_staff
    )
    cu.refresh_from_db()
    assert cu.stage == Stage.SELF_CHECK and cu.selfcheck_submitted_at is None
    assert cu.transitions.last().reason.startswith("花名册")


def test_stages_cannot_be_skipped(campaign, unit_a, liaison_a, office_staff):
    cu = cu_of(campaign, unit_a)
    refused(cs.comparison_finish, "当前处于“单位自查”", cu=cu, actor=office_staff)
    refused(cs.notice_post, "当前处于", cu=cu, posted_on=dt.date(2021, 9, 30), actor=liaison_a)
    cu = CampaignUnit.objects.get(pk=cu.pk)
    refused(_move, "不能从", cu=cu, to_stage=Stage.UPDATE, actor=office_staff)
    assert StageTransition.objects.filter(campaign_unit=cu).count() == 1


def test_joint_check_runs_only_comparison_and_update(office_staff, unit_a, liaison_a):
    campaign = make_campaign(
        unit_a.region,
        office_staff,
        name="2026年11月联合检查",
        kind=CampaignKind.JOINT,
        windows=open_windows(CampaignKind.JOINT),
    )
    cu = cu_of(campaign, unit_a)
    assert cu.stage == Stage.COMPARISON and not cu.items.exists()
    compare(campaign, office_staff)
    cs.comparison_finish(cu=cu, actor=office_staff)
    cu.refresh_from_db()
    assert cu.stage == Stage.UPDATE
    refused(cs.onsite_propose, "联合检查", campaign=campaign, actor=office_staff)
    refused(cs.sample_draw, "联合检查", campaign=campaign, seed="1", actor=office_staff)


# ---- filing into the 核查 dedicated file -------------------------------------------------------------


def test_confirmed_unit_report_is_filed_into_the_dedicated_file(campaign, unit_a, liaison_a, office_staff):
    from archives.models import DedicatedEntry

    cu = walk_to(cu_of(campaign, unit_a), Stage.DONE, liaison=liaison_a, staff=office_staff)
    entry = DedicatedEntry.objects.get(dedicated_file__kind="核查")
    assert entry.region == unit_a.region and cu.name in entry.title and "王局长" in entry.title
    assert entry.occurred_on == timezone.localdate()
    assert entry.attachment_name.endswith(".pdf")
    assert entry.attachment.open("rb").read(4) == b"%PDF"
    assert AuditEntry.objects.filter(action="独立档案.归档").count() == 1


def test_county_report_filed_once_a_day(campaign, office_staff):
    from archives.models import DedicatedEntry

    first = cs.county_report_file(campaign=campaign, data=b"%PDF-1.7 test", actor=office_staff)
    again = cs.county_report_file(campaign=campaign, data=b"%PDF-1.7 test", actor=office_staff)
    assert first == again and DedicatedEntry.objects.filter(dedicated_file__kind="核查").count() == 1
    assert campaign.name in first.title and timezone.localdate().isoformat() in first.title


def test_county_report_filing_needs_office_writer(campaign, supervisor):
    denied(cs.county_report_file, "编办工作人员", campaign=campaign, data=b"%PDF-1.7", actor=supervisor)
