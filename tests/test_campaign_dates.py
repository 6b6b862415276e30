"""Dates that cannot be bent (issue 11 point 7): the notice's posting and removal dates are not in the
future and the removal comes on or after the 5th full working day after posting (across weekends,
holidays and 调休 make-up days); feedback falls within the posting; a year without calendar data is a
refusal; stage windows default to the county plan relative to the cut-off and stay in the plan's order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bianzhi import workdays
from bianzhi.models import AuditEntry, CalendarYear
from tests.builders.campaign import make_campaign, walk_to
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import STAGES, Campaign, CampaignKind, CampaignUnit, CampaignWindow, Stage

TODAY = timezone.localdate()
START = dt.date(2021, 9, 1)  # the test campaign's windows run from here to a month from today


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def fresh_calendar():  # a test deletes a year; no stale cache before or after
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture
def campaign(office_staff, unit_a, unit_b):
    windows = {s: (START, TODAY + dt.timedelta(days=30)) for s in STAGES[CampaignKind.ANNUAL]}
    return make_campaign(unit_a.region, office_staff, windows=windows)


@pytest.fixture
def cu(campaign, unit_a, liaison_a, office_staff):
    cu = CampaignUnit.objects.get(campaign=campaign, unit=unit_a)
    return walk_to(cu, Stage.NOTICE, liaison=liaison_a, staff=office_staff)


def refused(fn, match: str, **kw):
    with pytest.raises(ValidationError) as exc:
        fn(**kw)
    assert match in " ".join(exc.value.messages), exc.value.messages


# ---- the notice --------------------------------------------------------------------------------------


def test_posting_date_not_in_the_future_nor_before_the_campaign(cu, liaison_a):
    refused(cs.notice_post, "不能晚于今天", cu=cu, posted_on=TODAY + dt.timedelta(days=1), actor=liaison_a)
    refused(
        cs.notice_post, "不能早于本次核查开始", cu=cu, posted_on=START - dt.timedelta(days=1), actor=liaison_a
    )
    refused(cs.notice_post, "请填写公示日期", cu=cu, posted_on=None, actor=liaison_a)
    assert not hasattr(CampaignUnit.objects.get(pk=cu.pk), "notice")
    notice = cs.notice_post(cu=cu, posted_on=START, actor=liaison_a)
    assert notice.posted_on == START
    assert AuditEntry.objects.filter(action="核查.公示", target_id=str(cu.pk)).count() == 1


def test_fifth_working_day_across_a_weekend(cu, liaison_a):
    # posted on Friday 2026-11-13: Mon 16, Tue 17, Wed 18, Thu 19, Fri 20 are the five full working days
    notice = cs.notice_post(cu=cu, posted_on=dt.date(2026, 11, 13), actor=liaison_a)
    assert (notice.ends_on, notice.remove_by) == (dt.date(2026, 11, 20), dt.date(2026, 11, 23))
    refused(cs.notice_remove, "期满后才能撤除", cu=cu, removed_on=dt.date(2026, 11, 19), actor=liaison_a)
    assert CampaignUnit.objects.get(pk=cu.pk).notice.removed_on is None
    notice = cs.notice_remove(cu=cu, removed_on=dt.date(2026, 11, 20), actor=liaison_a)
    assert notice.removed_on == dt.date(2026, 11, 20) and not notice.is_overdue(TODAY)
    entry = AuditEntry.objects.get(action="核查.撤除公示", target_id=str(cu.pk))
    assert entry.after == {"removed_on": "2026-11-20", "overdue": False}


def test_fifth_working_day_across_national_day_and_a_make_up_saturday(cu, liaison_a):
    # posted Wed 2026-09-30; 10月1日–7日 off; Thu 8, Fri 9, Sat 10 (调休上班), Mon 12, Tue 13
    notice = cs.notice_post(cu=cu, posted_on=dt.date(2026, 9, 30), actor=liaison_a)
    assert (notice.ends_on, notice.remove_by) == (dt.date(2026, 10, 13), dt.date(2026, 10, 14))
    refused(cs.notice_remove, "期满后才能撤除", cu=cu, removed_on=dt.date(2026, 10, 12), actor=liaison_a)
    cs.notice_remove(cu=cu, removed_on=dt.date(2026, 10, 13), actor=liaison_a)


def test_removal_not_in_the_future(cu, liaison_a):
    posted = dt.date(2026, 11, 13)
    cs.notice_post(cu=cu, posted_on=posted, actor=liaison_a)
    refused(cs.notice_remove, "不能晚于今天", cu=cu, removed_on=TODAY + dt.timedelta(days=1), actor=liaison_a)
    refused(cs.notice_remove, "请填写撤除日期", cu=cu, removed_on=None, actor=liaison_a)
    assert not AuditEntry.objects.filter(action="核查.撤除公示").exists()


def test_feedback_received_while_the_notice_was_up(cu, liaison_a, office_staff):
    cs.notice_post(cu=cu, posted_on=dt.date(2026, 11, 13), actor=liaison_a)
    refused(
        cs.feedback_add,
        "不能晚于今天",
        cu=cu,
        received_on=TODAY + dt.timedelta(days=1),
        text="x",
        actor=liaison_a,
    )
    refused(
        cs.feedback_add, "应在公示期间", cu=cu, received_on=dt.date(2026, 11, 12), text="x", actor=liaison_a
    )
    cs.feedback_add(cu=cu, received_on=dt.date(2026, 11, 13), text="张某已调出", actor=liaison_a)
    cs.notice_remove(cu=cu, removed_on=dt.date(2026, 11, 23), actor=office_staff)
    refused(
        cs.feedback_add,
        "应在公示期间",
        cu=cu,
        received_on=dt.date(2026, 11, 24),
        text="y",
        actor=office_staff,
    )
    cs.feedback_add(cu=cu, received_on=dt.date(2026, 11, 23), text="李某岗位有误", actor=office_staff)
    notice = CampaignUnit.objects.get(pk=cu.pk).notice
    assert [f.text for f in notice.feedback.all()] == ["张某已调出", "李某岗位有误"]
    assert AuditEntry.objects.filter(action="核查.公示反馈", target_id=str(cu.pk)).count() == 2


def test_year_without_calendar_data_is_refused(cu, liaison_a):
    CalendarYear.objects.filter(year=2026).delete()
    workdays.clear_cache()
    refused(
        cs.notice_post,
        "2026年的法定节假日安排尚未录入",
        cu=cu,
        posted_on=dt.date(2026, 11, 13),
        actor=liaison_a,
    )
    assert not hasattr(CampaignUnit.objects.get(pk=cu.pk), "notice")


def test_notice_period_is_documented_rule(db):
    # the posting day never counts, even when it is a working day
    assert sel.notice_period(dt.date(2026, 11, 16)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 24))
    # posted on a Sunday: Mon–Fri of the next week
    assert sel.notice_period(dt.date(2026, 11, 15))[0] == dt.date(2026, 11, 20)


# ---- stage windows -----------------------------------------------------------------------------------


def _windows(campaign) -> dict:
    return {w.stage: (w.starts_on, w.ends_on) for w in CampaignWindow.objects.filter(campaign=campaign)}


def test_create_without_windows_follows_the_county_plan(office_staff, unit_a):
    cutoff = TODAY + dt.timedelta(days=120)  # the plan's self-check has not ended: no shift
    campaign = cs.campaign_create(region=unit_a.region, name="方案时间", cutoff=cutoff, actor=office_staff)
    got = _windows(campaign)
    assert got[Stage.SELF_CHECK] == (cutoff - dt.timedelta(days=97), cutoff - dt.timedelta(days=82))
    assert got[Stage.NOTICE] == (cutoff - dt.timedelta(days=82), cutoff - dt.timedelta(days=72))
    assert (
        got[Stage.UPDATE]
        == got[Stage.SAMPLING]
        == (cutoff - dt.timedelta(days=30), cutoff - dt.timedelta(days=16))
    )
    assert got == sel.default_windows(CampaignKind.ANNUAL, cutoff)


def test_create_for_a_past_cutoff_moves_the_plan_to_today(office_staff, unit_a):
    campaign = cs.campaign_create(
        region=unit_a.region, name="往年", cutoff=dt.date(2021, 12, 31), actor=office_staff
    )
    got = _windows(campaign)
    assert got[Stage.SELF_CHECK] == (TODAY, TODAY + dt.timedelta(days=15))
    assert got[Stage.UPDATE][1] - got[Stage.SELF_CHECK][0] == dt.timedelta(days=81)


def test_create_refuses_windows_out_of_order(office_staff, unit_a):
    windows = sel.default_windows(CampaignKind.ANNUAL, dt.date(2021, 12, 31))
    a, b = windows[Stage.NOTICE]
    bad = windows | {Stage.COMPARISON: (a - dt.timedelta(days=1), b)}
    refused(
        cs.campaign_create,
        "不能早于“群众监督”环节开始",
        region=unit_a.region,
        name="乱序",
        cutoff=dt.date(2021, 12, 31),
        windows=bad,
        actor=office_staff,
    )
    assert not Campaign.objects.exists()


def test_window_set_keeps_the_plan_order(office_staff, unit_a):
    campaign = cs.campaign_create(
        region=unit_a.region, name="调整", cutoff=dt.date(2021, 12, 31), actor=office_staff
    )
    w = _windows(campaign)
    s_start, s_end = w[Stage.SELF_CHECK]
    n_start, n_end = w[Stage.NOTICE]
    # 群众监督 starting before 单位自查 starts
    refused(
        cs.window_set,
        "不能早于“单位自查”环节开始",
        campaign=campaign,
        stage=Stage.NOTICE,
        starts_on=s_start - dt.timedelta(days=1),
        ends_on=n_end,
        actor=office_staff,
        reason="x",
    )
    # 单位自查 extended past the end of 群众监督
    refused(
        cs.window_set,
        "不能早于“单位自查”环节结束",
        campaign=campaign,
        stage=Stage.SELF_CHECK,
        starts_on=s_start,
        ends_on=n_end + dt.timedelta(days=1),
        actor=office_staff,
        reason="x",
    )
    refused(
        cs.window_set,
        "结束日期早于开始日期",
        campaign=campaign,
        stage=Stage.NOTICE,
        starts_on=n_end,
        ends_on=n_start,
        actor=office_staff,
        reason="x",
    )
    assert _windows(campaign) == w
    assert not AuditEntry.objects.filter(action="核查.调整环节时间").exists()
    # overlapping as the plan's 压茬推进 allows: 单位自查 extended to the end of 群众监督
    cs.window_set(
        campaign=campaign,
        stage=Stage.SELF_CHECK,
        starts_on=s_start,
        ends_on=n_end,
        actor=office_staff,
        reason="部分单位延期",
    )
    assert _windows(campaign)[Stage.SELF_CHECK] == (s_start, n_end)
    entry = AuditEntry.objects.get(action="核查.调整环节时间")
    assert entry.reason == "部分单位延期"


def test_create_page_with_empty_windows_uses_the_plan(client, office_staff, unit_a):
    client.force_login(office_staff)
    page = client.get(reverse("verification:campaign_create")).content.decode()
    plan = sel.default_windows(CampaignKind.ANNUAL, dt.date(TODAY.year, 12, 31))
    assert f'placeholder="{plan[Stage.NOTICE][0]:%Y-%m-%d}"' in page
    data = {
        "name": "2026年度机构编制核查",
        "kind": "年度核查",
        "cutoff": "2027-03-31",
        "onsite_ratio": "0.30",
        "sample_ratio": "0.05",
        "members": "组长,成和平,县委组织部,副部长",
    }
    r = client.post(reverse("verification:campaign_create"), data)
    assert r.status_code == 302
    campaign = Campaign.objects.get()
    assert _windows(campaign) == sel.default_windows(CampaignKind.ANNUAL, dt.date(2027, 3, 31))
    assert AuditEntry.objects.filter(action="核查.创建", target_id=str(campaign.pk)).exists()
