from __future__ import annotations

from units.imports import import_staff_file
from units.management.commands._workbook import WorkbookCommand, add_common_arguments, run_import


class Command(WorkbookCommand):
    help = """导入实有人员工作簿（FORMATS.md §2：工作表“实有人员”），按公民身份号码新增或更新。
Import the staff workbook (sheet 实有人员): upsert by ID number (new = 入编, known = 信息变更).

本区划第一次导入（还没有在编人员）是建账，按实际情况登记。此后每个新的公民身份号码都是日常入编，
须遵守核编在先：入编文号填写本单位该编制类型有效、未使用的编制使用单（导入即使用），否则该行报错。
--baseline --document 文号 --reason 原因：编办管理员的年度数据更新，按实际情况重新登记、不用编制使用单
（记入审计，结果列出每名新增人员）。
The region's first load is its 建账; after that each new person needs a valid 编制使用单 in 入编文号.
--baseline (administrators; --document and --reason required) records reality again, audited.

全部校验通过才写入（一个事务）；有错误时逐行输出“工作表 第N行 列名: 说明”，
并在输入文件旁写出错误清单（staff.xlsx → staff.errors.xlsx）。建账和年度数据更新时超编、超职数照实导入并列为警告。
退出码 / exit codes: 0 成功 success, 1 数据有错误或被拒绝 invalid rows or refused, 2 文件无法读取 unreadable file.

示例 / example: python manage.py import_staff 实有人员.xlsx --dry-run"""

    def add_arguments(self, parser):
        parser.add_argument("file", help="实有人员工作簿 .xlsx / the staff workbook")
        parser.add_argument(
            "--baseline",
            action="store_true",
            help="年度数据更新：按实际情况重新登记，不用编制使用单（编办管理员）/ annual data update",
        )
        parser.add_argument(
            "--document", metavar="文号", default="", help="年度数据更新的依据文件文号 / its Document"
        )
        parser.add_argument("--reason", metavar="TEXT", default="", help="年度数据更新的原因 / its reason")
        add_common_arguments(parser, dry_run=True)

    def handle(self, *args, **options):
        extra = {}
        if options.get("baseline"):
            extra = {"baseline": True, "document": options["document"], "reason": options["reason"]}
        elif options.get("document") or options.get("reason"):
            from django.core.management.base import CommandError

            raise CommandError("--document 和 --reason 只用于年度数据更新（--baseline）。", returncode=1)
        run_import(self, import_staff_file, options, **extra)
