"""Reads of the login-locks page (django-axes attempts): a selector module of its own, beside
``accounts.selectors``."""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from bianzhi.roles import can


def login_locks(user) -> dict:
    """The current login locks: user names and addresses whose failures within the cool-off time reached
    the limit, each with its failures, last attempt and the end of the lock (administrators only)."""
    if not can(user, "grant_roles"):
        return {"users": [], "addresses": [], "limit": settings.AXES_FAILURE_LIMIT}
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    limit = settings.AXES_FAILURE_LIMIT

    def grouped(field: str) -> list[dict]:
        rows = (
            attempts.exclude(**{field: None})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )
        return [
            {
                "key": row[field],
                "failures": row["failures"],
                "last": row["last"],
                "until": row["last"] + cool_off if cool_off else None,
            }
            for row in rows
        ]

    return {"users": grouped("username"), "addresses": grouped("ip_address"), "limit": limit}
