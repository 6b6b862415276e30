"""The three ledger workbooks (FORMATS.md §4): 限额台账.xlsx, 单位台账.xlsx, 电子台账.xlsx.

Each builder takes already scoped querysets (the command passes everything, the web pages pass what
the user may see) and streams rows with ``values_list().iterator()``; the writing is write-only and
neutralises formula-like text (``bianzhi.lib.xlsx``).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import xlsxwriter
from django.db.models import QuerySet, Sum

from bianzhi import audit
from bianzhi.lib.idnumbers import mask_id
from bianzhi.lib.text import neutralise_formula
from bianzhi.lib.xlsx import XLSXWRITER_OPTIONS, SheetSpec, finish_export, workbook_bytes, write_workbook
from bianzhi.models import Region
from bianzhi.roles import actor_name
from ledgers.models import POST_PREFIX, TYPE_PREFIX, EstablishmentRow, LimitLedgerEntry, UnitLedgerEntry
from units.choices import ESTABLISHMENT_ORDER, LIMIT_COVERS, LimitType, PostCategory, UnitStatus
from units.exports import STAFF_FIELDS
from units.imports import STAFF_HEADERS
from units.models import Person, Quota, UnitEvent

ITER = 2000
LIMIT_FILE, UNIT_FILE, ELECTRONIC_FILE = "限额台账.xlsx", "单位台账.xlsx", "电子台账.xlsx"

TABLE_ONE_HEADERS = (
    ["机构名称", "机构性质"]
    + [f"{t}{suffix}" for t in ESTABLISHMENT_ORDER for suffix in ("核定数", "实有数", "空编数")]
    + [
        "单位正职核定数",
        "单位正职实配数",
        "单位副职核定数",
        "单位副职实配数",
        "内设机构领导核定数",
        "内设机构领导实配数",
    ]
)
# 表一 as offices print it: two header rows, the figures of each 编制类型 and 职数类别 under its name.
TABLE_ONE_GROUPS: list[tuple[str, list[str]]] = (
    [("", ["机构名称", "机构性质"])]
    + [(t, ["核定数", "实有数", "空编数"]) for t in ESTABLISHMENT_ORDER]
    + [(f"{c}职数", ["核定数", "实配数"]) for c in PostCategory.values]
)
UNIT_LEDGER_HEADERS = [
    "机构名称",
    "日期",
    "变化原因",
    "批准文号",
    "编制类型",
    "增编数",
    "减编数",
    "结余数",
    "备注",
]
TABLE_TWO_HEADERS = [
    "机构名称",
    "日期",
    "变化类型",
    "批准文号",
    "编制类型",
    "职数类别",
    "增减数",
    "结余数",
    "变更前",
    "变更后",
    "变化原因",
    "登记时间",
]
ROSTER_HEADERS = list(STAFF_HEADERS)  # 表三 re-imports as the staff workbook
LIMIT_HEADERS = ["区划", "日期", "文号", "编制类型", "增加数", "减少数", "结余数", "说明"]
GENERAL_HEADERS = [
    "区划",
    "日期",
    "文号",
    "编制类型",
    "增加数",
    "减少数",
    "行政编制限额",
    "事业编制限额",
    "限额合计",
    "说明",
]
USAGE_HEADERS = ["区划", "编制类型", "限额", "已核定", "未核定"]
ROW_COLUMNS = (
    ["name", "nature"]
    + [f"{TYPE_PREFIX[t]}_{s}" for t in ESTABLISHMENT_ORDER for s in ("approved", "occupied")]
    + [f"{POST_PREFIX[c]}_{s}" for c in PostCategory.values for s in ("approved", "held")]
)


# ---- 电子台账 -----------------------------------------------------------------------------------------


def table_one_rows(rows: QuerySet[EstablishmentRow]) -> Iterator[list]:
    """表一 rows from the stored ledger: live 法人 units only."""
    qs = (
        rows.filter(status=UnitStatus.ACTIVE)
        .order_by("unit__sort_order", "unit_id")
        .values_list(*ROW_COLUMNS)
    )
    for values in qs.iterator(chunk_size=ITER):
        name, nature, rest = values[0], values[1], values[2:]
        out = [name, nature]
        for i in range(len(ESTABLISHMENT_ORDER)):
            approved, occupied = rest[2 * i], rest[2 * i + 1]
            out += [approved, occupied, approved - occupied]
        out += list(rest[2 * len(ESTABLISHMENT_ORDER) :])
        yield out


def table_one_totals(rows: Iterable[list]) -> list[int]:
    """The 合计 row of 表一: the sum of each figure column (after name and nature)."""
    totals: list[int] = []
    for row in rows:
        figures = row[2:]
        if not totals:
            totals = [0] * len(figures)
        for i, v in enumerate(figures):
            totals[i] += v or 0
    return totals or [0] * (len(TABLE_ONE_HEADERS) - 2)


def table_one_workbook(qs: QuerySet[EstablishmentRow], *, region: str, as_of, exported_by: str) -> bytes:
    """表一 as offices print it: title, region and date, two header rows per 编制类型 and 职数类别, a 合计
    row, names wrapped; A3 landscape fitted to the width, the header rows printed on every page (print
    titles), panes frozen below the header and right of the names. Formula-like text is neutralised.

    Written with XlsxWriter (like the flat exports, ``bianzhi.lib.xlsx.write_workbook``): a county's
    12,000 styled cells in a third of openpyxl's time — the download most often slow under load."""
    rows = list(table_one_rows(qs))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {**XLSXWRITER_OPTIONS, "constant_memory": False})  # merges span rows
    edge = {"border": 1, "border_color": "#808080"}
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    header = book.add_format(
        {
            **edge,
            "bold": True,
            "bg_color": "#DDEBF7",
            "pattern": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    shaded = {**edge, "bold": True, "bg_color": "#F2F2F2", "pattern": 1}  # the 合计 row
    summed, summed_name = book.add_format(shaded), book.add_format({**shaded, "text_wrap": True})
    plain = book.add_format(edge)
    named = book.add_format({**edge, "text_wrap": True, "valign": "vcenter"})
    negative = book.add_format({**edge, "font_color": "#B00000"})
    ws = book.add_worksheet("表一")
    ncols = 1 + len(TABLE_ONE_HEADERS)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 2, 12)
    ws.set_column(3, ncols - 1, 7.5)
    ws.merge_range(0, 0, 0, ncols - 1, "机构编制电子台账 表一 机构编制基本情况", title)
    ws.merge_range(
        1,
        0,
        1,
        ncols - 1,
        f"区划：{region or '—'}　　数据截至：{as_of:%Y年%m月%d日}　　共 {len(rows)} 个单位　　空编数为负数表示超编",
        book.add_format(),
    )
    # two header rows: 序号, 机构名称, 机构性质 span both; each group spans its figures
    ws.set_row(2, 30)
    for col, text in enumerate(("序号", "机构名称", "机构性质")):
        ws.merge_range(2, col, 3, col, text, header)
    col = 3
    for group, labels in TABLE_ONE_GROUPS[1:]:
        if len(labels) > 1:
            ws.merge_range(2, col, 2, col + len(labels) - 1, group, header)
        else:
            ws.write_string(2, col, group, header)
        for i, label in enumerate(labels):
            ws.write_string(3, col + i, label, header)
        col += len(labels)
    total = ["", "合计", "", *table_one_totals(rows)]
    for c, value in enumerate(total):
        ws.write(4, c, value, summed_name if c == 1 else summed)
    for c in range(len(total), ncols):
        ws.write_blank(4, c, None, summed)
    for r, row in enumerate(rows, start=5):
        ws.write_number(r, 0, r - 4, plain)
        ws.write_string(r, 1, neutralise_formula(row[0]), named)
        ws.write_string(r, 2, row[1], plain)
        for c, value in enumerate(row[2:], start=3):
            ws.write_number(r, c, value, negative if value < 0 else plain)
    ws.freeze_panes(4, 3)
    ws.repeat_rows(2, 3)
    ws.set_paper(8)  # A3
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4)
    who = f"&L导出：{exported_by.replace('&', '&&')}" if exported_by else ""
    ws.set_footer(f"{who}&R第 &P 页 共 &N 页")
    finish_export(book, exported_by)
    return buffer.getvalue()


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def table_two_rows(events: QuerySet[UnitEvent]) -> Iterator[list]:
    columns = (
        "unit__name",
        "occurred_on",
        "kind",
        "document__number",
        "establishment_type",
        "post_category",
        "delta",
        "balance",
        "before",
        "after",
        "reason",
        "recorded_at",
    )
    for name, day, kind, number, etype, cat, delta, balance, before, after, reason, at in (
        events.order_by("occurred_on", "id").values_list(*columns).iterator(chunk_size=ITER)
    ):
        yield [
            name,
            day,
            kind,
            number or "",
            etype,
            cat,
            delta if (etype or cat) else None,
            balance,
            _json(before),
            _json(after),
            reason,
            at,
        ]


def roster_rows(people: QuerySet[Person], *, masked: bool = False) -> Iterator[list]:
    """表三: people in establishment with the staff-workbook columns, so the sheet re-imports."""
    qs = (
        people.filter(in_establishment=True)
        .order_by("unit__sort_order", "unit_id", "id")
        .values_list(*STAFF_FIELDS)
    )
    for values in qs.iterator(chunk_size=ITER):
        row = list(values)
        row[1] = row[1] or ""
        if masked:
            row[3] = mask_id(row[3])
        yield row


def electronic_sheets(rows, events, people, *, masked: bool = False) -> list[SheetSpec]:
    return [
        SheetSpec("表一", TABLE_ONE_HEADERS, table_one_rows(rows), widths={1: 30}),
        SheetSpec("表二", TABLE_TWO_HEADERS, table_two_rows(events), widths={1: 30, 9: 40, 10: 40, 11: 30}),
        SheetSpec("表三", ROSTER_HEADERS, roster_rows(people, masked=masked), widths={1: 30, 4: 22}),
    ]


# ---- 单位台账 -----------------------------------------------------------------------------------------


def unit_ledger_rows(entries: QuerySet[UnitLedgerEntry]) -> Iterator[list]:
    for e in (
        entries.select_related("unit")
        .order_by("unit__sort_order", "unit_id", "occurred_on", "id")
        .iterator(chunk_size=ITER)
    ):
        yield [
            e.unit.name,
            e.occurred_on,
            e.reason_text,
            e.doc_number,
            e.item,
            e.increase if e.item else None,
            e.decrease if e.item else None,
            e.balance,
            e.note,
        ]


def unit_ledger_sheets(entries: QuerySet[UnitLedgerEntry]) -> list[SheetSpec]:
    return [
        SheetSpec(
            "单位台账", UNIT_LEDGER_HEADERS, unit_ledger_rows(entries), widths={1: 30, 3: 30, 4: 24, 9: 50}
        )
    ]


# ---- 限额台账 -----------------------------------------------------------------------------------------


def limit_usage(region_ids: Iterable[int]) -> list[dict]:
    """Per region and limit type: the limit, the sum of unit quotas it covers, and what is left."""
    out = []
    balances = {
        (r, t): b
        for r, t, b in LimitLedgerEntry.objects.filter(region_id__in=region_ids)
        .order_by("id")
        .values_list("region_id", "limit_type", "balance")
    }
    names = dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "name"))
    for region_id in sorted(names):
        for limit_type in LimitType.values:
            allocated = (
                Quota.objects.filter(
                    unit__region_id=region_id,
                    unit__status=UnitStatus.ACTIVE,
                    establishment_type__in=LIMIT_COVERS[limit_type],
                ).aggregate(n=Sum("approved"))["n"]
                or 0
            )
            limit = balances.get((region_id, limit_type))
            out.append(
                {
                    "region": names[region_id],
                    "limit_type": limit_type,
                    "limit": limit,
                    "allocated": allocated,
                    "unallocated": None if limit is None else limit - allocated,
                }
            )
    return out


def general_rows(entries: QuerySet[LimitLedgerEntry]) -> Iterator[list]:
    """总账: both limits in date order with each limit's balance and the total."""
    current: dict[tuple[int, str], int] = defaultdict(int)
    for e in _limit_entries(entries):
        current[(e.region_id, e.limit_type)] = e.balance
        admin, public = current[(e.region_id, LimitType.ADMIN)], current[(e.region_id, LimitType.PUBLIC)]
        yield [*_limit_head(e), admin, public, admin + public, e.note]


def _limit_entries(entries: QuerySet[LimitLedgerEntry]) -> Iterator[LimitLedgerEntry]:
    return entries.select_related("region").order_by("region_id", "occurred_on", "id").iterator(ITER)


def _limit_head(e: LimitLedgerEntry) -> list:
    return [e.region.name, e.occurred_on, e.doc_number, e.limit_type, e.increase, e.decrease]


def limit_rows(entries: QuerySet[LimitLedgerEntry]) -> Iterator[list]:
    for e in _limit_entries(entries):
        yield [*_limit_head(e), e.balance, e.note]


def limit_sheets(entries: QuerySet[LimitLedgerEntry], region_ids: Iterable[int]) -> list[SheetSpec]:
    usage = (
        [u["region"], u["limit_type"], u["limit"], u["allocated"], u["unallocated"]]
        for u in limit_usage(list(region_ids))
    )
    return [
        SheetSpec("总账", GENERAL_HEADERS, general_rows(entries)),
        SheetSpec(
            "分账1 行政编制限额", LIMIT_HEADERS, limit_rows(entries.filter(limit_type=LimitType.ADMIN))
        ),
        SheetSpec(
            "分账2 事业编制限额", LIMIT_HEADERS, limit_rows(entries.filter(limit_type=LimitType.PUBLIC))
        ),
        SheetSpec("限额使用情况", USAGE_HEADERS, usage),
    ]


def export_all(
    out_dir: str | Path, *, region_ids: list[int] | None = None, exported_by: str = ""
) -> list[Path]:
    """Write the three workbooks into ``out_dir`` (every region, or the given ones); returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ids = region_ids if region_ids is not None else list(Region.objects.values_list("pk", flat=True))
    limits = LimitLedgerEntry.objects.filter(region_id__in=ids)
    entries = UnitLedgerEntry.objects.filter(region_id__in=ids)
    rows = EstablishmentRow.objects.filter(region_id__in=ids)
    events = UnitEvent.objects.filter(unit__region_id__in=ids)
    people = Person.objects.filter(unit__region_id__in=ids)
    paths = [out / LIMIT_FILE, out / UNIT_FILE, out / ELECTRONIC_FILE]
    write_workbook(paths[0], limit_sheets(limits, ids), exported_by=exported_by)
    write_workbook(paths[1], unit_ledger_sheets(entries), exported_by=exported_by)
    write_workbook(paths[2], electronic_sheets(rows, events, people), exported_by=exported_by)
    return paths


# ---- the web pages' downloads ----------------------------------------------------------------------------


def _jsonable(filters: dict | None) -> dict:
    if not filters:
        return {}
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in filters.items()
        if k != "form" and v not in (None, "")
    }


def download_bytes(sheets, filename: str, *, actor, target=None, filters=None) -> bytes:
    """A ledger workbook for a web download, stamped with the exporter and audited with its filters.
    ``sheets``: the sheets to write, or a function that builds the workbook from the exporter's name."""
    exported_by = actor_name(actor)
    data = sheets(exported_by) if callable(sheets) else workbook_bytes(sheets, exported_by=exported_by)
    audit.record(
        actor=actor,
        action="台账.导出",
        target=target,
        target_repr=filename,
        after={"文件": f"{filename}.xlsx", "筛选": _jsonable(filters)},
    )
    return data


def table_sheet(table: str, qs, *, masked: bool) -> SheetSpec:
    """The sheet of 电子台账 表一, 表二 or 表三."""
    if table == "one":
        return SheetSpec("表一", TABLE_ONE_HEADERS, table_one_rows(qs))
    if table == "two":
        return SheetSpec("表二", TABLE_TWO_HEADERS, table_two_rows(qs))
    return SheetSpec("表三", ROSTER_HEADERS, roster_rows(qs, masked=masked))
