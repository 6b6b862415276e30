"""The three ledger workbooks (FORMATS.md §4): 限额台账.xlsx, 单位台账.xlsx, 电子台账.xlsx.

Each builder takes already scoped querysets (the command passes everything, the web pages pass what
the user may see) and streams rows with ``values_list().iterator()``; the writing is write-only and
neutralises formula-like text (``bianzhi.lib.xlsx``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db.models import QuerySet, Sum

from bianzhi import audit
from bianzhi.lib.idnumbers import mask_id
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes, write_workbook
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


def download_bytes(sheets: list[SheetSpec], filename: str, *, actor, target=None, filters=None) -> bytes:
    """A ledger workbook for a web download, stamped with the exporter and audited with its filters."""
    data = workbook_bytes(sheets, exported_by=actor_name(actor))
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
