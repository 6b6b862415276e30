from __future__ import annotations

from units.exports import staff_workbook
from units.management.commands._workbook import ExportCommand
from units.models import Person


class Command(ExportCommand):
    help = """导出实有人员工作簿（FORMATS.md §2 的格式，在编人员，可直接再导入）。
Export the people in establishment of a region as the staff workbook (re-importable as is).

导出会记入审计日志，并在工作簿末尾附“导出说明”（导出人、导出时间）。

示例 / example: python manage.py export_staff --out 实有人员.xlsx"""
    what = "在编人员"

    def workbook(self, region, actor) -> bytes:
        people = Person.objects.filter(unit__region=region)
        return staff_workbook(people, actor=actor, filters={"region": region.code})
