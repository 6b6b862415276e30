"""逾期登记 flags left unknown for a year without calendar data are computed when the office enters that
year (issue 11 point 7): through ``workdays.calendar_year_enter`` and through the holiday tables in the
admin; one audit row gives the counts; only office writers enter a calendar."""

from __future__ import annotations

import datetime as dt

import chinese_calendar as cc
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bianzhi import workdays
from bianzhi.models import AuditEntry, CalendarDay, CalendarYear
from tests.builders.registry import make_person
from units.models import Movement

YEAR = 2026


@pytest.fixture(autouse=True)
def fresh_calendar():  # a test deletes a year; no stale cache before or after
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def _official(year: int) -> tuple[dict, dict]:
    names = workdays.HOLIDAY_NAMES
    holidays = {d: names.get(str(n), str(n)) for d, n in cc.constants.holidays.items() if d.year == year}
    make_up = {d: names.get(str(n), str(n)) for d, n in cc.constants.workdays.items() if d.year == year}
    return holidays, make_up


@pytest.fixture
def year_missing(db):
    CalendarDay.objects.filter(date__year=YEAR).delete()
    CalendarYear.objects.filter(year=YEAR).delete()
    workdays.clear_cache()


def _entry(person) -> Movement:
    return person.movements.get(kind="入编")


def _late_and_timely(unit):
    """A person entered 25 days before today (late) and one the day before (timely), both in YEAR."""
    today = timezone.localdate()
    assert today.year == YEAR, "the fixed calendar year of these tests"
    late = make_person(unit, name="迟登记", entered_on=today - dt.timedelta(days=25))
    timely = make_person(unit, name="按时", entered_on=today - dt.timedelta(days=1))
    return _entry(late), _entry(timely)


def test_unknown_while_the_year_is_missing_then_computed_when_entered(year_missing, unit_a, office_staff):
    late, timely = _late_and_timely(unit_a)
    assert (late.is_late, timely.is_late) == (None, None)
    holidays, make_up = _official(YEAR)
    workdays.calendar_year_enter(
        year=YEAR, holidays=holidays, workdays=make_up, actor=office_staff, source="国办发明电〔2025〕7号"
    )
    late.refresh_from_db()
    timely.refresh_from_db()
    assert (late.is_late, timely.is_late) == (True, False)
    entry = AuditEntry.objects.get(action="人员变动.重算逾期标记")
    assert entry.after["year"] == YEAR and entry.after["changed"] == 2 and entry.after["late"] == 1
    assert set(entry.after["movements"]) == {late.pk, timely.pk} and entry.actor == office_staff
    assert AuditEntry.objects.filter(action="节假日安排.录入", actor=office_staff).count() == 1
    assert workdays.has_year(YEAR) and CalendarDay.objects.filter(date__year=YEAR).count() == len(
        holidays
    ) + len(make_up)


def test_other_years_are_left_alone(year_missing, unit_a, office_staff):
    old = _entry(make_person(unit_a, name="早年", entered_on=dt.date(2021, 3, 1)))
    assert old.is_late is None  # recorded today: its period runs through the missing year
    holidays, make_up = _official(YEAR)
    workdays.calendar_year_enter(year=YEAR, holidays=holidays, workdays=make_up, actor=office_staff)
    old.refresh_from_db()
    assert old.is_late is True  # its period runs into YEAR, so it was recomputed too
    # a movement whose whole period lies before YEAR is not touched
    Movement.objects.filter(pk=old.pk).update(recorded_at=timezone.make_aware(dt.datetime(2021, 3, 2, 9)))
    Movement.objects.filter(pk=old.pk).update(is_late=None)
    workdays.calendar_year_enter(year=YEAR, holidays=holidays, workdays=make_up, actor=office_staff)
    old.refresh_from_db()
    assert old.is_late is None
    assert AuditEntry.objects.filter(action="节假日安排.修改").count() == 1


def test_entering_a_calendar_is_for_office_writers(year_missing, supervisor, liaison_a, office_staff):
    holidays, make_up = _official(YEAR)
    for user in (supervisor, liaison_a):
        with pytest.raises(PermissionDenied):
            workdays.calendar_year_enter(year=YEAR, holidays=holidays, workdays=make_up, actor=user)
    with pytest.raises(ValidationError, match="须在2026年内"):
        workdays.calendar_year_enter(
            year=YEAR, holidays={dt.date(2027, 1, 1): "元旦"}, workdays={}, actor=office_staff
        )
    day = next(iter(holidays))
    with pytest.raises(ValidationError, match="既是放假日又是调休上班日"):
        workdays.calendar_year_enter(year=YEAR, holidays={day: "x"}, workdays={day: "x"}, actor=office_staff)
    assert not CalendarYear.objects.filter(year=YEAR).exists()
    assert not AuditEntry.objects.filter(action__startswith="节假日安排").exists()


def test_admin_entry_of_the_year_recomputes(year_missing, client, unit_a):
    late, _timely = _late_and_timely(unit_a)
    assert late.is_late is None
    admin = get_user_model().objects.create_superuser("root", password="pass12345")
    client.force_login(admin)
    r = client.post(reverse("admin:bianzhi_calendaryear_add"), {"year": YEAR, "source": "国办发明电"})
    assert r.status_code == 302, r.content.decode()[:500]
    late.refresh_from_db()
    assert late.is_late is True  # weekends alone already make it late; holidays entered next refine it
    entry = AuditEntry.objects.filter(action="人员变动.重算逾期标记").latest("id")
    assert entry.actor == admin and entry.after["changed"] >= 1
    r = client.post(
        reverse("admin:bianzhi_calendarday_add"),
        {"date": "2026-10-01", "kind": CalendarDay.Kind.HOLIDAY, "name": "国庆节"},
    )
    assert r.status_code == 302
    assert AuditEntry.objects.filter(action="人员变动.重算逾期标记").count() == 2
