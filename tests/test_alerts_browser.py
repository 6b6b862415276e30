"""The warnings inbox and the joint check calendar in a real browser: the office's home page shows the
预警 panel (counts per kind, the first warnings with links), the list filters by kind; the calendar
starts the year's joint check with one confirmed click and the inbox drops it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser import login, needs_chromium, shot
from tests.builders.registry import make_person, make_slip
from units.models import Quota, UseSlip
from verification.campaign.models import CampaignKind, JointCheckSchedule

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_inbox_and_joint_check_journey(page, unit_a, unit_b, office_staff, liaison_a):
    make_person(unit_a, name="超编人员")
    Quota.objects.filter(unit=unit_a, establishment_type="行政编制").update(approved=0)
    slip = make_slip(unit_b)
    UseSlip.objects.filter(pk=slip.pk).update(valid_until=timezone.localdate() + dt.timedelta(days=6))
    make_person(unit_b, name="将退休", sex="男", birth=dt.date(1966, 9, 15))

    login(page, "staff1")
    panel = page.locator("section.alerts-panel")
    assert "超编单位" in panel.inner_text() and "编制使用单即将到期" in panel.inner_text()
    shot(page, "alerts-dashboard")

    panel.get_by_role("link", name="查看全部预警").click()
    page.wait_for_load_state("networkidle")
    assert "漳县财政局实有人员超过核定编制" in page.content()
    page.select_option("select[name=kind]", "slip_expiring")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.alerts tbody tr")
    assert rows.count() == 1 and slip.number in rows.first.inner_text()
    page.goto(page.base + reverse("units:alert_list"))
    shot(page, "alerts-list")

    # the year's joint checks: start the June one (its date has passed: it is in the inbox, urgent)
    year = timezone.localdate().year
    page.goto(page.base + reverse("verification:joint_calendar") + f"?year={year}")
    shot(page, "joint-calendar-before")
    first = page.locator("table.joint-calendar tbody tr").first
    first.locator("input[name=confirm]").check()
    first.get_by_role("button", name="发起联合检查").click()
    page.wait_for_load_state("networkidle")
    assert "已发起联合检查" in page.content()
    entry = JointCheckSchedule.objects.get(round=6, year=year)
    assert entry.campaign.kind == CampaignKind.JOINT
    assert f"{year}年6月联合检查" in page.locator("table.joint-calendar").inner_text()
    shot(page, "joint-calendar-started")

    # the liaison's inbox: their unit only, no joint checks
    page.context.clear_cookies()
    login(page, "liaison_a")
    text = page.locator("section.alerts-panel").inner_text()
    assert "漳县财政局" in text and "联合检查" not in text and "将退休" not in text
