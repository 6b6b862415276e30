"""Working days by the Chinese official calendar (weekends, public holidays, 调休 make-up workdays).

The office-editable tables ``CalendarYear``/``CalendarDay`` are seeded from ``chinesecalendar``
(which knows 2004–2026); a year not on file raises ``CalendarMissing`` rather than guessing. When the
office enters or changes a year (``calendar_year_enter``, or the holiday tables in the admin), the
``calendar_entered`` signal tells the apps that computed something from working days — ``units``
recomputes the 逾期登记 flags it could not compute while the year was missing.
"""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal

from bianzhi.models import CalendarDay, CalendarYear

# Sent (year=, actor=) inside the transaction that entered or changed a year's arrangement.
calendar_entered = Signal()


def _holiday_names() -> dict[str, str]:
    from chinese_calendar.constants import Holiday

    return {h.value: h.chinese for h in Holiday}


HOLIDAY_NAMES = _holiday_names()


class CalendarMissing(ValidationError):
    def __init__(self, year: int):
        super().__init__(f"{year}年的法定节假日安排尚未录入，无法计算工作日。请在“节假日安排”中补录后再试。")
        self.year = year


def seed_from_package(years: range | None = None) -> int:
    """Copy chinesecalendar's holidays and make-up workdays into the tables; returns the years added."""
    import chinese_calendar as cc

    known = {d.year for d in cc.constants.holidays} | {d.year for d in cc.constants.workdays}
    added = 0
    for year in sorted(known if years is None else set(years) & known):
        _, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinesecalendar"})
        added += created
        rows = [
            CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY, name=HOLIDAY_NAMES.get(str(n), str(n)))
            for d, n in cc.constants.holidays.items()
            if d.year == year
        ]
        rows += [
            CalendarDay(date=d, kind=CalendarDay.Kind.WORKDAY, name=HOLIDAY_NAMES.get(str(n), str(n)))
            for d, n in cc.constants.workdays.items()
            if d.year == year
        ]
        CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
        if created:
            calendar_changed(year, actor=None)
    clear_cache()
    return added


def calendar_changed(year: int, *, actor) -> None:
    """A year's arrangement was entered or edited (this module's services, the admin): forget the cached
    days and announce it, so flags computed from working days follow."""
    clear_cache()
    calendar_entered.send(sender=CalendarYear, year=year, actor=actor)


@transaction.atomic
def calendar_year_enter(
    *,
    year: int,
    holidays: dict[dt.date, str],
    workdays: dict[dt.date, str],
    actor,
    source: str = "",
) -> CalendarYear:
    """Enter (or re-enter) one year's official arrangement (国务院办公厅 放假安排): ``holidays`` and
    ``workdays`` (调休上班) map each date to its festival's name; the year's rows are replaced. Office
    administrators and staff; audited; sends ``calendar_entered`` (late flags are recomputed)."""
    from bianzhi import audit
    from bianzhi.roles import authorize

    authorize(actor, "edit_registry")
    days = {**holidays, **workdays}
    if any(d.year != year for d in days):
        raise ValidationError(f"日期须在{year}年内。")
    if set(holidays) & set(workdays):
        raise ValidationError("同一天不能既是放假日又是调休上班日。")
    calendar, created = CalendarYear.objects.update_or_create(year=year, defaults={"source": source[:100]})
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY, name=n[:30]) for d, n in holidays.items()]
        + [CalendarDay(date=d, kind=CalendarDay.Kind.WORKDAY, name=n[:30]) for d, n in workdays.items()]
    )
    audit.record(
        actor=actor,
        action="节假日安排.录入" if created else "节假日安排.修改",
        target=calendar,
        after={"year": year, "holidays": len(holidays), "workdays": len(workdays), "source": source},
    )
    calendar_changed(year, actor=actor)
    return calendar


def _year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]] | None:
    # Cached per process for a few minutes, so an edit in another server process shows up soon.
    return _year_cached(year, int(time.monotonic() // 300))


@lru_cache(maxsize=64)
def _year_cached(year: int, _bucket: int) -> tuple[frozenset[dt.date], frozenset[dt.date]] | None:
    if not CalendarYear.objects.filter(year=year).exists():
        return None
    days = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
    holidays = frozenset(d for d, k in days if k == CalendarDay.Kind.HOLIDAY)
    workdays = frozenset(d for d, k in days if k == CalendarDay.Kind.WORKDAY)
    return holidays, workdays


def clear_cache() -> None:
    """Call after the tables change (the admin and seed do)."""
    _year_cached.cache_clear()


def has_year(year: int) -> bool:
    return _year(year) is not None


def missing_years(today: dt.date | None = None) -> list[int]:
    """The current and next year, if either is not on file."""
    today = today or dt.date.today()
    return [y for y in (today.year, today.year + 1) if not has_year(y)]


def is_workday(day: dt.date) -> bool:
    data = _year(day.year)
    if data is None:
        raise CalendarMissing(day.year)
    holidays, workdays = data
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def nth_working_day(start: dt.date, n: int) -> dt.date:
    """The n-th working day counting ``start`` itself when it is one (a 5-working-day notice ends here)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, count = start, 0
    while True:
        if is_workday(day):
            count += 1
            if count == n:
                return day
        day += dt.timedelta(days=1)


def working_days_after(event: dt.date, until: dt.date) -> int:
    """Working days d with event < d ≤ until (how late a record made on ``until`` is)."""
    count, day = 0, event + dt.timedelta(days=1)
    while day <= until:
        count += is_workday(day)
        day += dt.timedelta(days=1)
    return count
