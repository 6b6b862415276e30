from __future__ import annotations

from units.imports import import_units_file
from units.management.commands._workbook import (
    WorkbookCommand,
    add_common_arguments,
    parse_option_date,
    run_import,
)


class Command(WorkbookCommand):
    help = """导入机构工作簿（FORMATS.md §1：工作表“机构”，可选工作表“限额”先导入）。
Import the units workbook (sheet 机构, optional sheet 限额 loaded first).

编制和职数自核定文号的发文日期起生效（该文件已登记且有发文日期时），否则自 --as-of 日期起生效
（默认为导入当天，不能晚于今天）；本次新建机构的首次核定数标为“建账”。结果中写明所用日期。
Quotas and posts take effect on the date of their 核定文号 Document when it is on file with a date,
else on --as-of (default: today; never in the future).

全部校验通过才写入（一个事务）；有错误时逐行输出“工作表 第N行 列名: 说明”，
并在输入文件旁写出错误清单（units.xlsx → units.errors.xlsx）。
退出码 / exit codes: 0 成功 success, 1 数据有错误或被拒绝 invalid rows or refused, 2 文件无法读取 unreadable file.

示例 / example: python manage.py import_units 机构.xlsx --as-of 2021-12-31 --region 621125"""

    def add_arguments(self, parser):
        parser.add_argument("file", help="机构工作簿 .xlsx / the units workbook")
        parser.add_argument(
            "--as-of",
            metavar="DATE",
            help="核定文号没有登记发文日期时的生效日期（默认今天）/ effective date when the Document has none",
        )
        add_common_arguments(parser, dry_run=True)

    def handle(self, *args, **options):
        as_of = parse_option_date(options.get("as_of"), "--as-of")
        run_import(self, import_units_file, options, as_of=as_of)
