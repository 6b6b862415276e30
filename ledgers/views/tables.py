"""电子台账 表一/表二/表三: the page of each table and its downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.lib.http import download, paginate
from bianzhi.lib.idnumbers import full_ids
from bianzhi.roles import can, require
from ledgers import exports, prints, selectors
from ledgers.views.common import check_fmt, filters, require_reader


def _table_name(table: str) -> str:
    if table not in selectors.TABLES:
        raise Http404("没有这张表。")
    return selectors.TABLES[table]


def table(request: HttpRequest, table: str) -> HttpResponse:
    name = _table_name(table)
    require_reader(request.user)
    f = filters(request)
    page = paginate(request, selectors.table(request.user, table, f))
    context = {
        "title": name,
        "table": table,
        "tables": selectors.TABLES,
        "form": f["form"],
        "page": page,
        "rows": [(r, selectors.cells(r)) for r in page] if table == "one" else None,
        "headers": exports.TABLE_ONE_HEADERS,
        "can_export": can(request.user, "export"),
    }
    return render(request, f"ledgers/table_{table}.html", context)


def table_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    name = _table_name(table)
    check_fmt(fmt)
    require_reader(request.user)
    require(request.user, "export")
    f = filters(request)
    qs = selectors.table(request.user, table, f)
    masked = not full_ids(request.user)  # the one rule (bianzhi.lib.idnumbers)
    title = f"电子台账{name}"
    if fmt == "xlsx":
        sheet = exports.table_sheet(table, qs, masked=masked)
        data = exports.download_bytes([sheet], title, actor=request.user, filters=f)
    else:
        data = prints.table_pdf(table, qs, title, masked=masked, actor=request.user)
    return download(data, f"{title}.{fmt}", stamp=True)
