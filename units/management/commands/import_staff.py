from __future__ import annotations

from units.imports import import_staff_file
from units.management.commands._workbook import WorkbookCommand, add_common_arguments, run_import


class Command(WorkbookCommand):
    help = """导入实有人员工作簿（FORMATS.md §2：工作表“实有人员”），按公民身份号码新增或更新。
Import the staff workbook (sheet 实有人员): upsert by ID number (new = 入编, known = 信息变更).

全部校验通过才写入（一个事务）；有错误时逐行输出“工作表 第N行 列名: 说明”，
并在输入文件旁写出错误清单（staff.xlsx → staff.errors.xlsx）。超编、超职数照实导入并列为警告。
退出码 / exit codes: 0 成功 success, 1 数据有错误 invalid rows, 2 文件无法读取 unreadable file.

示例 / example: python manage.py import_staff 实有人员.xlsx --dry-run"""

    def add_arguments(self, parser):
        parser.add_argument("file", help="实有人员工作簿 .xlsx / the staff workbook")
        add_common_arguments(parser, dry_run=True)

    def handle(self, *args, **options):
        run_import(self, import_staff_file, options)
