from __future__ import annotations

from pathlib import Path

from units.exports import units_workbook
from units.management.commands._workbook import (
    WorkbookCommand,
    add_common_arguments,
    resolve_actor,
    resolve_region,
)
from units.models import Unit


class Command(WorkbookCommand):
    help = """导出机构工作簿（FORMATS.md §1 的格式，可直接再导入）。
Export the live units of a region as the units workbook (re-importable as is).

导出会记入审计日志，并在工作簿末尾附“导出说明”（导出人、导出时间）。

示例 / example: python manage.py export_units --out 机构.xlsx --region 621125"""

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出文件 .xlsx / output file")
        add_common_arguments(parser, dry_run=False)

    def handle(self, *args, **options):
        region = resolve_region(options.get("region"))
        actor = resolve_actor(options.get("user"))
        data = units_workbook(
            Unit.objects.filter(region=region, status="正常"), actor=actor, filters={"region": region.code}
        )
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"已导出 {region.name} 的机构到 {options['out']}")
