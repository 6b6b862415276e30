"""Keeping the audit trail: forever by default; the operator may purge entries older than the legal
minimum (six months, GB/T 22239-2019 §8.1.4.3) with ``purge_audit``. The purge audits itself."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.models import AuditEntry
from bianzhi.roles import authorize

MIN_MONTHS = 6


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def earliest_cutoff(today: dt.date | None = None) -> dt.date:
    """The latest allowed ``before`` date: entries of the last six months are never purged."""
    return months_before(today or timezone.localdate(), MIN_MONTHS)


@transaction.atomic
def audit_purge(*, before: dt.date, actor) -> int:
    """Delete the audit entries made before ``before`` (a date, local time); refuse a date within the
    last six months. Writes one audit row (the date and the count). Returns the count deleted.
    ``actor=None`` is the operator running ``purge_audit`` (the only caller)."""
    authorize(actor, "manage_users")
    limit = earliest_cutoff()
    if before > limit:
        raise ValidationError(
            f"审计日志至少保留6个月：只能清理 {limit:%Y-%m-%d} 之前的记录，不能清理 {before:%Y-%m-%d} 之前的记录。"
        )
    start = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    deleted, _ = AuditEntry.objects.filter(at__lt=start).delete()
    audit.record(
        actor=actor,
        action="审计日志.清理",
        target_repr=f"{before:%Y-%m-%d} 之前的审计日志",
        after={"before": before, "deleted": deleted},
    )
    return deleted
