"""python manage.py compare — the register against partner files (FORMATS.md §3)."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from bianzhi.lib.dates import InvalidDate, parse_date
from bianzhi.lib.xlsx import UnreadableWorkbook, error_workbook_path, write_error_workbook
from bianzhi.models import Region
from units.management.commands._workbook import resolve_actor, resolve_region
from verification.campaign.models import Campaign
from verification.campaign.services import campaign_compare
from verification.compare import read_sources
from verification.compare.data import PARTNER_SOURCES, SOURCE_LABEL
from verification.compare.engine import CODES, compare
from verification.compare.workbook import write_result
from verification.findings.register import load_register


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
    数据库中有多个区划的机构时须用 --region 指定区划，只比对该区划。给出 --campaign 时本次比对记为该
    核查工作的数据比对（与核查页面的“数据比对”相同：环节时间、权限照常检查），结果工作簿的附件2–5
    为该核查工作各单位核查时点的数据。
    """

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", help="组织部门数据文件")
        parser.add_argument("--finance", help="财政部门（财政供养人员）数据文件")
        parser.add_argument("--si", help="人社部门（社会保险参保）数据文件")
        parser.add_argument("--out", help="结果工作簿 RESULT.xlsx")
        parser.add_argument(
            "--campaign", help="核查工作名称：按其数据采集时间节点比对，并记为该核查工作的数据比对"
        )
        parser.add_argument("--cutoff", help="数据采集时间节点 YYYY-MM-DD（默认：当前）")
        parser.add_argument("--region", help="区划代码（数据库中只有一个县级区划时可省略）")
        parser.add_argument("--user", metavar="USERNAME", help="以该用户身份记录（默认：系统）")

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
        code = (options.get("region") or "").strip()
        region = self._region(code) if code else None
        campaign = self._campaign(options["campaign"], region) if options.get("campaign") else None
        if campaign is not None and options.get("cutoff"):
            raise Exit(1, ["--campaign 使用该核查工作的数据采集时间节点，不能再给出 --cutoff。"])
        cutoff = campaign.cutoff if campaign is not None else self._cutoff(options.get("cutoff"))
        actor = self._actor(options.get("user"))
        try:
            read = read_sources(files)
        except UnreadableWorkbook as exc:
            raise Exit(2, [str(exc)]) from None
        for warning in read.warnings:
            self.stdout.write(f"警告：{warning}")
        if read.errors:
            self._report_errors(read.errors)
        if campaign is not None:
            self._run_campaign(campaign, read.rows, actor, out, started)
            return
        region = region or self._region(None)
        register = load_register(region=region, cutoff=cutoff)
        result = compare(register, read.rows)
        try:
            write_result(out, result, register, list(read.rows))
        except OSError as exc:
            raise Exit(1, [f"无法写出结果工作簿 {out}：{exc.strerror or exc}"]) from None
        stats = {s: vars(result.stats[s]) for s in read.rows}
        self._summary(
            stats, result.count_by_code(), result.register_people, len(result.findings), out, started
        )

    def _run_campaign(self, campaign, rows, actor, out: Path, started: float) -> None:
        """The campaign's comparison (the same service as the campaign page's), then its workbook."""
        try:
            run = campaign_compare(campaign=campaign, actor=actor, rows=rows)
        except ValidationError as exc:
            raise Exit(1, [f"核查工作“{campaign.name}”：{'；'.join(exc.messages)}"]) from None
        except PermissionDenied as exc:
            raise Exit(1, [str(exc) or "没有权限。"]) from None
        try:
            with run.result_file.open("rb") as handle:
                out.write_bytes(handle.read())
        except OSError as exc:
            raise Exit(1, [f"无法写出结果工作簿 {out}：{exc.strerror or exc}"]) from None
        counts = run.counts or {}
        self.stdout.write(
            f"已记为核查工作“{campaign.name}”的数据比对（数据采集时间节点 {campaign.cutoff:%Y-%m-%d}，"
            f"新增问题 {run.new_count} 条，不再出现 {run.gone_count} 条）"
        )
        self._summary(
            run.stats,
            counts.get("by_code", {}),
            counts.get("register_people", 0),
            run.finding_count,
            out,
            started,
        )

    def _out_path(self, value: str | None) -> Path:
        if not value:
            raise Exit(1, ["请用 --out 指定结果工作簿（.xlsx）。"])
        out = Path(value)
        if out.suffix.lower() != ".xlsx":
            raise Exit(1, [f"结果文件应为 .xlsx：{out}"])
        if not out.parent.is_dir():
            raise Exit(1, [f"结果文件所在目录不存在：{out.parent}"])
        return out

    def _region(self, code: str | None) -> Region:
        try:
            return resolve_region(code, 1)
        except CommandError as exc:
            raise Exit(1, [str(exc)]) from None

    def _actor(self, username: str | None):
        try:
            return resolve_actor(username)
        except CommandError as exc:
            raise Exit(1, [str(exc)]) from None

    def _cutoff(self, value: str | None) -> dt.date | None:
        if not value:
            return None
        try:
            day = parse_date(value)
        except InvalidDate:
            day = None
        if day is None:
            raise Exit(1, [f"数据采集时间节点“{value}”不是有效日期（应为 YYYY-MM-DD）。"])
        return day

    def _campaign(self, name: str, region: Region | None) -> Campaign:
        name = name.strip()
        qs = Campaign.objects.filter(name=name).select_related("region")
        if region is not None:
            qs = qs.filter(region=region)
        found = list(qs[:2])
        if not found:
            raise Exit(1, [f"没有名为“{name}”的核查工作。"])
        if len(found) > 1:
            raise Exit(1, [f"多个区划都有名为“{name}”的核查工作，请用 --region 指定区划。"])
        return found[0]

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

    def _summary(
        self, stats: dict, by_code: dict, people: int, total: int, out: Path, started: float
    ) -> None:
        for source, values in stats.items():
            self.stdout.write(
                f"{SOURCE_LABEL[source]}：读取 {values['rows']} 行，有效身份证号 {values['valid_ids']} 个，"
                f"与实名制匹配 {values['matched_ids']} 个，未匹配单位 {values['unmatched_units']} 个"
            )
        self.stdout.write(f"实名制在编 {people} 人")
        for code, title in CODES.items():
            if by_code.get(code):
                self.stdout.write(f"  {code} {title}：{by_code[code]}")
        seconds = time.perf_counter() - started
        self.stdout.write(f"共发现问题 {total} 条，结果已写入 {out}（用时 {seconds:.1f} 秒）")
