"""The warnings inbox (预警, issue 15 point 3): each kind appears with the fact that raises it and goes
when the fact is gone; office roles see their region's, a liaison their units', a partner's clerk none;
the home page's panel and the list page (filter, search, pages); the queries do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bianzhi import alerts, workdays
from bianzhi.models import CalendarYear
from tests.builders.registry import make_person, make_slip, make_unit
from units.models import LeaderPostQuota, Movement, Quota, UseSlip

TODAY = dt.date(2026, 12, 7)


def kinds_of(user, kind, today=TODAY):
    return [a for a in alerts.alerts_for(user, today=today) if a.kind == kind]


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


# ---- the registry -------------------------------------------------------------------------------


def test_every_kind_is_registered():
    registered = [k for k, _ in alerts.kinds()]
    assert registered == [
        "over_quota",
        "over_posts",
        "vacancy_low",
        "slip_expiring",
        "late_record",
        "retiring",
        "campaign_overdue",
        "joint_check",
        "calendar_missing",
    ]


def test_order_is_level_then_due_date():
    a = alerts.Alert("over_quota", alerts.Level.NOTICE, "甲", "/", "看")
    b = alerts.Alert("over_quota", alerts.Level.URGENT, "乙", "/", "看", due=dt.date(2027, 1, 2))
    c = alerts.Alert("over_quota", alerts.Level.URGENT, "丙", "/", "看", due=dt.date(2027, 1, 1))
    assert sorted([a, b, c], key=lambda x: alerts._key(x, {})) == [c, b, a]


# ---- each kind: appears with the fact, disappears when fixed ------------------------------------


def test_over_quota(unit_a, office_staff, liaison_a, liaison_b):
    make_person(unit_a)
    assert not kinds_of(office_staff, "over_quota")
    Quota.objects.filter(unit=unit_a, establishment_type="行政编制").update(approved=0)
    [alert] = kinds_of(office_staff, "over_quota")
    assert alert.unit_id == unit_a.pk and "超编" in alert.message and unit_a.name in alert.message
    assert alert.link == reverse("units:unit_detail", args=[unit_a.pk]) and alert.region == "漳县"
    assert [a.unit_id for a in kinds_of(liaison_a, "over_quota")] == [unit_a.pk]
    assert not kinds_of(liaison_b, "over_quota")  # another unit's liaison
    Quota.objects.filter(unit=unit_a, establishment_type="行政编制").update(approved=5)
    assert not kinds_of(office_staff, "over_quota")


def test_over_posts(unit_a, office_staff):
    make_person(unit_a, leader_post="单位正职")
    assert not kinds_of(office_staff, "over_posts")
    LeaderPostQuota.objects.filter(unit=unit_a, category="单位正职").update(approved=0)
    [alert] = kinds_of(office_staff, "over_posts")
    assert alert.unit_id == unit_a.pk and "超职数" in alert.message
    LeaderPostQuota.objects.filter(unit=unit_a, category="单位正职").update(approved=1)
    assert not kinds_of(office_staff, "over_posts")


def test_vacancy_below_the_targets(unit_a, unit_b, office_staff, liaison_b):
    make_person(unit_b)
    assert not kinds_of(office_staff, "vacancy_low")  # 事业编制 7 of 8 vacant, 行政编制 5 of 5
    Quota.objects.filter(unit=unit_b).update(approved=1)  # 1 approved, 1 occupied: 0 %
    [alert] = kinds_of(office_staff, "vacancy_low")
    assert "事业编制" in alert.message and "0.0%" in alert.message and "1.5%" in alert.message
    assert alert.link == reverse("units:unit_list")
    assert not kinds_of(liaison_b, "vacancy_low")  # a county figure: the office's
    Quota.objects.filter(unit=unit_b).update(approved=100)  # 99 % vacant
    assert not kinds_of(office_staff, "vacancy_low")


def test_vacancy_target_reuses_the_dashboard(unit_a, office_staff):
    make_person(unit_a)
    Quota.objects.filter(unit=unit_a, establishment_type="行政编制").update(approved=1)
    [alert] = kinds_of(office_staff, "vacancy_low")
    assert "行政编制" in alert.message and "1%" in alert.message and "至少应空编1名" in alert.message


def test_slip_expiring_within_14_days(unit_a, office_staff, liaison_a, liaison_b):
    slip = make_slip(unit_a)
    UseSlip.objects.filter(pk=slip.pk).update(valid_until=TODAY + dt.timedelta(days=15))
    assert not kinds_of(office_staff, "slip_expiring")
    UseSlip.objects.filter(pk=slip.pk).update(valid_until=TODAY + dt.timedelta(days=14))
    [alert] = kinds_of(office_staff, "slip_expiring")
    assert slip.number in alert.message and alert.due == TODAY + dt.timedelta(days=14)
    assert alert.link == reverse("units:request_detail", args=[slip.request_id])
    assert kinds_of(liaison_a, "slip_expiring") and not kinds_of(liaison_b, "slip_expiring")
    make_person(unit_a, slip=UseSlip.objects.get(pk=slip.pk))  # used: no longer a warning
    assert not kinds_of(office_staff, "slip_expiring")


def test_slip_already_expired_is_not_expiring(unit_a, office_staff):
    slip = make_slip(unit_a)
    UseSlip.objects.filter(pk=slip.pk).update(
        issued_on=TODAY - dt.timedelta(days=30), valid_until=TODAY - dt.timedelta(days=1)
    )
    assert not kinds_of(office_staff, "slip_expiring")


def test_late_record(unit_a, office_staff, liaison_a, liaison_b):
    person = make_person(unit_a)
    movement = person.movements.get()
    Movement.objects.filter(pk=movement.pk).update(is_late=False)
    assert not kinds_of(office_staff, "late_record")
    Movement.objects.filter(pk=movement.pk).update(is_late=True)
    [alert] = kinds_of(office_staff, "late_record")
    assert person.name in alert.message and "5个工作日" in alert.message
    assert alert.link == reverse("units:person_detail", args=[person.pk])
    assert kinds_of(liaison_a, "late_record") and not kinds_of(liaison_b, "late_record")
    Movement.objects.filter(pk=movement.pk).update(is_late=False)  # the flag recomputed: not late
    assert not kinds_of(office_staff, "late_record")


def test_late_record_older_than_the_window_is_gone(unit_a, office_staff):
    person = make_person(unit_a)
    Movement.objects.filter(person=person).update(
        is_late=True, recorded_at=timezone.now() - dt.timedelta(days=120)
    )
    assert not kinds_of(office_staff, "late_record")


def test_calendar_missing(db, office_staff, liaison_a):
    assert CalendarYear.objects.filter(year=2026).exists()
    CalendarYear.objects.filter(year__in=[2026, 2027]).delete()
    CalendarYear.objects.create(year=2026, source="测试")
    workdays.clear_cache()
    [alert] = kinds_of(office_staff, "calendar_missing")
    assert "2027年" in alert.message and alert.due == dt.date(2027, 1, 1)
    assert alert.link == reverse("admin:bianzhi_calendaryear_changelist")
    assert not kinds_of(liaison_a, "calendar_missing")
    CalendarYear.objects.create(year=2027, source="测试")
    workdays.clear_cache()
    assert not kinds_of(office_staff, "calendar_missing")


# ---- scope ---------------------------------------------------------------------------------------


def test_office_sees_only_its_regions(unit_a, office_staff, other_office_staff, other_region):
    make_person(unit_a)
    Quota.objects.filter(unit=unit_a, establishment_type="行政编制").update(approved=0)
    assert kinds_of(office_staff, "over_quota")
    assert not kinds_of(other_office_staff, "over_quota")
    far = make_unit(other_region, "安定区财政局", quotas={"行政编制": 1})
    make_person(far)
    Quota.objects.filter(unit=far).update(approved=0)
    assert [a.unit_id for a in kinds_of(other_office_staff, "over_quota")] == [far.pk]
    assert [a.unit_id for a in kinds_of(office_staff, "over_quota")] == [unit_a.pk]


def test_supervisor_reads_the_region(unit_a, supervisor):
    make_person(unit_a)
    Quota.objects.filter(unit=unit_a, establishment_type="行政编制").update(approved=0)
    assert kinds_of(supervisor, "over_quota")


def test_partner_has_no_warnings(unit_a, partner_clerk):
    make_person(unit_a)
    Quota.objects.filter(unit=unit_a, establishment_type="行政编制").update(approved=0)
    assert alerts.alerts_for(partner_clerk, today=TODAY) == []


# ---- the panel and the list page -----------------------------------------------------------------


def _over(unit):
    make_person(unit)
    Quota.objects.filter(unit=unit).update(approved=0)


def test_dashboard_panel_counts_and_links(client, unit_a, office_staff):
    _over(unit_a)
    client.force_login(office_staff)
    page = client.get(reverse("units:dashboard")).content.decode()
    assert "预警" in page and "超编单位" in page
    assert reverse("units:alert_list") + "?kind=over_quota" in page
    assert reverse("units:unit_detail", args=[unit_a.pk]) in page


def test_dashboard_panel_not_for_a_partner(client, unit_a, partner_clerk):
    _over(unit_a)
    client.force_login(partner_clerk)
    assert "查看全部预警" not in client.get(reverse("units:dashboard")).content.decode()


def test_list_page_anonymous_goes_to_login(client, db):
    response = client.get(reverse("units:alert_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_list_page_refuses_a_partner(client, partner_clerk):
    assert client.get(reverse("units:alert_list")).status_code == 302  # anonymous first
    client.force_login(partner_clerk)
    assert client.get(reverse("units:alert_list")).status_code == 403


def test_list_page_liaison_sees_own_units_only(client, unit_a, unit_b, liaison_a):
    _over(unit_a)
    _over(unit_b)
    client.force_login(liaison_a)
    response = client.get(reverse("units:alert_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert unit_a.name in page and unit_b.name not in page


def test_list_page_filters_by_kind_and_searches(client, unit_a, unit_b, office_staff):
    _over(unit_a)
    slip = make_slip(unit_b)
    UseSlip.objects.filter(pk=slip.pk).update(valid_until=timezone.localdate() + dt.timedelta(days=3))
    client.force_login(office_staff)
    page = client.get(reverse("units:alert_list"), {"kind": "slip_expiring"}).content.decode()
    assert slip.number in page and "实有人员超过核定编制" not in page
    page = client.get(reverse("units:alert_list"), {"q": "财政局"}).content.decode()
    assert unit_a.name in page and slip.number not in page


def test_list_page_paginates(client, region, office_staff):
    for i in range(25):
        _over(make_unit(region, f"超编单位{i:02d}", quotas={"行政编制": 1}))
    client.force_login(office_staff)
    first = client.get(reverse("units:alert_list"), {"kind": "over_quota"}).content.decode()
    second = client.get(reverse("units:alert_list"), {"kind": "over_quota", "page": 2}).content.decode()
    assert "共 25 条" in first or "第 1 /" in first
    assert "超编单位00" in first and "超编单位24" in second


# ---- queries do not grow with the rows -----------------------------------------------------------


def _county(region, n):
    for i in range(n):
        unit = make_unit(region, f"单位{i:03d}", quotas={"行政编制": 2}, posts={"单位正职": 1})
        person = make_person(unit, leader_post="单位正职", birth=dt.date(1966, 9, 1 + i % 20), sex="男")
        Movement.objects.filter(person=person).update(is_late=True)
        slip = make_slip(unit)
        UseSlip.objects.filter(pk=slip.pk).update(valid_until=timezone.localdate() + dt.timedelta(days=5))
        Quota.objects.filter(unit=unit).update(approved=0)
        LeaderPostQuota.objects.filter(unit=unit).update(approved=0)


@pytest.mark.parametrize("n", [3, 30])
def test_alert_queries_do_not_grow(region, office_staff, liaison_a, n, django_assert_max_num_queries):
    _county(region, n)
    office_staff = type(office_staff).objects.get(pk=office_staff.pk)
    # 17–18 measured at both sizes, plus the user's regions read once as an id list (issue 17, decision #13)
    with django_assert_max_num_queries(19):
        found = alerts.alerts_for(office_staff)
    kinds = {a.kind for a in found}
    assert {"over_quota", "over_posts", "slip_expiring", "late_record", "retiring"} <= kinds
    assert sum(a.kind == "over_quota" for a in found) == n
    liaison = type(liaison_a).objects.get(pk=liaison_a.pk)
    with django_assert_max_num_queries(11):
        alerts.alerts_for(liaison)


@pytest.mark.parametrize("n", [3, 30])
def test_list_page_queries_do_not_grow(client, region, office_staff, n, django_assert_max_num_queries):
    _county(region, n)
    client.force_login(office_staff)
    client.get(reverse("units:alert_list"))
    with django_assert_max_num_queries(21):  # 21: the user's regions read once (issue 17)
        assert client.get(reverse("units:alert_list")).status_code == 200


# ---- campaign stages overdue (verification's provider) ------------------------------------------


def test_campaign_stage_overdue(
    unit_a,
    unit_b,
    office_staff,
    supervisor,
    liaison_a,
    liaison_b,
    other_office_staff,
    django_assert_max_num_queries,
):
    from tests.builders.campaign import make_campaign
    from verification.campaign import services as cs
    from verification.campaign.models import STAGES, CampaignKind, CampaignUnit

    today = timezone.localdate()
    windows = {
        s: (today - dt.timedelta(days=40), today + dt.timedelta(days=30)) for s in STAGES[CampaignKind.ANNUAL]
    }
    campaign = make_campaign(unit_a.region, office_staff, windows=windows)
    assert not kinds_of(office_staff, "campaign_overdue", today)
    cs.window_set(
        campaign=campaign,
        stage="单位自查",
        starts_on=today - dt.timedelta(days=40),
        ends_on=today - dt.timedelta(days=1),
        actor=office_staff,
        reason="测试截止",
    )
    [alert] = kinds_of(office_staff, "campaign_overdue", today)
    assert "单位自查" in alert.message and "2个单位" in alert.message and alert.level == 1
    assert alert.link == reverse("verification:campaign_detail", args=[campaign.pk])
    assert kinds_of(supervisor, "campaign_overdue", today)
    from verification.campaign.selectors import joint

    for user in (office_staff, liaison_a):
        user = type(user).objects.get(pk=user.pk)
        with django_assert_max_num_queries(5):  # however many units
            joint.overdue_stages(user, today=today)
    assert not kinds_of(other_office_staff, "campaign_overdue", today)
    [mine] = kinds_of(liaison_a, "campaign_overdue", today)
    cu_a = CampaignUnit.objects.get(campaign=campaign, unit=unit_a)
    assert mine.unit_id == unit_a.pk and mine.link == reverse("verification:cu_detail", args=[cu_a.pk])
    assert [a.unit_id for a in kinds_of(liaison_b, "campaign_overdue", today)] == [unit_b.pk]
    cs.window_set(  # extended: no longer overdue
        campaign=campaign,
        stage="单位自查",
        starts_on=today - dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=5),
        actor=office_staff,
        reason="延期",
    )
    assert not kinds_of(office_staff, "campaign_overdue", today)
    assert not kinds_of(liaison_a, "campaign_overdue", today)
