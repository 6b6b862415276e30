"""Working days by the official calendar, seeded from chinesecalendar, editable by the office."""

import datetime as dt

import pytest
from django.core import checks

from bianzhi import workdays
from bianzhi.models import CalendarDay, CalendarYear


@pytest.fixture(autouse=True)
def fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_national_day_week_with_make_up_saturday(db):
    # 2021: 10-01..10-07 off; Sun 09-26 and Sat 10-09 are make-up workdays.
    assert workdays.is_workday(dt.date(2021, 9, 26))
    assert workdays.is_workday(dt.date(2021, 10, 9))
    assert not workdays.is_workday(dt.date(2021, 10, 4))
    assert not workdays.is_workday(dt.date(2021, 10, 10))
    # posted Thu 2021-09-30: working days 09-30, 10-08 (Fri), 10-09 (Sat, make-up), 10-11, 10-12
    assert workdays.nth_working_day(dt.date(2021, 9, 30), 5) == dt.date(2021, 10, 12)
    assert workdays.working_days_after(dt.date(2021, 9, 30), dt.date(2021, 10, 8)) == 1


def test_plain_weekend(db):
    assert not workdays.is_workday(dt.date(2021, 11, 20))
    assert workdays.nth_working_day(dt.date(2021, 11, 19), 2) == dt.date(2021, 11, 22)


def test_missing_year_is_refused_not_guessed(db):
    with pytest.raises(workdays.CalendarMissing, match="2031年"):
        workdays.is_workday(dt.date(2031, 5, 6))
    with pytest.raises(workdays.CalendarMissing):
        workdays.nth_working_day(dt.date(2026, 12, 28), 10)  # runs into 2027


def test_office_can_enter_a_new_year(db):
    CalendarYear.objects.create(year=2031, source="国办发明电〔2030〕1号")
    CalendarDay.objects.create(date=dt.date(2031, 5, 6), kind=CalendarDay.Kind.HOLIDAY, name="劳动节")
    workdays.clear_cache()
    assert not workdays.is_workday(dt.date(2031, 5, 6))
    assert workdays.is_workday(dt.date(2031, 5, 7))


def test_system_check_warns_for_missing_current_or_next_year(db):
    CalendarYear.objects.filter(year__gte=dt.date.today().year).delete()
    workdays.clear_cache()
    ids = [m.id for m in checks.run_checks() if m.id == "bianzhi.W002"]
    assert len(ids) == 2
    assert workdays.missing_years() == [dt.date.today().year, dt.date.today().year + 1]
