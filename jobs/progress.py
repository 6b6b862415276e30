"""A running job's progress: its stage, rows done of the stage's total, written to the Job row at most
once a second so the page (refreshing every 2 s) can show it.

Handlers do their writes inside ``transaction.atomic()`` (all-or-nothing); progress written on that
transaction's connection would stay invisible until the commit. So inside an atomic block progress goes
through a separate autocommit connection on PostgreSQL; on SQLite (one writer at a time) it is kept and
written as soon as the handler leaves the block."""

from __future__ import annotations

import logging
import time

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils import timezone

THROTTLE_SECONDS = 1.0

log = logging.getLogger(__name__)


class JobCancelled(Exception):
    """The owner asked to cancel the job; raised from ``advance``/``stage`` so the handler's atomic block
    rolls back."""


class Progress:
    def __init__(self, job, *, throttle: float = THROTTLE_SECONDS):
        self.job = job
        self.throttle = throttle
        self._last_write = 0.0
        self._dirty = False
        self._side = None  # the PostgreSQL side connection, opened on first need
        # transactions already open when the job started (a test's): only the handler's own count
        self._depth = len(connections[DEFAULT_DB_ALIAS].atomic_blocks)

    # -- the interface handlers use -------------------------------------------------------------
    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage ("读取文件", "比对", "写入结果" …): rows done start again from 0 of ``total``."""
        self.job.stage = name[:60]
        self.job.total = total
        self.job.done = 0
        self._dirty = True
        self._write(force=True)

    def advance(self, n: int = 1) -> None:
        """``n`` more rows done in this stage (written at most once a second)."""
        self.job.done += n
        self._dirty = True
        self._write()

    def set_total(self, total: int | None) -> None:
        self.job.total = total
        self._dirty = True
        self._write()

    # -- the runner's side --------------------------------------------------------------------
    def flush(self) -> None:
        if self._dirty:
            self._write(force=True)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < self.throttle:
            return
        connection = connections[DEFAULT_DB_ALIAS]
        if len(connection.atomic_blocks) > self._depth:
            if connection.vendor != "postgresql":
                return  # SQLite: kept until the handler's transaction ends (see flush)
            connection = self._side_connection()
        self._last_write = now
        table = self.job._meta.db_table
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET stage = %s, done = %s, total = %s, heartbeat_at = %s WHERE id = %s",
                    [self.job.stage, self.job.done, self.job.total, timezone.now(), self.job.pk],
                )
                cursor.execute(f"SELECT cancel_requested FROM {table} WHERE id = %s", [self.job.pk])
                row = cursor.fetchone()
        except OperationalError:
            # never the handler's transaction here (see above). Progress is only shown: a locked SQLite
            # (another writer) skips this write, the next one carries the figures, the handler goes on
            log.info("job %s: progress not written this time", self.job.pk, exc_info=True)
            return
        self._dirty = False
        if row and row[0]:
            raise JobCancelled

    def _side_connection(self):
        if self._side is None:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
        return self._side
