"""python manage.py compare — the register against partner files (FORMATS.md §3)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from bianzhi.lib.dates import InvalidDate, parse_date
from bianzhi.lib.xlsx import UnreadableWorkbook, error_workbook_path, write_error_workbook
from bianzhi.models import Region
from verification.compare import read_sources
from verification.compare.data import PARTNER_SOURCES, SOURCE_LABEL
from verification.compare.engine import CODES, compare
from verification.compare.register import load_register
from verification.compare.workbook import write_result


class Exit(Exception):
    def __init__(self, code: int, lines: list[str]) -> None:
        super().__init__(code)
        self.code, self.lines = code, lines


class Command(BaseCommand):
    help = """比对实名制与组织、财政、人社部门数据，写出结果工作簿（问题清单、比对概况、附件2–5）。

    至少给出一个数据文件（.xlsx/.xls/.csv，第一个工作表）。退出码：0 比对完成（有无问题均为 0），
    1 输入无效（缺少必填列、行数据错误、参数错误；同时在输入文件旁写出 <文件>.errors.xlsx），
    2 文件无法读取（不是工作簿、过大或没有数据）。
    实名制一方为当前在编人员；给出 --cutoff（或 --campaign 的数据采集时间节点）时为该日在编人员。
    """

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", help="组织部门数据文件")
        parser.add_argument("--finance", help="财政部门（财政供养人员）数据文件")
        parser.add_argument("--si", help="人社部门（社会保险参保）数据文件")
        parser.add_argument("--out", help="结果工作簿 RESULT.xlsx")
        parser.add_argument("--campaign", help="核查工作名称（使用其数据采集时间节点）")
        parser.add_argument("--cutoff", help="数据采集时间节点 YYYY-MM-DD（默认：当前）")
        parser.add_argument("--region", help="区划代码（默认：全部区划）")

    def handle(self, *args, **options) -> None:
        try:
            self._run(options)
        except Exit as exc:
            for line in exc.lines:
                self.stderr.write(line)
            sys.exit(exc.code)

    def _run(self, options) -> None:
        started = time.perf_counter()
        files = {s: options[s] for s in PARTNER_SOURCES if options.get(s)}
        if not files:
            raise Exit(1, ["至少需要一个数据文件：--org、--finance 或 --si。"])
        out = self._out_path(options.get("out"))
        region = self._region(options.get("region"))
        cutoff = self._cutoff(options.get("cutoff"), options.get("campaign"))
        try:
            read = read_sources(files)
        except UnreadableWorkbook as exc:
            raise Exit(2, [str(exc)]) from None
        for warning in read.warnings:
            self.stdout.write(f"警告：{warning}")
        if read.errors:
            self._report_errors(read.errors)
        register = load_register(region=region, cutoff=cutoff)
        result = compare(register, read.rows)
        try:
            write_result(out, result, register, list(read.rows))
        except OSError as exc:
            raise Exit(1, [f"无法写出结果工作簿 {out}：{exc.strerror or exc}"]) from None
        self._summary(read.rows, result, out, time.perf_counter() - started)

    def _out_path(self, value: str | None) -> Path:
        if not value:
            raise Exit(1, ["请用 --out 指定结果工作簿（.xlsx）。"])
        out = Path(value)
        if out.suffix.lower() != ".xlsx":
            raise Exit(1, [f"结果文件应为 .xlsx：{out}"])
        if not out.parent.is_dir():
            raise Exit(1, [f"结果文件所在目录不存在：{out.parent}"])
        return out

    def _region(self, code: str | None) -> Region | None:
        if not code:
            return None
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            raise Exit(1, [f"没有区划代码为“{code}”的区划。"])
        return region

    def _cutoff(self, value: str | None, campaign: str | None) -> dt.date | None:
        if campaign:
            return self._campaign_cutoff(campaign)
        if not value:
            return None
        try:
            day = parse_date(value)
        except InvalidDate:
            day = None
        if day is None:
            raise Exit(1, [f"数据采集时间节点“{value}”不是有效日期（应为 YYYY-MM-DD）。"])
        return day

    def _campaign_cutoff(self, name: str) -> dt.date:
        try:
            from verification.models import Campaign  # type: ignore[attr-defined]
        except ImportError:
            raise Exit(1, [f"没有名为“{name}”的核查工作（系统中尚未建立核查工作）。"]) from None
        campaign = Campaign.objects.filter(name=name).first()
        if campaign is None:
            raise Exit(1, [f"没有名为“{name}”的核查工作。"])
        return campaign.cutoff_date

    def _report_errors(self, errors) -> None:
        lines = []
        for path, problems in errors.items():
            lines += [str(e) for e in problems]
            target = error_workbook_path(path)
            try:
                write_error_workbook(target, problems)
                lines.append(f"错误清单已写入 {target}")
            except OSError:
                lines.append(f"无法写出错误清单 {target}")
        lines.append("数据文件有错误，未进行比对。请修改后重新提交。")
        raise Exit(1, lines)

    def _summary(self, rows, result, out: Path, seconds: float) -> None:
        for source in rows:
            stats = result.stats[source]
            self.stdout.write(
                f"{SOURCE_LABEL[source]}：读取 {stats.rows} 行，有效身份证号 {stats.valid_ids} 个，"
                f"与实名制匹配 {stats.matched_ids} 个，未匹配单位 {stats.unmatched_units} 个"
            )
        self.stdout.write(f"实名制在编 {result.register_people} 人")
        by_code = result.count_by_code()
        for code, title in CODES.items():
            if by_code.get(code):
                self.stdout.write(f"  {code} {title}：{by_code[code]}")
        self.stdout.write(f"共发现问题 {len(result.findings)} 条，结果已写入 {out}（用时 {seconds:.1f} 秒）")
