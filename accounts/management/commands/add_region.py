"""``add_region CODE NAME [--parent CODE]`` (FORMATS.md §5)."""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from accounts.services.regions import region_add


class Command(BaseCommand):
    help = """登记一个行政区划（GB/T 2260 六位代码），真实县从空数据库起步的第一步。

Create a region: add_region 621125 漳县 [--parent 621100] [--level 县级]. Running it again with the same code and
name changes nothing (exit 0); a bad code, an unknown parent, or an existing code with another name
exits 1 with one line on stderr."""

    def add_arguments(self, parser):
        parser.add_argument("code", help="六位区划代码，如 621125")
        parser.add_argument("name", help="区划名称，如 漳县")
        parser.add_argument("--parent", default=None, help="上级区划代码（须已登记）")
        parser.add_argument(
            "--level",
            default=None,
            choices=["省级", "市级", "县级"],
            help="区划层级（默认按代码：xx0000 省级，xxxx00 市级，其余县级；直辖市的区、省直辖县等例外时指定）",
        )

    def handle(self, *args, code: str, name: str, parent: str | None, level: str | None, **options):
        try:
            region, created = region_add(code, name, parent=parent, level=level, actor=None)
        except ValidationError as exc:
            self.stderr.write("；".join(exc.messages))
            sys.exit(1)
        if created:
            self.stdout.write(f"已登记行政区划：{region}")
        else:
            self.stdout.write(f"行政区划已存在，未作改动：{region}")
