from __future__ import annotations

from pathlib import Path

from units.exports import staff_workbook
from units.management.commands._workbook import (
    WorkbookCommand,
    add_common_arguments,
    resolve_actor,
    resolve_region,
)
from units.models import Person


class Command(WorkbookCommand):
    help = """导出实有人员工作簿（FORMATS.md §2 的格式，在编人员，可直接再导入）。
Export the people in establishment of a region as the staff workbook (re-importable as is).

导出会记入审计日志，并在工作簿末尾附“导出说明”（导出人、导出时间）。

示例 / example: python manage.py export_staff --out 实有人员.xlsx"""

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出文件 .xlsx / output file")
        add_common_arguments(parser, dry_run=False)

    def handle(self, *args, **options):
        region = resolve_region(options.get("region"))
        actor = resolve_actor(options.get("user"))
        data = staff_workbook(
            Person.objects.filter(unit__region=region), actor=actor, filters={"region": region.code}
        )
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"已导出 {region.name} 的在编人员到 {options['out']}")
