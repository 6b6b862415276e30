"""Working days by the Chinese official calendar (weekends, public holidays, 调休 make-up workdays).

The office-editable tables ``CalendarYear``/``CalendarDay`` are seeded from ``chinesecalendar``
(which knows 2004–2026); a year not on file raises ``CalendarMissing`` rather than guessing.
"""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache

from django.core.exceptions import ValidationError

from bianzhi.models import CalendarDay, CalendarYear


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
    clear_cache()
    return added


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
