"""逾期登记 (DOMAIN.md §3.7): a real-name change recorded more than ``TIMELY_WORKING_DAYS`` working days
after the event is late. While a year has no calendar data the flag is left unknown (None); when the
office enters that year (``bianzhi.workdays.calendar_entered``) the flags of every movement whose
recording period touches the year are computed again, and one audit row gives the counts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bianzhi import audit, workdays
from units.models import Movement
from units.services.staff import is_late


def _recorded_on(m: Movement) -> dt.date:
    return timezone.localdate(m.recorded_at)


@transaction.atomic
def late_flags_recompute(*, year: int, actor=None) -> int:
    """Recompute ``Movement.is_late`` for every movement whose period (the event to its recording)
    touches ``year``: still unknown while another year of the period is missing. Returns how many
    flags changed; one audit row with the counts (人员变动.重算逾期标记). Called when the year's
    calendar is entered (the system acts on behalf of whoever entered it)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = Movement.objects.filter(occurred_on__lte=end, recorded_at__date__gte=start).only(
        "id", "occurred_on", "recorded_at", "is_late"
    )
    changed, unknown, checked = [], 0, 0
    for m in rows.iterator(chunk_size=2000):
        checked += 1
        flag = is_late(m.occurred_on, _recorded_on(m))
        unknown += flag is None
        if flag != m.is_late:
            m.is_late = flag
            changed.append(m)
    Movement.objects.bulk_update(changed, ["is_late"], batch_size=1000)
    audit.record(
        actor=actor,
        action="人员变动.重算逾期标记",
        after={
            "year": year,
            "checked": checked,
            "changed": len(changed),
            "late": sum(1 for m in changed if m.is_late),
            "unknown": unknown,
            "movements": [m.pk for m in changed[:1000]],
        },
        reason=f"录入{year}年节假日安排",
    )
    return len(changed)


def on_calendar_entered(sender, year: int, actor=None, **kwargs) -> None:
    late_flags_recompute(year=year, actor=actor)


def connect() -> None:
    """Called by ``UnitsConfig.ready``."""
    workdays.calendar_entered.connect(on_calendar_entered, dispatch_uid="units.timeliness")
