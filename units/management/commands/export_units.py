from __future__ import annotations

from units.exports import units_workbook
from units.management.commands._workbook import ExportCommand
from units.models import Unit


class Command(ExportCommand):
    help = """导出机构工作簿（FORMATS.md §1 的格式，可直接再导入）。
Export the live units of a region as the units workbook (re-importable as is).

导出会记入审计日志，并在工作簿末尾附“导出说明”（导出人、导出时间）。

示例 / example: python manage.py export_units --out 机构.xlsx --region 621125"""
    what = "机构"

    def workbook(self, region, actor) -> bytes:
        units = Unit.objects.filter(region=region, status="正常")
        return units_workbook(units, actor=actor, filters={"region": region.code})
