"""Ledger pages: 限额台账, 单位台账 (per unit), 电子台账 表一/表二/表三, each with Excel and PDF export.

Reads are scoped by ``ledgers.selectors`` (built on ``units.selectors``): office roles see their
regions, a liaison sees only their unit(s), anything else is 404 (objects) or 403 (pages and actions).
Every export and print is audited and stamped with the exporter.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bianzhi import audit
from bianzhi.lib.pdf import render_pdf
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name, can, require
from ledgers import exports, selectors
from ledgers.forms import LedgerFilterForm
from ledgers.models import EstablishmentRow
from units.choices import ESTABLISHMENT_ORDER, LimitType, PostCategory
from units.selectors import liaison_unit_ids, regions_for, unit_for

PER_PAGE = 50
PDF_MAX_ROWS = 3000
TABLES = {"one": "表一 机构编制基本情况", "two": "表二 机构编制变更记录", "three": "表三 实有人员花名册"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- helpers -------------------------------------------------------------------------------------


def _require_reader(user) -> None:
    """Ledgers are for office roles and liaisons; a partner clerk gets 403."""
    if not (can(user, "view_registry") or liaison_unit_ids(user)):
        raise PermissionDenied("您没有查看台账的权限。")


def _page(request: HttpRequest, qs: QuerySet) -> Page:
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def _filters(request: HttpRequest) -> dict[str, Any]:
    form = LedgerFilterForm(request.GET or None)
    return {"form": form, **form.values()}


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(f'{filename}_{stamp}')}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _xlsx(
    request: HttpRequest, sheets: list[SheetSpec], filename: str, *, target=None, filters=None
) -> HttpResponse:
    data = workbook_bytes(sheets, exported_by=actor_name(request.user))
    audit.record(
        actor=request.user,
        action="台账.导出",
        target=target,
        target_repr=filename,
        after={"文件": f"{filename}.xlsx", "筛选": _jsonable_filters(filters)},
    )
    return _download(data, f"{filename}.xlsx", XLSX)


def _limited(rows) -> tuple[list, str]:
    """At most PDF_MAX_ROWS rows for a print, and a note printed on it when rows were left out."""
    rows = list(islice(rows, PDF_MAX_ROWS + 1))
    if len(rows) <= PDF_MAX_ROWS:
        return rows, ""
    return rows[
        :PDF_MAX_ROWS
    ], f"本表超过 {PDF_MAX_ROWS} 行，PDF 只打印前 {PDF_MAX_ROWS} 行；完整数据请导出 Excel。"


def _pdf(request: HttpRequest, template: str, context: dict, filename: str, *, target=None) -> HttpResponse:
    data = render_pdf(
        template, {**context, "title": filename}, actor=request.user, action="台账.打印", target=target
    )
    return _download(data, f"{filename}.pdf", "application/pdf")


def _jsonable_filters(filters: dict | None) -> dict:
    if not filters:
        return {}
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in filters.items()
        if k != "form" and v not in (None, "")
    }


def _check_fmt(fmt: str) -> None:
    if fmt not in ("xlsx", "pdf"):
        raise Http404("不支持的导出格式。")


# ---- overview and the limit ledger -------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_reader(user)
    office = can(user, "view_registry")
    units = selectors.rows_for(user).order_by("unit__sort_order", "unit_id")
    return render(
        request,
        "ledgers/index.html",
        {
            "title": "台账",
            "office": office,
            "last_check": selectors.last_check() if office else None,
            "usage": exports.limit_usage(list(regions_for(user).values_list("pk", flat=True)))
            if office
            else [],
            "units": units.values_list("unit_id", "name")[:200] if not office else [],
            "tables": TABLES,
        },
    )


def _limit_qs(request: HttpRequest, f: dict[str, Any]):
    qs = selectors.limit_entries_for(request.user).select_related("region")
    if f["type"] in LimitType.values:
        qs = qs.filter(limit_type=f["type"])
    return selectors.filter_dates(qs, "occurred_on", f["start"], f["end"]).order_by(
        "region_id", "occurred_on", "id"
    )


def limit_ledger(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    f = _filters(request)
    region_ids = list(regions_for(request.user).values_list("pk", flat=True))
    return render(
        request,
        "ledgers/limit_ledger.html",
        {
            "title": "机构编制限额台账",
            "form": f["form"],
            "page": _page(request, _limit_qs(request, f)),
            "usage": exports.limit_usage(region_ids),
        },
    )


def limit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _check_fmt(fmt)
    require(request.user, "view_registry")
    require(request.user, "export")
    f = _filters(request)
    qs = _limit_qs(request, f)
    region_ids = list(regions_for(request.user).values_list("pk", flat=True))
    if fmt == "xlsx":
        return _xlsx(request, exports.limit_sheets(qs, region_ids), "机构编制限额台账", filters=f)
    return _pdf(
        request,
        "ledgers/print/limit_ledger.html",
        dict(zip(("rows", "truncated_note"), _limited(exports.general_rows(qs)), strict=True))
        | {"usage": exports.limit_usage(region_ids)},
        "机构编制限额台账",
    )


# ---- 单位台账 ------------------------------------------------------------------------------------------


def _unit_entries(unit, f: dict[str, Any]):
    qs = unit.ledger_entries.select_related("subject")
    if f["type"] in ESTABLISHMENT_ORDER:
        qs = qs.filter(establishment_type=f["type"])
    elif f["type"] in PostCategory.values:
        qs = qs.filter(post_category=f["type"])
    return selectors.filter_dates(qs, "occurred_on", f["start"], f["end"]).order_by("occurred_on", "id")


def _legal_unit(request: HttpRequest, pk: int):
    unit = unit_for(request.user, pk)  # 404 outside the user's scope, before any 403
    _require_reader(request.user)
    return unit.legal_unit


def unit_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _legal_unit(request, pk)
    if unit.pk != pk:
        return redirect("ledgers:unit_ledger", pk=unit.pk)
    f = _filters(request)
    row = EstablishmentRow.objects.filter(pk=unit.pk).first()
    return render(
        request,
        "ledgers/unit_ledger.html",
        {
            "title": f"{unit.name} 机构编制台账",
            "unit": unit,
            "row": row,
            "form": f["form"],
            "page": _page(request, _unit_entries(unit, f)),
            "figures": _figures(row),
            "can_export": can(request.user, "export"),
        },
    )


def _figures(row: EstablishmentRow | None) -> list[tuple[str, int, int, int]]:
    if row is None:
        return []
    return [
        (t, row.approved(t), row.occupied(t), row.vacancy(t))
        for t in ESTABLISHMENT_ORDER
        if row.approved(t) or row.occupied(t)
    ]


def unit_ledger_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _check_fmt(fmt)
    unit = _legal_unit(request, pk)
    require(request.user, "export")
    f = _filters(request)
    qs = _unit_entries(unit, f)
    name = f"{unit.name}机构编制台账"
    if fmt == "xlsx":
        return _xlsx(request, exports.unit_ledger_sheets(qs), name, target=unit, filters=f)
    return _pdf(
        request,
        "ledgers/print/unit_ledger.html",
        dict(zip(("entries", "truncated_note"), _limited(qs.iterator()), strict=True))
        | {"unit": unit, "row": EstablishmentRow.objects.filter(pk=unit.pk).first()},
        name,
        target=unit,
    )


# ---- 电子台账 ------------------------------------------------------------------------------------------


def _table_qs(request: HttpRequest, table: str, f: dict[str, Any]) -> QuerySet:
    user = request.user
    if table == "one":
        qs = selectors.rows_for(user).order_by("unit__sort_order", "unit_id")
        if f["nature"]:
            qs = qs.filter(nature=f["nature"])
        return qs.filter(name__contains=f["q"]) if f["q"] else qs
    if table == "two":
        qs = selectors.events_for(user).select_related("unit", "document")
        qs = selectors.filter_type(qs, f["type"], "establishment_type", "post_category")
        qs = selectors.filter_dates(qs, "occurred_on", f["start"], f["end"]).order_by("-occurred_on", "-id")
    else:
        qs = selectors.roster_for(user).select_related("unit", "division")
        qs = selectors.filter_type(qs, f["type"], "establishment_type")
        qs = selectors.filter_dates(qs, "entered_on", f["start"], f["end"]).order_by(
            "unit__sort_order", "unit_id", "id"
        )
    return qs.filter(unit__name__contains=f["q"]) if f["q"] else qs


def _table_name(table: str) -> str:
    if table not in TABLES:
        raise Http404("没有这张表。")
    return TABLES[table]


def table(request: HttpRequest, table: str) -> HttpResponse:
    name = _table_name(table)
    _require_reader(request.user)
    f = _filters(request)
    page = _page(request, _table_qs(request, table, f))
    rows = [(r, _cells(r)) for r in page] if table == "one" else None
    return render(
        request,
        f"ledgers/table_{table}.html",
        {
            "title": name,
            "table": table,
            "tables": TABLES,
            "form": f["form"],
            "page": page,
            "rows": rows,
            "headers": exports.TABLE_ONE_HEADERS,
            "can_export": can(request.user, "export"),
        },
    )


def _cells(row: EstablishmentRow) -> list[int]:
    cells = []
    for t in ESTABLISHMENT_ORDER:
        cells += [row.approved(t), row.occupied(t), row.vacancy(t)]
    for c in PostCategory.values:
        cells += list(row.posts(c))
    return cells


def table_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    name = _table_name(table)
    _check_fmt(fmt)
    _require_reader(request.user)
    require(request.user, "export")
    f = _filters(request)
    qs = _table_qs(request, table, f)
    masked = not can(request.user, "view_full_id")
    if fmt == "xlsx":
        build = {
            "one": lambda: SheetSpec("表一", exports.TABLE_ONE_HEADERS, exports.table_one_rows(qs)),
            "two": lambda: SheetSpec("表二", exports.TABLE_TWO_HEADERS, exports.table_two_rows(qs)),
            "three": lambda: SheetSpec(
                "表三", exports.ROSTER_HEADERS, exports.roster_rows(qs, masked=masked)
            ),
        }
        return _xlsx(request, [build[table]()], f"电子台账{name}", filters=f)
    if table == "one":
        rows, note = _limited(exports.table_one_rows(qs))
        context = {"headers": exports.TABLE_ONE_HEADERS, "rows": rows, "truncated_note": note}
    else:
        items, note = _limited(qs.iterator())
        context = {"items": items, "truncated_note": note}
    return _pdf(
        request, f"ledgers/print/table_{table}.html", {**context, "masked": masked}, f"电子台账{name}"
    )
