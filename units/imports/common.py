"""What the units and staff imports share: the report, typed row reading, headers, the write."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError
from django.utils import timezone

from bianzhi.lib.dates import InvalidDate, parse_date
from bianzhi.lib.text import clean_cell
from bianzhi.lib.xlsx import (
    RowError,
    Sheet,
    UnreadableWorkbook,
    load_source,
    map_headers,
    read_sheet,
)
from units.choices import (
    ESTABLISHMENT_ORDER,
    PostCategory,
)

Source = str | os.PathLike | bytes | IO[bytes]

UNITS_SHEET, LIMITS_SHEET, STAFF_SHEET = "机构", "限额", "实有人员"
QUOTA_COLUMNS = [str(t) for t in ESTABLISHMENT_ORDER]
EARMARK_COLUMN = "其中军转行政编制"
POST_COLUMNS = {
    "单位领导正职职数": PostCategory.CHIEF,
    "单位领导副职职数": PostCategory.DEPUTY,
    "内设机构领导职数": PostCategory.DIVISION,
}
UNIT_HEADERS = [
    "机构名称",
    "统一社会信用代码",
    "其他名称",
    "上级机构",
    "机构性质",
    "系统类别",
    "机构规格",
    "经费形式",
    "事业单位类别",
    "所在乡镇",
    "是否涉密",
    "主要职责",
    "设立文号",
    "设立日期",
    *QUOTA_COLUMNS,
    EARMARK_COLUMN,
    *POST_COLUMNS,
    "核定文号",
]
UNIT_ALIASES = {
    "统一社会信用代码": ("社会信用代码", "信用代码"),
    "其他名称": ("加挂牌子",),
    "上级机构": ("主管部门", "隶属单位"),
}
UNIT_REQUIRED = ("机构名称", "机构性质", "系统类别", "经费形式")
LIMIT_HEADERS = ["日期", "文号", "编制类型", "增减数", "说明"]
LIMIT_REQUIRED = ("日期", "文号", "编制类型", "增减数")
STAFF_HEADERS = [
    "单位名称",
    "内设机构",
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "民族",
    "政治面貌",
    "学历",
    "职务",
    "职级",
    "编制类型",
    "人员类别",
    "领导职务",
    "入编时间",
    "入编文号",
    "进入方式",
    "是否军转干部",
    "参加工作时间",
    "在岗状态",
]
STAFF_ALIASES = {"公民身份号码": ("身份证号", "身份证号码", "证件号码"), "单位名称": ("工作单位",)}
STAFF_REQUIRED = ("单位名称", "姓名", "公民身份号码", "编制类型", "人员类别", "入编时间")
YES_NO = {"是": True, "否": False}
NEUTRALISED = ("=", "+", "-", "@")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# ---- the report --------------------------------------------------------------------------------------


@dataclass
class FileReport:
    """What reading a workbook found: ``exit_code`` is the command's exit status (FORMATS §0), and the
    summary's frame (dry-run prefix, the all-or-nothing line, warnings) is the same for every import."""

    filename: str = ""
    dry_run: bool = False
    fatal: str | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0

    @property
    def exit_code(self) -> int:
        if self.fatal:
            return 2
        return 1 if self.errors else 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def _summary(self, head: str, done: list[str] = ()) -> list[str]:
        """``head`` (the counts), then the error line or ``done`` (lines that hold only without errors),
        then the warnings."""
        if self.fatal:
            return [self.fatal]
        lines = [("仅校验（未写入）：" if self.dry_run else "") + head]
        if self.errors:
            lines.append(f"发现 {len(self.errors)} 个错误，未写入任何数据。")
        else:
            lines += done
        return lines + [f"警告：{w}" for w in self.warnings]


@dataclass
class ImportReport(FileReport):
    """What an import found and did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    over_quota: list[str] = field(default_factory=list)
    over_posts: list[str] = field(default_factory=list)
    notes: list[str] = field(
        default_factory=list
    )  # what the load did beyond the counts (dates, mode, people)

    def summary_lines(self) -> list[str]:
        head = (
            f"读取行数 {self.rows_read}，新增 {self.created}，更新 {self.updated}，未变化 {self.unchanged}，"
            f"警告 {len(self.warnings)}"
        )
        checked = ["校验通过；这是仅校验，未写入任何数据。"] if self.dry_run else []
        return self._summary(head, checked + self.notes)


class Quiet:
    """The progress of an import run outside a job (the page, a command): reports nothing."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


READ, CHECK, WRITE = "读取文件", "校验", "写入"  # the stages a job's page shows, with rows counted


def _too_many_errors(report: ImportReport) -> bool:
    return len(report.errors) > 5000


# ---- reading one row ---------------------------------------------------------------------------------


class RowReader:
    """Typed access to one row's cells; every problem is appended to ``errors`` as a RowError."""

    def __init__(
        self, sheet: str, row: int, values: Sequence[Any], index: dict[str, int], errors: list[RowError]
    ):
        self.sheet, self.row, self.values, self.index, self.errors = sheet, row, values, index, errors
        self.failed = False

    def has(self, column: str) -> bool:
        return column in self.index

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.errors.append(RowError(self.sheet, self.row, column, message))

    def raw(self, column: str) -> Any:
        i = self.index.get(column)
        return self.values[i] if i is not None and i < len(self.values) else None

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = clean_cell(self.raw(column))
        if isinstance(self.raw(column), dt.datetime | dt.date):
            value = parse_date(self.raw(column)).isoformat()
        if value[:1] == "'" and value[1:2] in NEUTRALISED:  # our own export's formula guard
            value = value[1:]
        if required and not value:
            self.error(column, "不能为空")
        elif max_length and len(value) > max_length:
            self.error(column, f"内容过长（{len(value)}个字符），最多{max_length}个字符")
            return value[:max_length]
        return value

    def choice(
        self, column: str, choices: Sequence[str], *, required: bool = False, default: str = ""
    ) -> str:
        value = re.sub(r"\s+", "", self.text(column, required=required))
        if not value:
            return default
        if value not in choices:
            shown = value if len(value) <= 30 else value[:30] + "…"
            self.error(column, f"“{shown}”不是有效的{column}，应为：{'、'.join(choices)}")
            return default
        return value

    def integer(self, column: str, *, signed: bool = False) -> int:
        value = self.raw(column)
        if value is None or value == "":
            return 0
        if isinstance(value, bool):
            self.error(column, f"“{value}”不是整数")
            return 0
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = re.sub(r"\s+", "", clean_cell(value)).replace("＋", "+").replace("－", "-")
        if not text:
            return 0
        if not re.fullmatch(r"[+-]?\d{1,9}(\.0+)?", text):
            self.error(column, f"“{text[:30]}”不是{'整数' if signed else '非负整数'}")
            return 0
        number = int(float(text)) if "." in text else int(text)
        if number < 0 and not signed:
            self.error(column, f"“{text}”不能为负数")
            return 0
        return number

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.raw(column)
        try:
            parsed = parse_date(value)
        except InvalidDate as exc:
            self.error(column, str(exc))
            return None
        if parsed is None and required:
            self.error(column, "不能为空")
        elif parsed is not None and parsed > timezone.localdate():
            self.error(column, f"{parsed:%Y-%m-%d}晚于今天")
        return parsed

    def flag(self, column: str) -> bool:
        if isinstance(self.raw(column), bool):  # a real Excel TRUE/FALSE
            return self.raw(column)
        return YES_NO.get(self.choice(column, list(YES_NO)), False)


def _header_problems(
    sheet: Sheet, columns: Sequence[str], aliases: dict, required: Sequence[str], report: ImportReport
) -> dict[str, int] | None:
    mapping = {c: aliases.get(c, ()) for c in columns}
    headers = map_headers(sheet.header, mapping, required)
    for text in headers.unknown:
        report.warnings.append(f"工作表“{sheet.name}”的列“{text[:50]}”无法识别，已忽略。")
    for column in headers.missing:
        report.errors.append(RowError(sheet.name, 1, column, "缺少必填列"))
    return None if headers.missing else headers.index


def open_sheet(source: Source, filename: str, preferred: str, report) -> tuple[bytes, Sheet] | None:
    """The bytes and the preferred sheet (else the first) of an upload, read within the bounds; an
    unreadable or empty workbook sets ``report.fatal`` and gives None."""
    try:
        data = load_source(source, filename=filename)
        sheet = read_sheet(data, filename=filename, preferred=(preferred,))
    except UnreadableWorkbook as exc:
        report.fatal = str(exc)
        return None
    if not sheet.rows:
        report.fatal = f"工作表“{sheet.name}”没有数据行。"
        return None
    return data, sheet


def _write(load, plan, *, region, actor, report: ImportReport, sheet: str, **extra) -> None:
    """Run the bulk load; a clash with a concurrent change (a constraint) undoes it and is reported."""
    try:
        load(
            plan,
            region=region,
            actor=actor,
            filename=report.filename,
            over_quota=report.over_quota,
            over_posts=report.over_posts,
            **extra,
        )
    except IntegrityError:
        report.created = report.updated = 0
        report.errors.append(
            RowError(
                sheet,
                1,
                "",
                "写入时与同时进行的其他操作冲突（名称、信用代码或一人一编），未写入任何数据，请重新导入",
            )
        )


def _chunks(items: Sequence, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]
