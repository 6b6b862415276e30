"""The units workbook (FORMATS.md §1): sheet 机构 and the optional 限额 sheet, loaded first."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from archives.models import Document
from bianzhi.lib.idnumbers import InvalidNumber, normalize_credit_code
from bianzhi.lib.text import clean_cell, normalize_doc_number, split_aliases
from bianzhi.lib.xlsx import (
    RowError,
    Sheet,
    UnreadableWorkbook,
    read_named_sheet,
)
from bianzhi.roles import authorize
from units.choices import (
    ALLOWED_TYPES,
    LIMIT_COVERS,
    EstablishmentType,
    Funding,
    InstitutionClass,
    LimitType,
    Nature,
    Rank,
    System,
    UnitStatus,
)
from units.imports.common import (
    CHECK,
    EARMARK_COLUMN,
    LIMIT_HEADERS,
    LIMIT_REQUIRED,
    LIMITS_SHEET,
    POST_COLUMNS,
    QUOTA_COLUMNS,
    READ,
    UNIT_ALIASES,
    UNIT_HEADERS,
    UNIT_REQUIRED,
    UNITS_SHEET,
    WRITE,
    ImportReport,
    Quiet,
    RowReader,
    Source,
    _chunks,
    _header_problems,
    _max_length,
    _too_many_errors,
    _write,
    open_sheet,
)
from units.models import LeaderPostQuota, Quota, QuotaLimitEntry, Unit, UnitAlias
from units.selectors import occupancy_by_type, post_holders_by_category
from units.services import bulk

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


def _validate_limits(sheet: Sheet, region, report: ImportReport, progress) -> list[bulk.LimitDraft]:
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
        progress.advance()
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


def check_as_of(as_of: dt.date | None) -> dt.date:
    """The effective date of figures whose 核定文号 has no date on file: today by default, never later."""
    today = timezone.localdate()
    if as_of is None:
        return today
    if as_of > today:
        raise ValidationError(
            f"生效日期（--as-of）{as_of:%Y-%m-%d}晚于今天：导入的编制和职数不能在将来生效。"
        )
    return as_of


def import_units_file(
    source: Source,
    *,
    filename: str,
    region,
    actor,
    dry_run: bool = False,
    as_of: dt.date | None = None,
    progress=None,
) -> ImportReport:
    """Validate the units workbook (sheet 限额 first, then 机构) and, when clean, load it in one transaction.

    Quotas and posts take effect (UnitEvent.occurred_on) on the date of the unit's 核定文号 when that
    Document is on file with a date, else on ``as_of`` (default today; a future date is refused). The
    first figures of a unit the load creates are marked 建账 (``UnitEvent.baseline``).

    ``progress`` (an import job's ``jobs.progress.Progress``) counts the rows of the stages 读取文件 (rows
    of 限额 and 机构 read), 校验 (units checked against the register) and 写入 (units and limits written)."""
    authorize(actor, "import", region=region)
    progress = progress or Quiet()
    as_of = check_as_of(as_of)
    report = ImportReport(filename=os.path.basename(filename), dry_run=dry_run)
    opened = open_sheet(source, filename, UNITS_SHEET, report)
    if opened is None:
        return report
    data, sheet = opened
    limits: list[bulk.LimitDraft] = []
    try:
        limit_sheet = read_named_sheet(data, filename=filename, name=LIMITS_SHEET)
    except UnreadableWorkbook as exc:
        report.fatal = str(exc)
        return report
    with_limits = limit_sheet is not None and limit_sheet.name != sheet.name and limit_sheet.rows
    progress.stage(READ, total=len(sheet.rows) + (len(limit_sheet.rows) if with_limits else 0))
    if with_limits:
        limits = _validate_limits(limit_sheet, region, report, progress)
    index = _header_problems(sheet, UNIT_HEADERS, UNIT_ALIASES, UNIT_REQUIRED, report)
    if index is None:
        return report
    rows = []
    for row, values in sheet.rows:
        report.rows_read += 1
        progress.advance()
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
    progress.stage(CHECK, total=len(rows))
    _resolve_units(rows, live, sheet.name, report, plan, progress)
    _check_limits(plan, rows, live, region, sheet.name, report)
    if not report.errors:
        report.over_quota, report.over_posts = _units_overruns(plan, live)
        report.warnings += report.over_quota + report.over_posts
    report.created, report.updated = len(plan.new_units), len(plan.changes)
    if not report.errors:
        report.unchanged += len(rows) - report.created - report.updated
        report.notes += _effective_dates(plan, region, as_of)
    if report.errors or dry_run or not (plan.new_units or plan.changes or plan.limits):
        return report
    written = len(plan.new_units) + len(plan.changes) + len(plan.limits)
    progress.stage(WRITE, total=written)
    _write(bulk.load_units, plan, region=region, actor=actor, report=report, sheet=sheet.name)
    progress.advance(written)
    return report


def _resolve_units(
    rows: list[_UnitRow], live: _UnitIndex, sheet: str, report: ImportReport, plan: bulk.UnitsPlan, progress
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
        progress.advance()
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


def _effective_dates(plan: bulk.UnitsPlan, region, as_of: dt.date) -> list[str]:
    """Date each new unit and each change by its 核定文号's Document (the one the load will cite: the first
    on file with that number), else by ``as_of``; the summary lines that say which dates were used."""
    today = timezone.localdate()
    items = [*plan.new_units, *plan.changes]
    numbers = sorted({i.approval_number for i in items if i.approval_number})
    dated: dict[str, dt.date | None] = {}
    for chunk in _chunks(numbers):
        for number, issued_on in (
            Document.objects.filter(region=region, number__in=chunk)
            .order_by("id")
            .values_list("number", "issued_on")
        ):
            dated.setdefault(number, issued_on)
    by_document: Counter[dt.date] = Counter()
    by_as_of = 0
    for item in items:
        issued_on = dated.get(item.approval_number) if item.approval_number else None
        if issued_on is not None:
            item.effective_on = min(issued_on, today)
            by_document[item.effective_on] += 1
        else:
            item.effective_on = as_of
            by_as_of += 1
    if not items:
        return []
    parts = []
    if by_document:
        days = sorted(by_document)
        if len(days) <= 5:
            dates = "，".join(f"{d:%Y-%m-%d} {by_document[d]}个" for d in days)
        else:
            dates = f"{days[0]:%Y-%m-%d} 至 {days[-1]:%Y-%m-%d}，共{len(days)}个日期"
        parts.append(f"{sum(by_document.values())}个机构按核定文号的发文日期（{dates}）")
    if by_as_of:
        parts.append(
            f"{by_as_of}个机构按指定的生效日期 {as_of:%Y-%m-%d}（核定文号未填写，或该文件未登记发文日期）"
        )
    return ["编制和职数生效日期：" + "；".join(parts) + "。"]
