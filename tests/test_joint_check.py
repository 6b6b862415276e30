"""The joint check calendar (联合检查, issue 15 point 4): the year's two checks (June, November) with a
planned date office writers change (audited); a check enters the inbox a month ahead and not before;
发起联合检查 starts a 联合检查 campaign with one click (confirmed; refused twice, refused for a
supervisor or a liaison); the results of a closed check are kept on its entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bianzhi.models import AuditEntry
from verification import alerts as vf_alerts
from verification.campaign import services as cs
from verification.campaign.models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    CampaignUnit,
    JointCheckSchedule,
    Stage,
)
from verification.campaign.selectors import joint as sel
from verification.campaign.services import joint


def due(user, today):
    return vf_alerts.joint_check_due(user, today=today)


# ---- the calendar and its planned dates ---------------------------------------------------------


def test_defaults_are_june_and_november_first_and_unsaved(region):
    entries = sel.joint_calendar(region, 2027)
    assert [e.planned_on for e in entries] == [dt.date(2027, 6, 1), dt.date(2027, 11, 1)]
    assert [str(e) for e in entries] == ["2027年6月联合检查", "2027年11月联合检查"]
    assert not JointCheckSchedule.objects.exists()


def test_alert_from_is_a_month_before():
    assert sel.alert_from(dt.date(2027, 6, 15)) == dt.date(2027, 5, 15)
    assert sel.alert_from(dt.date(2027, 3, 31)) == dt.date(2027, 2, 28)
    assert sel.alert_from(dt.date(2027, 1, 10)) == dt.date(2026, 12, 10)


def test_plan_sets_the_date_audited(region, office_staff):
    entry = joint.joint_plan(
        region=region, year=2027, round_=6, planned_on=dt.date(2027, 6, 15), actor=office_staff
    )
    assert entry.planned_on == dt.date(2027, 6, 15) and entry.updated_by == office_staff
    row = AuditEntry.objects.get(action="联合检查.计划日期")
    assert row.actor == office_staff and "2027-06-01" in str(row.before) and "2027-06-15" in str(row.after)
    joint.joint_plan(region=region, year=2027, round_=6, planned_on=dt.date(2027, 6, 20), actor=office_staff)
    assert JointCheckSchedule.objects.get().planned_on == dt.date(2027, 6, 20)


@pytest.mark.parametrize("who", ["supervisor", "liaison_a", "partner_clerk", "other_office_staff"])
def test_plan_refused_outside_the_office_writers(request, region, unit_a, who):
    with pytest.raises(PermissionDenied):
        joint.joint_plan(
            region=region,
            year=2027,
            round_=6,
            planned_on=dt.date(2027, 6, 2),
            actor=request.getfixturevalue(who),
        )
    assert not JointCheckSchedule.objects.exists() and not AuditEntry.objects.filter(
        action__startswith="联合检查"
    )


def test_plan_refuses_a_date_outside_the_year_or_month(region, office_staff):
    with pytest.raises(ValidationError, match="2027年内"):
        joint.joint_plan(
            region=region, year=2027, round_=6, planned_on=dt.date(2028, 1, 1), actor=office_staff
        )
    with pytest.raises(ValidationError, match="6月和11月"):
        joint.joint_plan(
            region=region, year=2027, round_=7, planned_on=dt.date(2027, 7, 1), actor=office_staff
        )
    with pytest.raises(ValidationError, match="计划日期"):
        joint.joint_plan(region=region, year=2027, round_=6, planned_on=None, actor=office_staff)
    assert not JointCheckSchedule.objects.exists()


# ---- the inbox: a month ahead, not before --------------------------------------------------------


def test_alert_a_month_ahead_and_not_before(
    region, unit_a, office_staff, supervisor, liaison_a, other_office_staff
):
    joint.joint_plan(region=region, year=2027, round_=6, planned_on=dt.date(2027, 6, 15), actor=office_staff)
    assert due(office_staff, dt.date(2027, 5, 14)) == []
    [alert] = due(office_staff, dt.date(2027, 5, 15))
    assert "2027年6月联合检查" in alert.message and alert.due == dt.date(2027, 6, 15) and alert.level == 2
    assert alert.link == reverse("verification:joint_calendar") + f"?region={region.pk}&year=2027"
    assert due(supervisor, dt.date(2027, 5, 15))  # office roles read
    assert due(liaison_a, dt.date(2027, 5, 15)) == []
    assert all(a.region == "安定区" for a in due(other_office_staff, dt.date(2027, 5, 15)))
    [late] = due(office_staff, dt.date(2027, 6, 16))  # past the date, not started: urgent
    assert late.level == 1 and "尚未发起" in late.message


def test_default_november_alerts_from_october_first(region, office_staff):
    def november(today):
        return [a for a in due(office_staff, today) if "11月" in a.message]

    assert november(dt.date(2027, 9, 30)) == []
    [alert] = november(dt.date(2027, 10, 1))
    assert alert.due == dt.date(2027, 11, 1)


def test_started_check_leaves_the_inbox(region, unit_a, office_staff):
    today = timezone.localdate()
    joint.joint_plan(
        region=region, year=today.year, round_=11, planned_on=dt.date(today.year, 11, 30), actor=office_staff
    )
    assert any("11月联合检查" in a.message for a in due(office_staff, today))
    joint.joint_start(region=region, year=today.year, round_=11, actor=office_staff)
    assert not any(
        "11月联合检查" in a.message and str(today.year) in a.message for a in due(office_staff, today)
    )


# ---- one-click start -------------------------------------------------------------------------------


def test_start_creates_a_joint_campaign_linked_to_the_entry(region, unit_a, unit_b, office_staff):
    today = timezone.localdate()
    entry = joint.joint_start(region=region, year=today.year, round_=6, actor=office_staff)
    campaign = entry.campaign
    assert campaign.kind == CampaignKind.JOINT and campaign.name == f"{today.year}年6月联合检查"
    assert campaign.created_by == office_staff and campaign.cutoff <= today
    assert set(campaign.windows.values_list("stage", flat=True)) == {Stage.COMPARISON, Stage.UPDATE}
    assert set(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True)) == {
        unit_a.pk,
        unit_b.pk,
    }
    assert AuditEntry.objects.filter(action="核查.创建").count() == 1  # the existing set-up service
    assert AuditEntry.objects.get(action="联合检查.发起").actor == office_staff
    assert campaign.joint_schedule == entry


def test_start_refused_twice(region, unit_a, office_staff):
    today = timezone.localdate()
    joint.joint_start(region=region, year=today.year, round_=6, actor=office_staff)
    with pytest.raises(ValidationError, match="不能重复发起"):
        joint.joint_start(region=region, year=today.year, round_=6, actor=office_staff)
    assert Campaign.objects.count() == 1
    with pytest.raises(ValidationError, match="已发起"):
        joint.joint_plan(
            region=region, year=today.year, round_=6, planned_on=dt.date(today.year, 6, 9), actor=office_staff
        )


@pytest.mark.parametrize("who", ["supervisor", "liaison_a", "other_office_staff"])
def test_start_refused_for_supervisor_and_liaison(request, region, unit_a, who):
    with pytest.raises(PermissionDenied):
        joint.joint_start(region=region, year=2026, round_=6, actor=request.getfixturevalue(who))
    assert not Campaign.objects.exists() and not JointCheckSchedule.objects.exists()


def test_start_with_a_future_date_takes_todays_data(region, unit_a, office_staff):
    today = timezone.localdate()
    year = today.year + 1
    joint.joint_plan(region=region, year=year, round_=6, planned_on=dt.date(year, 6, 10), actor=office_staff)
    campaign = joint.joint_start(region=region, year=year, round_=6, actor=office_staff).campaign
    assert campaign.cutoff == today
    assert campaign.windows.get(stage=Stage.COMPARISON).starts_on == dt.date(year, 6, 10)


# ---- results kept --------------------------------------------------------------------------------


def _close(campaign, staff):
    CampaignUnit.objects.filter(campaign=campaign).update(stage=Stage.DONE)
    cs.campaign_close(campaign=campaign, actor=staff)


def test_results_kept_once_the_campaign_is_closed(region, unit_a, unit_b, office_staff):
    today = timezone.localdate()
    entry = joint.joint_start(region=region, year=today.year, round_=6, actor=office_staff)
    with pytest.raises(ValidationError, match="结束后"):
        joint.joint_results_keep(region=region, year=today.year, round_=6, actor=office_staff)
    _close(entry.campaign, office_staff)
    assert [e.pk for e in sel.joint_unkept(office_staff)] == [entry.pk]
    assert any(a.link_text == "记录检查结果" for a in due(office_staff, today))
    entry = joint.joint_results_keep(region=region, year=today.year, round_=6, actor=office_staff)
    assert entry.results["units"] == 2 and entry.results["approved"] == 5 + 1 + 8
    assert entry.results["actual"] == 0 and entry.results["campaign"] == entry.campaign.name
    assert entry.results_kept_at and AuditEntry.objects.get(action="联合检查.记录结果").actor == office_staff
    assert not sel.joint_unkept(office_staff)
    with pytest.raises(ValidationError, match="已记录"):
        joint.joint_results_keep(region=region, year=today.year, round_=6, actor=office_staff)
    stored = JointCheckSchedule.objects.get(pk=entry.pk)
    assert stored.results == entry.results and stored.campaign.status == CampaignStatus.CLOSED


def test_results_refused_for_supervisor(region, unit_a, office_staff, supervisor):
    today = timezone.localdate()
    entry = joint.joint_start(region=region, year=today.year, round_=6, actor=office_staff)
    _close(entry.campaign, office_staff)
    with pytest.raises(PermissionDenied):
        joint.joint_results_keep(region=region, year=today.year, round_=6, actor=supervisor)
    assert not JointCheckSchedule.objects.get().results_kept_at


# ---- the pages -------------------------------------------------------------------------------------


def _urls(region, year=2027, month=6):
    args = [region.pk, year, month]
    return {
        "plan": reverse("verification:joint_plan", args=args),
        "start": reverse("verification:joint_start", args=args),
        "results": reverse("verification:joint_results", args=args),
    }


def test_anonymous_goes_to_login(client, region):
    for url in [reverse("verification:joint_calendar"), *_urls(region).values()]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_calendar_page_reads_without_writing(client, region, office_staff):
    client.force_login(office_staff)
    page = client.get(
        reverse("verification:joint_calendar"), {"region": region.pk, "year": 2027}
    ).content.decode()
    assert "2027-06-01" in page and "2027-11-01" in page and "2027-05-01" in page
    assert "发起联合检查" in page and "修改计划日期" in page
    assert not JointCheckSchedule.objects.exists()


def test_calendar_page_supervisor_reads_without_actions(client, region, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("verification:joint_calendar"), {"year": 2027})
    assert response.status_code == 200 and "发起联合检查</button>" not in response.content.decode()


def test_calendar_page_refuses_a_liaison(client, region, liaison_a):
    client.force_login(liaison_a)
    assert client.get(reverse("verification:joint_calendar")).status_code == 403


def test_liaison_gets_404_on_an_entry(client, region, unit_a, liaison_b):
    client.force_login(liaison_b)
    for url in _urls(region).values():
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "1", "planned_on": "2027-06-02"}).status_code == 404
    assert not JointCheckSchedule.objects.exists()


def test_other_region_gets_404(client, region, unit_a, other_office_staff):
    client.force_login(other_office_staff)
    assert client.post(_urls(region)["start"], {"confirm": "1"}).status_code == 404
    assert not Campaign.objects.exists()


def test_supervisor_gets_403_on_writes(client, region, unit_a, supervisor):
    client.force_login(supervisor)
    urls = _urls(region)
    assert client.post(urls["start"], {"confirm": "1"}).status_code == 403
    assert client.post(urls["plan"], {"planned_on": "2027-06-02"}).status_code == 403
    assert client.post(urls["results"], {"confirm": "1"}).status_code == 403
    assert not JointCheckSchedule.objects.exists() and not Campaign.objects.exists()


def test_plan_page_changes_the_date(client, region, office_staff):
    client.force_login(office_staff)
    url = _urls(region)["plan"]
    assert client.get(url).status_code == 200
    response = client.post(url, {"planned_on": "2027-06-18"})
    assert response.status_code == 302
    assert JointCheckSchedule.objects.get().planned_on == dt.date(2027, 6, 18)
    assert AuditEntry.objects.get(action="联合检查.计划日期").actor == office_staff
    response = client.post(url, {"planned_on": "2028-01-01"})
    assert response.status_code == 400 and "2027年内" in response.content.decode()


def test_start_needs_the_confirmation_then_starts_once(client, region, unit_a, office_staff):
    client.force_login(office_staff)
    url = _urls(region)["start"]
    assert client.get(url).status_code == 405
    response = client.post(url, {})
    assert response.status_code == 400 and "请勾选" in response.content.decode()
    assert not Campaign.objects.exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    entry = JointCheckSchedule.objects.get()
    assert entry.campaign.kind == CampaignKind.JOINT
    assert AuditEntry.objects.get(action="联合检查.发起").actor == office_staff
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 400 and "不能重复发起" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_results_page_flow(client, region, unit_a, office_staff):
    client.force_login(office_staff)
    urls = _urls(region)
    client.post(urls["start"], {"confirm": "1"})
    entry = JointCheckSchedule.objects.get()
    _close(entry.campaign, office_staff)
    page = client.get(
        reverse("verification:joint_calendar"), {"region": region.pk, "year": 2027}
    ).content.decode()
    assert "记录检查结果" in page
    assert client.post(urls["results"], {"confirm": "1"}).status_code == 302
    page = client.get(
        reverse("verification:joint_calendar"), {"region": region.pk, "year": 2027}
    ).content.decode()
    assert "结果已记录" in page and entry.campaign.name in page


def test_the_years_two_results_are_kept_and_shown(client, region, unit_a, office_staff):
    year = timezone.localdate().year
    for month in (6, 11):
        entry = joint.joint_start(region=region, year=year, round_=month, actor=office_staff)
        _close(entry.campaign, office_staff)
        joint.joint_results_keep(region=region, year=year, round_=month, actor=office_staff)
    kept = JointCheckSchedule.objects.filter(region=region, year=year).order_by("round")
    assert [e.results["campaign"] for e in kept] == [f"{year}年6月联合检查", f"{year}年11月联合检查"]
    client.force_login(office_staff)
    page = client.get(reverse("verification:joint_calendar"), {"year": year}).content.decode()
    assert page.count("结果已记录") == 2 and "尚无结果" not in page
