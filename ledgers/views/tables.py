"""电子台账 表一/表二/表三: the page of each table and its downloads.

打印PDF opens a new tab on the table's page with ``?print=pdf``: a short page that says the PDF is being
made (the rows and the expected seconds) and, by a meta refresh (no script), asks for the PDF itself,
which then opens in that tab (``inline=1``). Every row is printed (``ledgers.prints``)."""

from __future__ import annotations

import math

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianzhi.lib.http import download, paginate
from bianzhi.lib.idnumbers import full_ids
from bianzhi.roles import can, require
from ledgers import exports, prints, selectors
from ledgers.views.common import check_fmt, filters, require_reader

# Rows printed per second, measured with bench/bench_ledger_prints.py on the 2-core machine (rounded
# down), for the expected time the waiting page shows.
ROWS_PER_SECOND = {"one": 800, "two": 2500, "three": 2500}


def _table_name(table: str) -> str:
    if table not in selectors.TABLES:
        raise Http404("没有这张表。")
    return selectors.TABLES[table]


def _query(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def expected_seconds(table: str, rows: int) -> int:
    return max(1, math.ceil(1 + rows / ROWS_PER_SECOND[table]))


def table(request: HttpRequest, table: str) -> HttpResponse:
    name = _table_name(table)
    require_reader(request.user)
    f = filters(request)
    qs = selectors.table(request.user, table, f)
    if request.GET.get("print") == "pdf":
        return _print_wait(request, table, name, qs)
    page = paginate(request, qs)
    context = {
        "title": name,
        "table": table,
        "tables": selectors.TABLES,
        "form": f["form"],
        "page": page,
        "rows": [(r, selectors.cells(r)) for r in page] if table == "one" else None,
        "groups": exports.TABLE_ONE_GROUPS[1:],
        "totals": selectors.totals(qs) if table == "one" else None,
        "can_export": can(request.user, "export"),
        "wait_url": f"{request.path}?{_query(request, print='pdf')}",
        "seconds": expected_seconds(table, page.paginator.count),
    }
    return render(request, f"ledgers/table_{table}.html", context)


def _print_wait(request: HttpRequest, table: str, name: str, qs) -> HttpResponse:
    """The page shown in the new tab while the PDF is made."""
    require(request.user, "export")
    rows = selectors.size(qs)
    pdf_url = reverse("ledgers:table_export", args=[table, "pdf"])
    context = {
        "title": f"正在生成 {name} PDF",
        "name": name,
        "table": table,
        "rows": rows,
        "seconds": expected_seconds(table, rows),
        "pdf_url": f"{pdf_url}?{_query(request, print=None, inline='1')}",
        "download_url": f"{pdf_url}?{_query(request, print=None)}",
        "back_url": f"{request.path}?{_query(request, print=None)}",
    }
    return render(request, "ledgers/print_wait.html", context)


def table_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    name = _table_name(table)
    check_fmt(fmt)
    require_reader(request.user)
    require(request.user, "export")
    f = filters(request)
    qs = selectors.table(request.user, table, f)
    masked = not full_ids(request.user)  # the one rule (bianzhi.lib.idnumbers)
    title = f"电子台账{name}"
    region = selectors.region_label(request.user)
    if fmt == "xlsx":
        if table == "one":

            def sheets(exported_by: str) -> bytes:
                as_of = selectors.today()
                return exports.table_one_workbook(qs, region=region, as_of=as_of, exported_by=exported_by)

        else:
            sheets = [exports.table_sheet(table, qs, masked=masked)]
        data = exports.download_bytes(sheets, title, actor=request.user, filters=f)
        return download(data, f"{title}.{fmt}", stamp=True)
    data = prints.table_pdf(table, qs, title, masked=masked, actor=request.user, region=region)
    return download(data, f"{title}.{fmt}", stamp=True, inline=request.GET.get("inline") == "1")
