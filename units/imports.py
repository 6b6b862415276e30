"""Importing the units and staff workbooks (FORMATS.md §0–§2).

Everything is validated first; only a file without a single error is written, in one transaction,
by ``units.bulk``. ``dry_run`` validates and reports without writing. The web upload pages, the
management commands and the demo loader call ``import_units_file`` and ``import_staff_file``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone

from bianzhi.lib.dates import InvalidDate, parse_date
from bianzhi.lib.idnumbers import InvalidNumber, id_info, normalize_credit_code
from bianzhi.lib.text import clean_cell, normalize_doc_number, split_aliases
from bianzhi.lib.xlsx import (
    RowError,
    Sheet,
    UnreadableWorkbook,
    load_source,
    map_headers,
    read_named_sheet,
    read_sheet,
)
from units import bulk
from units.choices import (
    ALLOWED_TYPES,
    ESTABLISHMENT_ORDER,
    LIMIT_COVERS,
    DutyStatus,
    EntryMethod,
    EstablishmentType,
    Funding,
    InstitutionClass,
    LeaderPost,
    LimitType,
    Nature,
    PostCategory,
    Rank,
    Sex,
    StaffCategory,
    System,
    UnitStatus,
)
from units.models import LeaderPostQuota, Person, Quota, QuotaLimitEntry, Unit, UnitAlias
from units.selectors import occupancy_by_type, post_holders_by_category

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
class ImportReport:
    """What an import found and did; ``exit_code`` is the command's exit status (FORMATS §0)."""

    filename: str = ""
    dry_run: bool = False
    fatal: str | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    over_quota: list[str] = field(default_factory=list)
    over_posts: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.fatal:
            return 2
        return 1 if self.errors else 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def summary_lines(self) -> list[str]:
        if self.fatal:
            return [self.fatal]
        head = (
            f"读取行数 {self.rows_read}，新增 {self.created}，更新 {self.updated}，未变化 {self.unchanged}，"
            f"警告 {len(self.warnings)}"
        )
        lines = [("仅校验（未写入）：" if self.dry_run else "") + head]
        if self.errors:
            lines.append(f"发现 {len(self.errors)} 个错误，未写入任何数据。")
        elif self.dry_run:
            lines.append("校验通过；这是仅校验，未写入任何数据。")
        lines += [f"警告：{w}" for w in self.warnings]
        return lines


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


def _open(source: Source, filename: str, preferred: str, report: ImportReport) -> tuple[bytes, Sheet] | None:
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


def _write(load, plan, *, region, actor, report: ImportReport, sheet: str) -> None:
    """Run the bulk load; a clash with a concurrent change (a constraint) undoes it and is reported."""
    try:
        load(
            plan,
            region=region,
            actor=actor,
            filename=report.filename,
            over_quota=report.over_quota,
            over_posts=report.over_posts,
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


# ---- units ---------------------------------------------------------------------------------------------


@dataclass
class _UnitRow:
    row: int
    name: str
    nature: str
    parent_name: str
    fields: dict[str, Any]
    aliases: list[str]
    quotas: dict[str, int]  # only the quota columns present in the file
    earmark: int | None
    posts: dict[str, int]
    founding_number: str
    approval_number: str
    present: frozenset[str] = frozenset()
    key: str = ""
    existing: Unit | None = None
    parent_key: str | None = None
    parent_id: int | None = None


def _parse_unit_row(r: RowReader) -> _UnitRow:
    name = r.text("机构名称", required=True, max_length=_max_length(Unit, "name"))
    nature = r.choice("机构性质", Nature.values, required=True)
    division = nature == Nature.DIVISION
    system = r.choice("系统类别", System.values, required=not division and bool(nature))
    funding = r.choice("经费形式", Funding.values, required=not division and bool(nature))
    if division and (system or funding):
        r.error("系统类别" if system else "经费形式", "内设机构不填写系统类别和经费形式")
    klass = r.choice("事业单位类别", InstitutionClass.values, required=nature == Nature.PUBLIC_INSTITUTION)
    if klass and nature and nature != Nature.PUBLIC_INSTITUTION:
        r.error("事业单位类别", "只有事业单位才有事业单位类别")
    code = r.text("统一社会信用代码")
    if code:
        if division:
            r.error("统一社会信用代码", "内设机构没有统一社会信用代码")
        else:
            try:
                code = normalize_credit_code(code)
            except InvalidNumber as exc:
                r.error("统一社会信用代码", str(exc))
    fields = {
        "name": name,
        "nature": nature,
        "system": "" if division else system,
        "rank": r.choice("机构规格", Rank.values, default=Rank.UNRANKED),
        "funding": "" if division else funding,
        "institution_class": klass,
        "township": r.text("所在乡镇", max_length=_max_length(Unit, "township")),
        "is_confidential": r.flag("是否涉密"),
        "duties": r.text("主要职责", max_length=20000),
        "founded_on": r.date("设立日期"),
        "credit_code": code,
    }
    aliases = split_aliases(r.text("其他名称", max_length=2000))
    for alias in aliases:
        if len(alias) > _max_length(UnitAlias, "name"):
            r.error("其他名称", f"名称“{alias[:20]}…”过长，最多{_max_length(UnitAlias, 'name')}个字符")
    quotas = {t: r.integer(t) for t in QUOTA_COLUMNS if r.has(t)}
    earmark = r.integer(EARMARK_COLUMN) if r.has(EARMARK_COLUMN) else None
    posts = {cat: r.integer(col) for col, cat in POST_COLUMNS.items() if r.has(col)}
    unit_row = _UnitRow(
        row=r.row,
        name=name,
        nature=nature,
        parent_name=r.text("上级机构", max_length=_max_length(Unit, "name")),
        fields=fields,
        aliases=[a for a in aliases if a != name],
        quotas=quotas,
        earmark=earmark,
        posts=posts,
        founding_number=_doc_number(r, "设立文号"),
        approval_number=_doc_number(r, "核定文号"),
        present=frozenset(r.index),
    )
    _check_unit_numbers(r, unit_row)
    return unit_row


def _doc_number(r: RowReader, column: str) -> str:
    number = normalize_doc_number(r.text(column))
    if len(number) > 100:
        r.error(column, "文号过长，最多100个字符")
    return number


def _check_unit_numbers(r: RowReader, u: _UnitRow) -> None:
    if u.nature == Nature.DIVISION:
        for t, n in u.quotas.items():
            if n:
                r.error(t, "内设机构不单独核定编制（内设机构行不填编制数）")
        for col, cat in POST_COLUMNS.items():
            if u.posts.get(cat):
                r.error(col, "内设机构行不填领导职数，职数核定在其所属单位")
        if u.earmark:
            r.error(EARMARK_COLUMN, "内设机构行不填编制数")
        return
    if u.nature:
        allowed = ALLOWED_TYPES[u.nature]
        for t, n in u.quotas.items():
            if n and t not in allowed:
                r.error(t, f"混用编制：{u.nature}不能核定{t}（只能核定{'、'.join(allowed)}）")
    if u.earmark and u.earmark > u.quotas.get(EstablishmentType.ADMIN, 0):
        r.error(
            EARMARK_COLUMN,
            f"其中军转行政编制（{u.earmark}）不能大于行政编制（{u.quotas.get('行政编制', 0)}）",
        )


def _validate_limits(sheet: Sheet, region, report: ImportReport) -> list[bulk.LimitDraft]:
    index = _header_problems(sheet, LIMIT_HEADERS, {}, LIMIT_REQUIRED, report)
    if index is None:
        return []
    existing = set(
        QuotaLimitEntry.objects.filter(region=region).values_list(
            "limit_type", "occurred_on", "document__number", "delta"
        )
    )
    drafts = []
    for row, values in sheet.rows:
        report.rows_read += 1
        r = RowReader(sheet.name, row, values, index, report.errors)
        draft = bulk.LimitDraft(
            occurred_on=r.date("日期", required=True),
            number=_doc_number(r, "文号"),
            limit_type=r.choice("编制类型", LimitType.values, required=True),
            delta=0,
            note=r.text("说明", max_length=300),
        )
        if not draft.number:
            r.error("文号", "不能为空")
        known = len(report.errors)
        draft.delta = r.integer("增减数", signed=True)
        if not draft.delta and len(report.errors) == known:
            r.error("增减数", "增减数不能为0")
        if r.failed:
            continue
        key = (draft.limit_type, draft.occurred_on, draft.number, draft.delta)
        if key in existing:
            report.unchanged += 1
            continue
        existing.add(key)
        drafts.append(draft)
    return drafts


class _UnitIndex:
    """Live units of the region, by name (legal units) and by (parent id, name) (divisions)."""

    def __init__(self, region):
        units = list(
            Unit.objects.filter(region=region, status=UnitStatus.ACTIVE).select_related("founding_document")
        )
        self.by_id = {u.pk: u for u in units}
        self.legal = {u.name: u for u in units if not u.is_division}
        self.divisions = {(u.parent_id, u.name): u for u in units if u.is_division}
        self.aliases: dict[int, list[str]] = defaultdict(list)
        for unit_id, name in UnitAlias.objects.filter(unit__in=units).values_list("unit_id", "name"):
            self.aliases[unit_id].append(name)
        self.quotas = {(q.unit_id, q.establishment_type): q for q in Quota.objects.filter(unit__in=units)}
        self.posts = {
            (p.unit_id, p.category): p.approved for p in LeaderPostQuota.objects.filter(unit__in=units)
        }
        self.codes = {u.credit_code: u for u in units if u.credit_code}


def import_units_file(source: Source, *, filename: str, region, actor, dry_run: bool = False) -> ImportReport:
    """Validate the units workbook (sheet 限额 first, then 机构) and, when clean, load it in one transaction."""
    report = ImportReport(filename=os.path.basename(filename), dry_run=dry_run)
    opened = _open(source, filename, UNITS_SHEET, report)
    if opened is None:
        return report
    data, sheet = opened
    limits: list[bulk.LimitDraft] = []
    try:
        limit_sheet = read_named_sheet(data, filename=filename, name=LIMITS_SHEET)
    except UnreadableWorkbook as exc:
        report.fatal = str(exc)
        return report
    if limit_sheet is not None and limit_sheet.name != sheet.name and limit_sheet.rows:
        limits = _validate_limits(limit_sheet, region, report)
    index = _header_problems(sheet, UNIT_HEADERS, UNIT_ALIASES, UNIT_REQUIRED, report)
    if index is None:
        return report
    rows = []
    for row, values in sheet.rows:
        report.rows_read += 1
        rows.append(_parse_unit_row(RowReader(sheet.name, row, values, index, report.errors)))
        if _too_many_errors(report):
            break
    live = _UnitIndex(region)
    codes = sorted({u.fields["credit_code"] for u in rows if u.fields["credit_code"]})
    for chunk in _chunks(codes):  # credit codes are unique among live units of every region
        live.codes |= {
            u.credit_code: u for u in Unit.objects.filter(status=UnitStatus.ACTIVE, credit_code__in=chunk)
        }
    plan = bulk.UnitsPlan(limits=limits)
    _resolve_units(rows, live, sheet.name, report, plan)
    _check_limits(plan, rows, live, region, sheet.name, report)
    if not report.errors:
        report.over_quota, report.over_posts = _units_overruns(plan, live)
        report.warnings += report.over_quota + report.over_posts
    report.created, report.updated = len(plan.new_units), len(plan.changes)
    if not report.errors:
        report.unchanged += len(rows) - report.created - report.updated
    if report.errors or dry_run or not (plan.new_units or plan.changes or plan.limits):
        return report
    _write(bulk.load_units, plan, region=region, actor=actor, report=report, sheet=sheet.name)
    return report


def _resolve_units(
    rows: list[_UnitRow], live: _UnitIndex, sheet: str, report: ImportReport, plan: bulk.UnitsPlan
) -> None:
    err = report.errors
    legal_rows: dict[str, _UnitRow] = {}
    seen_keys: dict[str, int] = {}
    codes: dict[str, int] = {}
    for u in rows:
        if not u.name or not u.nature:
            continue
        if u.nature == Nature.DIVISION:
            if not u.parent_name:
                err.append(RowError(sheet, u.row, "上级机构", "内设机构必须填写上级机构"))
                u.nature = ""
                continue
            u.key = f"{u.parent_name}\u0000{u.name}"
        else:
            u.key = u.name
            legal_rows.setdefault(u.name, u)
        if u.key in seen_keys:
            err.append(RowError(sheet, u.row, "机构名称", f"机构名称“{u.name}”与第{seen_keys[u.key]}行重复"))
            u.nature = ""
            continue
        seen_keys[u.key] = u.row
        code = u.fields["credit_code"]
        if code:
            if code in codes:
                err.append(
                    RowError(sheet, u.row, "统一社会信用代码", f"统一社会信用代码与第{codes[code]}行重复")
                )
            codes[code] = u.row
    for u in rows:
        if u.nature:
            _resolve_parent(u, legal_rows, live, sheet, err)
    _refuse_cycles([u for u in rows if u.nature], legal_rows, sheet, err)
    for u in rows:
        if u.nature:
            _match_existing(u, live, sheet, err, plan)


def _resolve_parent(u: _UnitRow, legal_rows: dict[str, _UnitRow], live: _UnitIndex, sheet: str, err) -> None:
    if not u.parent_name:
        return
    if u.parent_name == u.name and u.nature != Nature.DIVISION:
        err.append(RowError(sheet, u.row, "上级机构", "上级机构不能是本单位"))
        return
    in_file = legal_rows.get(u.parent_name)
    stored = live.legal.get(u.parent_name)
    if in_file is not None and stored is None:
        u.parent_key = in_file.key
    elif stored is not None:
        u.parent_id = stored.pk
    else:
        err.append(
            RowError(
                sheet,
                u.row,
                "上级机构",
                f"上级机构“{u.parent_name[:50]}”不在本文件中，也不是本区划现有的机构",
            )
        )


def _refuse_cycles(rows: list[_UnitRow], legal_rows: dict[str, _UnitRow], sheet: str, err) -> None:
    by_key = {u.key: u for u in rows if u.nature != Nature.DIVISION}
    for u in rows:
        seen, cur = set(), u
        while cur is not None and cur.parent_key:
            if cur.key in seen:
                err.append(
                    RowError(sheet, u.row, "上级机构", "上级机构形成循环（A 的上级是 B，B 的上级又是 A）")
                )
                u.nature = ""
                break
            seen.add(cur.key)
            cur = by_key.get(cur.parent_key)


UNIT_COMPARED = {
    "nature": "机构性质",
    "system": "系统类别",
    "rank": "机构规格",
    "funding": "经费形式",
    "institution_class": "事业单位类别",
    "township": "所在乡镇",
    "is_confidential": "是否涉密",
    "duties": "主要职责",
    "founded_on": "设立日期",
    "credit_code": "统一社会信用代码",
}


def _match_existing(u: _UnitRow, live: _UnitIndex, sheet: str, err, plan: bulk.UnitsPlan) -> None:
    if u.nature == Nature.DIVISION:
        existing = live.divisions.get((u.parent_id, u.name)) if u.parent_id else None
    else:
        existing = live.legal.get(u.name)
    if existing is None:
        clash = live.codes.get(u.fields["credit_code"])
        if clash is not None:
            err.append(
                RowError(sheet, u.row, "统一社会信用代码", f"统一社会信用代码已被现有机构“{clash.name}”使用")
            )
        plan.new_units.append(
            bulk.NewUnit(
                key=u.key,
                fields=u.fields,
                aliases=u.aliases,
                quotas={t: n for t, n in u.quotas.items() if n},
                earmark=u.earmark or 0,
                posts={c: n for c, n in u.posts.items() if n},
                founding_number=u.founding_number,
                approval_number=u.approval_number,
                parent_key=u.parent_key,
                parent_id=u.parent_id,
            )
        )
        numbers = any(u.quotas.values()) or any(u.posts.values())
        if numbers and not u.approval_number and u.nature != Nature.DIVISION:
            err.append(RowError(sheet, u.row, "核定文号", "核定了编制或领导职数的机构必须填写核定文号"))
        return
    u.existing = existing
    differs = [
        label
        for name, label in UNIT_COMPARED.items()
        if label in u.present and _differs(getattr(existing, name), u.fields[name])
    ]
    if (
        u.nature != Nature.DIVISION
        and "上级机构" in u.present
        and (live.by_id[existing.parent_id].name if existing.parent_id in live.by_id else "") != u.parent_name
    ):
        differs.append("上级机构")
    if "其他名称" in u.present and set(u.aliases) != set(live.aliases.get(existing.pk, [])):
        differs.append("其他名称")
    if differs:
        where = f"“{existing.parent.name}”下" if existing.is_division else "本区划"
        err.append(
            RowError(
                sheet,
                u.row,
                "机构名称",
                f"{where}已有名为“{u.name}”的机构，且{'、'.join(differs)}与系统记录不一致；"
                "修改已有机构请在机构页面办理变更，或从文件中删除该行",
            )
        )
        return
    change = bulk.QuotaChange(unit_id=existing.pk, unit_name=existing.name, approval_number=u.approval_number)
    for t, n in u.quotas.items():
        stored = live.quotas.get((existing.pk, t))
        old = (stored.approved, stored.military_earmark) if stored else (0, 0)
        earmark = (u.earmark if u.earmark is not None else old[1]) if t == EstablishmentType.ADMIN else 0
        if (n, earmark) != old:
            change.quotas[t] = (n, earmark)
    for cat, n in u.posts.items():
        if n != live.posts.get((existing.pk, cat), 0):
            change.posts[cat] = n
    if change.quotas or change.posts:
        if not u.approval_number:
            err.append(RowError(sheet, u.row, "核定文号", "调整编制或领导职数必须填写核定文号"))
        plan.changes.append(change)


def _differs(stored: Any, value: Any) -> bool:
    if isinstance(stored, str):
        return clean_cell(stored) != (value or "")
    return stored != value


def _check_limits(
    plan: bulk.UnitsPlan, rows: list[_UnitRow], live: _UnitIndex, region, sheet: str, report: ImportReport
) -> None:
    """The sum of unit quotas of each limit's types must stay within the county limit (FORMATS §1)."""
    by_row = {u.key: u.row for u in rows}
    for limit_type, covered in LIMIT_COVERS.items():
        stored = QuotaLimitEntry.objects.filter(region=region, limit_type=limit_type)
        has_limit = stored.exists() or any(d.limit_type == limit_type for d in plan.limits)
        if not has_limit:
            continue
        balance = (stored.aggregate(s=Sum("delta"))["s"] or 0) + sum(
            d.delta for d in plan.limits if d.limit_type == limit_type
        )
        allocated = (
            Quota.objects.filter(
                unit__region=region, unit__status=UnitStatus.ACTIVE, establishment_type__in=covered
            ).aggregate(s=Sum("approved"))["s"]
            or 0
        )
        increase = 0
        steps = [
            (by_row.get(u.key, 0), {t: n for t, n in u.quotas.items() if t in covered})
            for u in plan.new_units
        ]
        steps += [
            (
                _row_of(c, rows),
                {t: n - _approved(live, c.unit_id, t) for t, (n, _) in c.quotas.items() if t in covered},
            )
            for c in plan.changes
        ]
        for row, amounts in sorted(steps, key=lambda s: s[0]):
            increase += sum(amounts.values())
            if amounts and sum(amounts.values()) > 0 and allocated + increase > balance:
                report.errors.append(
                    RowError(
                        sheet,
                        row,
                        next(iter(amounts)),
                        f"超出{limit_type}限额：限额{balance}名，已核定{allocated}名，本文件增加至第{row}行共{increase}名",
                    )
                )
                break


def _row_of(change: bulk.QuotaChange, rows: list[_UnitRow]) -> int:
    return next((u.row for u in rows if u.existing is not None and u.existing.pk == change.unit_id), 0)


def _approved(live: _UnitIndex, unit_id: int, etype: str) -> int:
    q = live.quotas.get((unit_id, etype))
    return q.approved if q else 0


def _units_overruns(plan: bulk.UnitsPlan, live: _UnitIndex) -> tuple[list[str], list[str]]:
    """After quota/post changes of stored units: which of them are over (new units have nobody yet)."""
    ids = [c.unit_id for c in plan.changes]
    if not ids:
        return [], []
    approved = {k: q.approved for k, q in live.quotas.items() if k[0] in ids}
    posts = {k: n for k, n in live.posts.items() if k[0] in ids}
    for c in plan.changes:
        approved |= {(c.unit_id, t): n for t, (n, _) in c.quotas.items()}
        posts |= {(c.unit_id, cat): n for cat, n in c.posts.items()}
    names = {c.unit_id: c.unit_name for c in plan.changes}
    return bulk.overrun_lines(names, approved, occupancy_by_type(ids), posts, post_holders_by_category(ids))


# ---- staff ---------------------------------------------------------------------------------------------

PERSON_COLUMNS = {  # column -> Person field, for the fields compared on an update
    "姓名": "name",
    "民族": "ethnicity",
    "政治面貌": "political_status",
    "学历": "education",
    "职务": "title",
    "职级": "grade",
    "编制类型": "establishment_type",
    "人员类别": "category",
    "领导职务": "leader_post",
    "入编时间": "entered_on",
    "入编文号": "entry_doc_number",
    "进入方式": "entry_method",
    "是否军转干部": "is_military_transfer",
    "参加工作时间": "work_started_on",
    "在岗状态": "duty_status",
    "内设机构": "division_id",
}


class _StaffIndex:
    """Live legal units of the region by name and by alias; their live divisions by (unit id, name)."""

    def __init__(self, region):
        rows = Unit.objects.filter(region=region, status=UnitStatus.ACTIVE).values_list(
            "pk", "name", "nature", "parent_id"
        )
        self.names: dict[int, str] = {}
        self.nature: dict[int, str] = {}
        self.by_name: dict[str, int] = {}
        self.divisions: dict[tuple[int, str], int] = {}
        for pk, name, nature, parent_id in rows:
            if nature == Nature.DIVISION:
                self.divisions[(parent_id, name)] = pk
            else:
                self.names[pk], self.nature[pk], self.by_name[name] = name, nature, pk
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        for unit_id, name in UnitAlias.objects.filter(unit_id__in=list(self.names)).values_list(
            "unit_id", "name"
        ):
            self.by_alias[name].add(unit_id)

    def find(self, name: str) -> tuple[int | None, str]:
        if name in self.by_name:
            return self.by_name[name], ""
        found = self.by_alias.get(name, set())
        if len(found) == 1:
            return next(iter(found)), ""
        if len(found) > 1:
            names = "、".join(sorted(self.names[i] for i in found))
            return None, f"单位“{name[:50]}”同时是{names}的其他名称，无法确定是哪个单位，请填写单位全称"
        return (
            None,
            f"单位“{name[:50]}”不是本区划现有的单位（按机构名称或其他名称匹配；内设机构请填在“内设机构”列）",
        )


@dataclass
class _PersonRow:
    row: int
    unit_id: int | None
    id_number: str
    values: dict[str, Any]  # Person field -> value, only for the columns present


def _parse_person_row(r: RowReader, units: _StaffIndex) -> _PersonRow:
    unit_name = r.text("单位名称", required=True, max_length=100)
    unit_id = None
    if unit_name:
        unit_id, problem = units.find(unit_name)
        if problem:
            r.error("单位名称", problem)
    v: dict[str, Any] = {"name": r.text("姓名", required=True, max_length=_max_length(Person, "name"))}
    for column, name in (
        ("民族", "ethnicity"),
        ("政治面貌", "political_status"),
        ("学历", "education"),
        ("职务", "title"),
        ("职级", "grade"),
        ("入编文号", "entry_doc_number"),
    ):
        if r.has(column):
            v[name] = r.text(column, max_length=_max_length(Person, name))
    v["establishment_type"] = r.choice("编制类型", EstablishmentType.values, required=True)
    v["category"] = r.choice("人员类别", StaffCategory.values, required=True)
    v["entered_on"] = r.date("入编时间", required=True)
    if r.has("领导职务"):
        v["leader_post"] = r.choice("领导职务", LeaderPost.values, default=LeaderPost.NONE)
    if r.has("进入方式"):
        v["entry_method"] = r.choice("进入方式", EntryMethod.values)
    if r.has("是否军转干部"):
        v["is_military_transfer"] = r.flag("是否军转干部")
    if r.has("参加工作时间"):
        v["work_started_on"] = r.date("参加工作时间")
    if r.has("在岗状态"):
        v["duty_status"] = r.choice("在岗状态", DutyStatus.values, default=DutyStatus.ON_DUTY)
    number = _person_identity(r, v)
    if unit_id is not None:
        etype = v["establishment_type"]
        if etype and etype not in ALLOWED_TYPES[units.nature[unit_id]]:
            allowed = "、".join(ALLOWED_TYPES[units.nature[unit_id]])
            r.error(
                "编制类型",
                f"混用编制：{units.nature[unit_id]}“{units.names[unit_id]}”不能使用{etype}（只能使用{allowed}）",
            )
        if r.has("内设机构"):
            division = r.text("内设机构", max_length=100)
            v["division_id"] = units.divisions.get((unit_id, division)) if division else None
            if division and v["division_id"] is None:
                r.error("内设机构", f"“{division[:50]}”不是{units.names[unit_id]}现有的内设机构")
    return _PersonRow(row=r.row, unit_id=unit_id, id_number=number, values=v)


def _person_identity(r: RowReader, v: dict[str, Any]) -> str:
    raw = r.text("公民身份号码", required=True, max_length=40)
    sex = r.choice("性别", Sex.values)
    birth = r.date("出生日期")
    if not raw:
        return ""
    try:
        info = id_info(raw)
    except InvalidNumber as exc:
        r.error("公民身份号码", str(exc))
        return ""
    if sex and sex != info.sex:
        r.error("性别", f"性别“{sex}”与公民身份号码不符（应为{info.sex}）")
    if birth and birth != info.birth_date:
        r.error("出生日期", f"出生日期{birth:%Y-%m-%d}与公民身份号码不符（应为{info.birth_date:%Y-%m-%d}）")
    v["sex"], v["birth_date"] = info.sex, info.birth_date
    return info.number


def _stored_people(numbers: list[str]) -> dict[str, dict[str, Any]]:
    fields = ["pk", "unit_id", "unit__name", "id_number", *PERSON_COLUMNS.values()]
    out = {}
    for chunk in _chunks(numbers):
        for row in Person.objects.filter(in_establishment=True, id_number__in=chunk).values(*fields):
            out[row["id_number"]] = row
    return out


def import_staff_file(source: Source, *, filename: str, region, actor, dry_run: bool = False) -> ImportReport:
    """Validate the staff workbook and, when clean, upsert it by 公民身份号码 in one transaction."""
    report = ImportReport(filename=os.path.basename(filename), dry_run=dry_run)
    opened = _open(source, filename, STAFF_SHEET, report)
    if opened is None:
        return report
    _, sheet = opened
    index = _header_problems(sheet, STAFF_HEADERS, STAFF_ALIASES, STAFF_REQUIRED, report)
    if index is None:
        return report
    units = _StaffIndex(region)
    rows: list[_PersonRow] = []
    first_row: dict[str, int] = {}
    for row, values in sheet.rows:
        report.rows_read += 1
        r = RowReader(sheet.name, row, values, index, report.errors)
        parsed = _parse_person_row(r, units)
        if parsed.id_number in first_row:
            r.error(
                "公民身份号码", f"公民身份号码 {parsed.id_number} 与第{first_row[parsed.id_number]}行重复"
            )
        elif parsed.id_number:
            first_row[parsed.id_number] = row
        if not r.failed:
            rows.append(parsed)
        if _too_many_errors(report):
            break
    plan = _staff_plan(rows, _stored_people(list(first_row)), units, sheet.name, report)
    if not report.errors:
        report.over_quota, report.over_posts = _staff_overruns(plan, units)
        report.warnings += report.over_quota + report.over_posts
    report.created, report.updated = len(plan.new_people), len(plan.updates)
    report.unchanged = len(rows) - report.created - report.updated if not report.errors else 0
    if report.errors or dry_run or not (plan.new_people or plan.updates):
        return report
    _write(bulk.load_staff, plan, region=region, actor=actor, report=report, sheet=sheet.name)
    return report


def _staff_plan(
    rows: list[_PersonRow], stored: dict[str, dict], units: _StaffIndex, sheet: str, report: ImportReport
) -> bulk.StaffPlan:
    plan = bulk.StaffPlan()
    for p in rows:
        old = stored.get(p.id_number)
        if old is None:
            plan.new_people.append(Person(unit_id=p.unit_id, id_number=p.id_number, **p.values))
            continue
        if old["unit_id"] != p.unit_id:
            report.errors.append(
                RowError(
                    sheet,
                    p.row,
                    "公民身份号码",
                    f"一人一编：公民身份号码 {p.id_number} 已在{old['unit__name']}在编（{old['name']}），"
                    f"不能在{units.names[p.unit_id]}再占编制；如是调动，请先办理调动",
                )
            )
            continue
        changes = {
            f: (old[f], v)
            for f, v in p.values.items()
            if f in old and f not in ("sex", "birth_date") and old[f] != v
        }
        if changes:
            plan.updates.append(bulk.PersonUpdate(pk=old["pk"], unit_id=p.unit_id, changes=changes))
    return plan


def _staff_overruns(plan: bulk.StaffPlan, units: _StaffIndex) -> tuple[list[str], list[str]]:
    ids = sorted({p.unit_id for p in plan.new_people} | {u.unit_id for u in plan.updates})
    if not ids:
        return [], []
    occupied = dict(occupancy_by_type(ids))
    held = dict(post_holders_by_category(ids))
    for p in plan.new_people:
        occupied[(p.unit_id, p.establishment_type)] = occupied.get((p.unit_id, p.establishment_type), 0) + 1
        _add_post(held, p.unit_id, p.leader_post, 1)
    for u in plan.updates:
        if "establishment_type" in u.changes:
            before, after = u.changes["establishment_type"]
            occupied[(u.unit_id, before)] -= 1
            occupied[(u.unit_id, after)] = occupied.get((u.unit_id, after), 0) + 1
        if "leader_post" in u.changes:
            before, after = u.changes["leader_post"]
            _add_post(held, u.unit_id, before, -1)
            _add_post(held, u.unit_id, after, 1)
    approved = {
        (u, t): n
        for u, t, n in Quota.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "establishment_type", "approved"
        )
    }
    posts = {
        (u, c): n
        for u, c, n in LeaderPostQuota.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "category", "approved"
        )
    }
    names = {i: units.names[i] for i in ids}
    return bulk.overrun_lines(names, approved, occupied, posts, held)


def _add_post(held: dict, unit_id: int, post: str, n: int) -> None:
    category = bulk.post_category(post or LeaderPost.NONE)
    if category:
        held[(unit_id, category)] = held.get((unit_id, category), 0) + n
