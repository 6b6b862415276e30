"""Figures an upper office reads over every region below it, computed once a minute per scope.

A province's home page and 预警 group 1,000,000 people and 150,000 quotas several ways; computed on every
view by five to fifty users at once, they took the machine (bench/bench_province.py). A city or province
office reads those figures and never changes them (decision #45), so they are kept for
``SCOPE_CACHE_SECONDS`` (default 60) per set of regions, shared by every user of the same scope, by the
pages that need the same figure and by the web processes of the machine (the ``scope`` cache: files under
DATA_DIR/cache/scope), and the page says when they were counted. A county's office, a liaison
and a superuser always get them live — counted once per page view (a GET's memo, set by
``bianzhi.middleware.RequestIdMiddleware``: the home page and its 预警 panel read the same figures).
Decision #50.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.utils import timezone

from bianzhi.middleware import request_memo_var
from bianzhi.roles import acting_region_ids, region_ids

T = TypeVar("T")
log = logging.getLogger(__name__)


def upper_scope(user) -> frozenset[int] | None:
    """The regions an upper office reads (its own and those below), or None when the user reads only the
    regions they act in (a county's office, a liaison, a partner) or everything (a superuser)."""
    ids = region_ids(user)
    if ids is None or ids == acting_region_ids(user):
        return None
    return frozenset(ids)


def _kept_scope(user) -> frozenset[int] | None:
    """The scope whose figures are kept for ``user`` (an upper office, keeping switched on), else None."""
    return upper_scope(user) if getattr(settings, "SCOPE_CACHE_SECONDS", 60) > 0 else None


def _key(name: str, scope: frozenset[int]) -> str:
    """The figure's key: its name, the scope and the database (the cache's files are shared by whatever
    runs on the machine: two databases' region ids would meet)."""
    ids = ",".join(map(str, sorted(scope)))
    digest = hashlib.sha1(f"{connection.settings_dict['NAME']}|{ids}".encode()).hexdigest()[:24]
    return f"bianzhi:scope:{name}:{digest}"


STALE_FACTOR = 10  # a kept figure older than this many SCOPE_CACHE_SECONDS is not shown: counted now
REFRESH_NICE = 10  # the refresher thread's nice value: pages first
_refreshing: dict[str, threading.Event] = {}  # this process's refreshes queued or under way (tests wait)
_refreshing_lock = threading.Lock()
_queue: queue.SimpleQueue | None = None
_refresher_pid = 0  # the process whose refresher thread reads _queue


def scoped(user, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept for SCOPE_CACHE_SECONDS when the user is an upper office (see the module).

    When the kept figure is older than that, the page still gets it (with the time it was counted) and
    a thread of this process counts it again behind the page: no user waits for a province's roll-up
    (a province's home page paid 1–2 s once a minute: its p95 under load). One refresh per figure at a
    time across the machine's processes (``cache.add`` of a marker); a figure older than STALE_FACTOR
    times the period (nobody read it for a while) is counted in the request. SCOPE_CACHE_REFRESH =
    "inline" counts in the request always (tests whose data lives in an open transaction)."""
    seconds = getattr(settings, "SCOPE_CACHE_SECONDS", 60)
    scope = _kept_scope(user)
    if scope is None:
        memo = request_memo_var.get()
        if memo is None:
            return compute()
        key = (name, getattr(user, "pk", None))
        if key not in memo:
            memo[key] = compute()
        return memo[key]
    key = _key(name, scope)
    cache = caches["scope"]
    kept = cache.get(key)
    now = timezone.now()
    age = (now - kept[0]).total_seconds() if kept is not None else None
    behind = getattr(settings, "SCOPE_CACHE_REFRESH", "background") == "background"
    if kept is None or age >= seconds * STALE_FACTOR or (age >= seconds and not behind):
        kept = (now, compute())
        cache.set(key, kept, seconds * STALE_FACTOR)
    elif age >= seconds and cache.add(f"{key}:refreshing", 1, seconds):
        _refresh_behind(key, compute, seconds)
    return kept[1]


def _refresh_behind(key: str, compute: Callable, seconds: int) -> None:
    """Queue the figure for this process's refresher: one thread counting one figure at a time, its
    queries without PostgreSQL's parallel workers and the thread at a lower CPU priority — a province's
    eight stale figures counted at once (a thread each, three processes a query) stalled every page of
    the machine for one to three seconds once a minute (bench/bench_province.py)."""
    global _queue, _refresher_pid
    done = threading.Event()
    with _refreshing_lock:
        if _refresher_pid != os.getpid():  # first use in this process (or a fork's child)
            _queue, _refresher_pid = queue.SimpleQueue(), os.getpid()
            threading.Thread(
                target=_refresher, args=(_queue,), name="bianzhi-scope-refresh", daemon=True
            ).start()
        _refreshing[key] = done
    _queue.put((key, compute, seconds, done))


def _refresher(jobs: queue.SimpleQueue) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), REFRESH_NICE)  # Linux: this thread only
    except (AttributeError, OSError):
        pass
    while True:
        key, compute, seconds, done = jobs.get()
        try:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET max_parallel_workers_per_gather = 0")
            caches["scope"].set(key, (timezone.now(), compute()), seconds * STALE_FACTOR)
        except Exception:  # noqa: BLE001 — the page keeps the older figure; the next read tries again
            log.exception("scope figure %s: refresh failed", key)
        finally:
            caches["scope"].delete(f"{key}:refreshing")
            connections.close_all()  # this thread's own connection (the setting above goes with it)
            with _refreshing_lock:
                _refreshing.pop(key, None)
            done.set()


def wait_for_refreshes(timeout: float = 30) -> None:
    """Wait until this process's refreshes are done (tests)."""
    with _refreshing_lock:
        pending = list(_refreshing.values())
    for done in pending:
        done.wait(timeout)


def counted_at(user, name: str) -> dt.datetime | None:
    """When the kept figure ``name`` of the user's scope was counted (None: counted live for this user)."""
    scope = _kept_scope(user)
    kept = caches["scope"].get(_key(name, scope)) if scope is not None else None
    return kept[0] if kept else None


def list_count(user, name: str, filters: dict, items) -> int:
    """How many rows the list ``name`` has with these filters: an upper office's kept like the roll-ups
    (the rows of the page stay live; a province's people list counted 1,000,000 rows on every view),
    anyone else's counted now."""
    return scoped(user, f"count:{name}:{filters_digest(filters)}", items.count)


def filters_digest(filters: dict) -> str:
    """A list's filters as part of a kept figure's name (the values set, by their pk or text)."""
    shown = sorted((k, str(getattr(v, "pk", v))) for k, v in filters.items() if v not in (None, "", [], ()))
    return hashlib.sha1(repr(shown).encode()).hexdigest()[:16]
