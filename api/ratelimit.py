"""A fixed-window rate limit kept in the database (``api.models.RateWindow``), so that it holds across
every worker process of the server, on SQLite and PostgreSQL alike.

Two kinds of key: ``t:<token id>`` counts a token's calls (``API_RATE_PER_MINUTE``, default 120), and
``ip:<address>`` counts the failed authentications of one address (``API_FAILED_PER_MINUTE``, default
30): once an address reaches it, every call from it is refused with 429 until the minute ends — before its
token is even looked at, which is what slows guessing. The counter is raised by one ``UPDATE … SET count =
count + 1`` (a row lock on PostgreSQL, the write lock on SQLite), so concurrent calls never lose a count.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from api.models import RateWindow


class RateLimited(Exception):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _window(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


def _retry_after(now: dt.datetime) -> int:
    return max(1, math.ceil((_window(now) + dt.timedelta(minutes=1) - now).total_seconds()))


def hit(key: str, limit: int, message: str) -> int:
    """Count one call for ``key`` in this minute; RateLimited (with the seconds to wait) above ``limit``."""
    now = timezone.now()
    window = _window(now)
    with transaction.atomic():
        updated = RateWindow.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(key=key, window=window, count=1)
            except IntegrityError:  # another process created it meanwhile
                RateWindow.objects.filter(key=key, window=window).update(count=F("count") + 1)
            # a new minute: drop the windows that ended (one indexed delete a minute per key)
            RateWindow.objects.filter(window__lt=window - dt.timedelta(minutes=1)).delete()
        count = RateWindow.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0
    if count > limit:
        raise RateLimited(message, _retry_after(now))
    return count


def check(key: str, limit: int, message: str) -> None:
    """Refuse (RateLimited) when ``key`` already reached ``limit`` in this minute; counts nothing."""
    now = timezone.now()
    count = RateWindow.objects.filter(key=key, window=_window(now)).values_list("count", flat=True).first()
    if count is not None and count >= limit:
        raise RateLimited(message, _retry_after(now))


def token_limit() -> int:
    return int(getattr(settings, "API_RATE_PER_MINUTE", 120))


def failed_limit() -> int:
    return int(getattr(settings, "API_FAILED_PER_MINUTE", 30))
