"""The upper office's pre-review of a county's campaign report (issue 17): submit → return with comments
→ resubmit → accept → the campaign closes (定稿); every round kept and audited; who may do what; a county
without a parent region closes on its own."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.campaign import make_campaign, open_windows, walk_to
from tests.builders.hierarchy import office_user
from verification.campaign import services as cs
from verification.campaign.models import CampaignKind, CampaignStatus, CountyReview, Stage
from verification.campaign.selectors.cityreview import review_labels, review_state, waiting_for


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def city_leader(tree):
    return office_user("city_leader", tree.city, Role.SUPERVISOR)


@pytest.fixture
def other_city_staff(tree):
    return office_user("tianshui_staff", tree.other_city)


def done_campaign(region, staff, liaison, unit):
    """A joint check (two stages) of the region with its one unit walked to 已完成."""
    campaign = make_campaign(
        region,
        staff,
        name="2026年11月联合检查",
        kind=CampaignKind.JOINT,
        windows=open_windows(CampaignKind.JOINT),
    )
    walk_to(campaign.units.get(unit=unit), Stage.DONE, liaison=liaison, staff=staff)
    return campaign


@pytest.fixture
def campaign(tree, office_staff, liaison_a, unit_a):
    return done_campaign(tree.county, office_staff, liaison_a, unit_a)


def audits(action):
    return AuditEntry.objects.filter(action=action)


def test_returned_then_accepted_then_closed(campaign, office_staff, city_staff):
    with pytest.raises(ValidationError, match="须报送定西市编办预审核"):
        cs.campaign_close(campaign=campaign, actor=office_staff)
    first = cs.review_submit(campaign=campaign, note="请审核", actor=office_staff)
    assert first.round == 1 and first.reviewer_region.name == "定西市" and first.figures["units"] == 1
    assert list(waiting_for(city_staff)) == [campaign]
    with pytest.raises(ValidationError, match="等待定西市编办预审核"):
        cs.campaign_close(campaign=campaign, actor=office_staff)
    with pytest.raises(ValidationError, match="须填写预审核意见"):
        cs.review_return(campaign=campaign, comments="  ", actor=city_staff)
    cs.review_return(campaign=campaign, comments="人员数与财政供养数据不一致，请核实。", actor=city_staff)
    state = review_state(campaign)
    assert (
        state.returned
        and state.latest.comments.startswith("人员数")
        and state.latest.decided_by_name == "市编办李"
    )
    assert list(waiting_for(city_staff)) == []
    with pytest.raises(ValidationError, match="被定西市编办退回"):
        cs.campaign_close(campaign=campaign, actor=office_staff)
    with pytest.raises(ValidationError, match="没有待预审核的报告"):
        cs.review_accept(campaign=campaign, actor=city_staff)

    second = cs.review_submit(campaign=campaign, note="已核实", actor=office_staff)
    assert second.round == 2
    cs.review_accept(campaign=campaign, comments="同意", actor=city_staff)
    assert review_labels([campaign]) == {campaign.pk: "预审核通过"}
    with pytest.raises(ValidationError, match="无需再次报送"):
        cs.review_submit(campaign=campaign, actor=office_staff)
    cs.campaign_close(campaign=campaign, actor=office_staff)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    rounds = list(CountyReview.objects.filter(campaign=campaign).values_list("round", "decision"))
    assert rounds == [(1, "退回"), (2, "通过")]
    assert audits("核查.报送预审核").count() == 2
    returned = audits("核查.预审核退回").get()
    assert returned.actor == city_staff and returned.region == campaign.region
    assert returned.after["comments"].startswith("人员数")
    assert audits("核查.预审核通过").get().after["round"] == 2
    assert audits("核查.结束").count() == 1


def test_a_unit_moved_after_acceptance_needs_a_new_round(campaign, office_staff, city_staff):
    cs.review_submit(campaign=campaign, actor=office_staff)
    cs.review_accept(campaign=campaign, actor=city_staff)
    cu = campaign.units.get()
    cs.stage_return(cu=cu, to_stage=Stage.UPDATE, reason="补充材料", actor=office_staff)
    cu.refresh_from_db()
    cs.unit_prereview(cu=cu, passed=True, actor=office_staff)
    cs.update_finish(cu=cu, actor=office_staff)
    with pytest.raises(ValidationError, match="预审核通过后又有单位变动"):
        cs.campaign_close(campaign=campaign, actor=office_staff)
    assert cs.review_submit(campaign=campaign, actor=office_staff).round == 2


def test_submit_needs_every_unit_done(tree, office_staff, unit_a, unit_b, liaison_a):
    campaign = make_campaign(
        tree.county,
        office_staff,
        name="2026年6月联合检查",
        kind=CampaignKind.JOINT,
        windows=open_windows("联合检查"),
    )
    walk_to(campaign.units.get(unit=unit_a), Stage.DONE, liaison=liaison_a, staff=office_staff)
    with pytest.raises(ValidationError, match="还有1个单位未完成"):
        cs.review_submit(campaign=campaign, actor=office_staff)
    assert not CountyReview.objects.exists() and not audits("核查.报送预审核").exists()


def test_one_round_waits_at_a_time(campaign, office_staff):
    cs.review_submit(campaign=campaign, actor=office_staff)
    with pytest.raises(ValidationError, match="第1轮报送正在等待"):
        cs.review_submit(campaign=campaign, actor=office_staff)


def test_who_may_submit(campaign, city_staff, supervisor, liaison_a, other_office_staff):
    with pytest.raises(PermissionDenied, match="漳县的机构编制数据由该县编办维护。"):
        cs.review_submit(campaign=campaign, actor=city_staff)
    with pytest.raises(PermissionDenied, match="只有本区划的编办工作人员"):
        cs.review_submit(campaign=campaign, actor=supervisor)
    with pytest.raises(PermissionDenied):
        cs.review_submit(campaign=campaign, actor=liaison_a)
    with pytest.raises(PermissionDenied, match="其他区划"):
        cs.review_submit(campaign=campaign, actor=other_office_staff)
    assert not CountyReview.objects.exists()


def test_who_may_decide(campaign, office_staff, city_leader, other_city_staff, tree):
    cs.review_submit(campaign=campaign, actor=office_staff)
    province_staff = office_user("prov", tree.province)
    cases = [
        (office_staff, "其他区划"),  # the county itself: it acts in the county, not the city
        (city_leader, "只有上级编办的管理员或工作人员"),  # read-only
        (other_city_staff, "其他区划"),  # the next city
        (province_staff, "定西市的机构编制数据由该市编办维护。"),  # above the city: reads, does not decide
    ]
    for actor, words in cases:
        with pytest.raises(PermissionDenied, match=words):
            cs.review_accept(campaign=campaign, actor=actor)
        with pytest.raises(PermissionDenied, match=words):
            cs.review_return(campaign=campaign, comments="x", actor=actor)
    assert review_state(campaign).pending
    assert not audits("核查.预审核通过").exists() and not audits("核查.预审核退回").exists()


def test_province_reviews_a_county_directly_under_it(tree, office_staff, liaison_a, unit_a):
    tree.county.parent = tree.province
    tree.county.save(update_fields=["parent"])
    campaign = done_campaign(tree.county, office_staff, liaison_a, unit_a)
    province_staff = office_user("prov", tree.province)
    city_staff = office_user("dingxi", tree.city)
    assert cs.review_submit(campaign=campaign, actor=office_staff).reviewer_region == tree.province
    with pytest.raises(PermissionDenied):
        cs.review_accept(campaign=campaign, actor=city_staff)
    cs.review_accept(campaign=campaign, actor=province_staff)
    cs.campaign_close(campaign=campaign, actor=office_staff)


def test_a_county_without_a_parent_closes_on_its_own(region, office_staff, liaison_a, unit_a):
    assert region.parent is None
    campaign = done_campaign(region, office_staff, liaison_a, unit_a)
    with pytest.raises(ValidationError, match="无需上级预审核"):
        cs.review_submit(campaign=campaign, actor=office_staff)
    assert review_labels([campaign]) == {campaign.pk: "无需上级预审核"}
    cs.campaign_close(campaign=campaign, actor=office_staff)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED and not CountyReview.objects.exists()
