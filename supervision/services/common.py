"""What the supervision services share: refusals, locks, numbering, the dated step row, working days."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bianzhi import workdays
from bianzhi.roles import actor_name
from supervision.models import Counter, Step

NOTICE_SERIES = "督"
REPORT_SERIES = "举报"


def fail(message: str, field: str | None = None) -> NoReturn:
    raise ValidationError({field: message} if field else message)


def today() -> dt.date:
    return timezone.localdate()


def name(actor) -> str:
    return actor_name(actor)


def text(value: str | None) -> str:
    return (value or "").strip()


def require_text(value: str | None, message: str, field: str) -> str:
    value = text(value)
    if not value:
        fail(message, field)
    return value


def check_not_future(day: dt.date | None, label: str, field: str) -> dt.date:
    if day is None:
        fail(f"请填写{label}。", field)
    if day > today():
        fail(f"{label}不能晚于今天。", field)
    return day


def lock(obj):
    """The row again, locked for the rest of the transaction (a workflow moves one step at a time)."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def move(obj, transitions: dict, to: str, what: str) -> str:
    """Check that ``obj.status`` may go to ``to`` (the literal transition map); returns the old status."""
    old = obj.status
    if to not in transitions[old]:
        fail(f"{what}当前为“{old}”，不能改为“{to}”。")
    obj.status = to
    return old


def step(*, actor, action: str, on: dt.date, note: str = "", old: str = "", new: str = "", **subject) -> Step:
    """The dated row of one workflow step (``subject``: report=, questionnaire= or notice=)."""
    return Step.objects.create(
        action=action, from_status=old, to_status=new, on=on, by_name=name(actor), note=note, **subject
    )


def deadline_after(received: dt.date, days: int) -> dt.date:
    """The N-th working day after ``received`` (the day of receipt does not count). Refused (Chinese) when a
    year's holiday arrangement is not on file."""
    return workdays.nth_working_day(received + dt.timedelta(days=1), days)


def next_number(region, series: str, year: int) -> int:
    """The next number of a series, taken under a row lock on the counter: concurrent callers queue on the
    lock, so the numbers are unique and have no gaps (a rolled-back transaction gives its number back)."""
    try:
        with transaction.atomic():
            Counter.objects.get_or_create(region=region, series=series, year=year)
    except IntegrityError:  # another transaction created the row first: it exists now
        pass
    counter = Counter.objects.select_for_update().get(region=region, series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def short_name(region) -> str:
    """The county's short name in a document number: 漳县 → 漳, 安定区 → 安定."""
    n = region.name
    return n[:-1] if len(n) > 1 and n[-1] in "县区市旗" else n


def notice_number(region, year: int, seq: int) -> str:
    return f"{short_name(region)}编办督〔{year}〕{seq}号"
