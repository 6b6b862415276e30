"""check_ledgers: rebuild every ledger from the source records and report differences."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ledgers.services import rebuild


class Command(BaseCommand):
    help = """核对台账：从登记数据（机构、编制、领导职数、变更记录、实有人员、限额记录）重算全部台账，
与系统保存的台账逐项比较（账账相符、账实相符）。

每一处差异打印一行；有差异时退出码为1，全部相符为0。结果记入核对记录，在首页显示。
--fix 在核对前补记缺少的分录并重算表一（只追加，不修改已有分录），用于台账功能关闭期间的数据。"""

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fix", action="store_true", help="先补记缺少的分录并重算表一，再核对")
        parser.add_argument("--quiet", action="store_true", help="只打印结论")

    def handle(self, *args, fix: bool = False, quiet: bool = False, **options) -> None:
        if fix:
            with transaction.atomic():
                done = rebuild.repair()
            self.stdout.write("已补记：" + "，".join(f"{k}{v}条" for k, v in done.items()))
        check, report = rebuild.run_check()
        if not quiet:
            for line in report.differences:
                self.stdout.write(line)
        counts = "，".join(f"{k}{v}" for k, v in report.summary.items())
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"台账核对相符（{counts}）。"))
            return
        raise CommandError(f"台账核对发现{len(report.differences)}处差异（{counts}）。", returncode=1)
