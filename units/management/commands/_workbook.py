"""What the import/export commands share: the region, the actor, printing a report, exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from bianzhi.lib.dates import InvalidDate, parse_date
from bianzhi.lib.xlsx import error_workbook_path, write_error_workbook
from bianzhi.models import Region
from units.models import Unit


def add_common_arguments(parser, *, dry_run: bool) -> None:
    parser.add_argument("--region", metavar="CODE", help="行政区划代码（只有一个区划时可省略）/ region code")
    parser.add_argument(
        "--user",
        metavar="USERNAME",
        help="按该用户的权限办理并记入审计（默认：系统）/ the user whose rights apply (default: the system)",
    )
    if dry_run:
        parser.add_argument("--dry-run", action="store_true", help="仅校验，不写入数据库 / validate only")


def resolve_region(code: str | None, exit_code: int = 2) -> Region:
    """The region named by ``--region CODE``; without it, the only region, or the one region holding all
    the units (FORMATS §5). Anything else stops the command with one line and ``exit_code``."""
    if code:
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            raise CommandError(f"没有代码为 {code} 的行政区划。", returncode=exit_code)
        return region
    regions = list(Region.objects.all()[:2])
    if not regions:
        raise CommandError("数据库中还没有行政区划，请先建立区划（add_region）。", returncode=exit_code)
    if len(regions) == 1:
        return regions[0]
    holding = list(Region.objects.filter(pk__in=Unit.objects.values("region_id")).order_by("pk")[:2])
    if len(holding) == 1:
        return holding[0]
    raise CommandError("数据库中有多个行政区划，请用 --region 指定区划（区划代码）。", returncode=exit_code)


def resolve_actor(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"没有用户名为 {username} 的用户。", returncode=1)
    return user


def finish_import(command: BaseCommand, report, path: str) -> None:
    """Print the report in the FORMATS §0 form, write the error workbook on errors, exit 0/1/2."""
    out = command.stdout
    if report.fatal:
        command.stderr.write(report.fatal)
        sys.exit(2)
    if report.errors:
        for error in report.errors:
            out.write(str(error))
        target = error_workbook_path(path)
        try:
            write_error_workbook(target, report.errors)
            out.write(f"错误清单已写入：{target}")
        except OSError as exc:
            command.stderr.write(f"无法写入错误清单 {target}：{exc}")
        for line in report.summary_lines():
            out.write(line)
        sys.exit(1)
    for line in report.summary_lines():
        out.write(line)


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


class WorkbookCommand(BaseCommand):
    """Marks a run from the command line, where any unexpected failure becomes exit 2 with one line."""

    from_cli = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter  # keep the help's line breaks
        return parser

    def run_from_argv(self, argv):
        self.from_cli = True
        super().run_from_argv(argv)


def parse_option_date(value: str | None, option: str):
    """A date option (any of the FORMATS §0 date forms); a bad one is exit 1 with one line."""
    if value is None:
        return None
    try:
        parsed = parse_date(value)
    except InvalidDate as exc:
        raise CommandError(f"{option}：{exc}", returncode=1) from None
    if parsed is None:
        raise CommandError(f"{option}：请填写日期，如 2021-12-31。", returncode=1)
    return parsed


def refusal(exc: Exception) -> CommandError:
    """A service's refusal (no right, a missing document or reason, a future date) as exit 1, one line."""
    if isinstance(exc, ValidationError):
        text = "；".join(exc.messages)
    else:
        text = str(exc) or "您没有执行此操作的权限。"
    return CommandError(text, returncode=1)


def run_import(command: BaseCommand, function, options, **extra) -> None:
    path = options["file"]
    region = resolve_region(options.get("region"))
    actor = resolve_actor(options.get("user"))
    try:
        report = function(
            path,
            filename=Path(path).name,
            region=region,
            actor=actor,
            dry_run=options.get("dry_run", False),
            **extra,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise refusal(exc) from None
    except Exception as exc:  # the command boundary: bad input never ends in a traceback
        if not getattr(command, "from_cli", False) or options.get("traceback"):
            raise  # call_command (tests, scripts) sees programming errors as they are
        command.stderr.write(f"无法导入 {path}：{type(exc).__name__}: {exc}")
        sys.exit(2)
    finish_import(command, report, path)


class ExportCommand(WorkbookCommand):
    """export_units / export_staff: one region's workbook written to ``--out`` (audited by the export)."""

    what = ""  # what the message names: 机构, 在编人员

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出文件 .xlsx / output file")
        add_common_arguments(parser, dry_run=False)

    def workbook(self, region: Region, actor) -> bytes:
        raise NotImplementedError

    def handle(self, *args, **options):
        region = resolve_region(options.get("region"))
        data = self.workbook(region, resolve_actor(options.get("user")))
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"已导出 {region.name} 的{self.what}到 {options['out']}")
