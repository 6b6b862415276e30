from __future__ import annotations

from units.imports import import_units_file
from units.management.commands._workbook import WorkbookCommand, add_common_arguments, run_import


class Command(WorkbookCommand):
    help = """导入机构工作簿（FORMATS.md §1：工作表“机构”，可选工作表“限额”先导入）。
Import the units workbook (sheet 机构, optional sheet 限额 loaded first).

全部校验通过才写入（一个事务）；有错误时逐行输出“工作表 第N行 列名: 说明”，
并在输入文件旁写出错误清单（units.xlsx → units.errors.xlsx）。
退出码 / exit codes: 0 成功 success, 1 数据有错误 invalid rows, 2 文件无法读取 unreadable file.

示例 / example: python manage.py import_units 机构.xlsx --dry-run --region 621125"""

    def add_arguments(self, parser):
        parser.add_argument("file", help="机构工作簿 .xlsx / the units workbook")
        add_common_arguments(parser, dry_run=True)

    def handle(self, *args, **options):
        run_import(self, import_units_file, options)
