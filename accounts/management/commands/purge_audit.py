"""``purge_audit --before DATE`` or ``--keep-months N``: delete old audit entries (never younger than 6
months)."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.services.retention import MIN_MONTHS, audit_purge, months_before


class Command(BaseCommand):
    help = """清理早于指定日期的审计日志（默认永久保留；不能清理最近6个月的记录）。

purge_audit --before 2025-01-01, or purge_audit --keep-months 36. A date within the last 6 months
(or --keep-months below 6) is refused: exit 1 with one line on stderr, nothing deleted. The run writes
its own audit row."""

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--before", help="清理此日期（YYYY-MM-DD）之前的记录")
        group.add_argument("--keep-months", type=int, help=f"保留最近N个月的记录（N不小于{MIN_MONTHS}）")

    def handle(self, *args, before: str | None, keep_months: int | None, **options):
        if before is not None:
            try:
                day = dt.date.fromisoformat(before)
            except ValueError:
                self.stderr.write(f"日期“{before}”格式不对，应为 YYYY-MM-DD。")
                sys.exit(1)
        elif keep_months < MIN_MONTHS:
            self.stderr.write(f"审计日志至少保留{MIN_MONTHS}个月：--keep-months 不能小于{MIN_MONTHS}。")
            sys.exit(1)
        else:
            day = months_before(timezone.localdate(), keep_months)
        try:
            deleted = audit_purge(before=day, actor=None)
        except ValidationError as exc:
            self.stderr.write("；".join(exc.messages))
            sys.exit(1)
        self.stdout.write(f"已清理 {day:%Y-%m-%d} 之前的审计日志 {deleted} 条（本次清理已记入审计日志）。")
