"""电子台账 表一/表二/表三: the page of each table and its downloads.

打印PDF opens a new tab on the table's page with ``?print=pdf``: a short page that says the PDF is being
made (the rows and the expected seconds) and, by a meta refresh (no script), asks for the PDF itself,
which then opens in that tab (``inline=1``). Every row is printed (``ledgers.prints``).

Over ``JOBS_INLINE_MAX_ROWS`` rows (issue 17) the download and the print are made by a background job:
the export link and the waiting page offer 在后台生成 (a POST that submits the job and goes to its page,
where the progress shows and the file is downloaded when done)."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianzhi.lib.http import download, paginate
from bianzhi.roles import can, require
from ledgers import exports, jobs, selectors
from ledgers.views.common import check_fmt, filters, require_reader
from units.jobs import inline_max_rows
from units.views import background
from units.views.background import too_big

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
    one = selectors.table_one_figures(request.user, f, qs) if table == "one" else None
    page = paginate(request, qs, count=one["count"] if one else None)
    context = {
        "title": name,
        "table": table,
        "tables": selectors.TABLES,
        "form": f["form"],
        "page": page,
        "rows": [(r, selectors.cells(r)) for r in page] if table == "one" else None,
        "groups": exports.TABLE_ONE_GROUPS[1:],
        "totals": one["totals"] if one else None,
        "rollup": one,
        "can_export": can(request.user, "export"),
        "wait_url": f"{request.path}?{_query(request, print='pdf')}",
        "seconds": expected_seconds(table, page.paginator.count),
        "background": too_big(page.paginator.count),
        "inline_max_rows": inline_max_rows(),
    }
    return render(request, f"ledgers/table_{table}.html", context)


def _print_wait(request: HttpRequest, table: str, name: str, qs) -> HttpResponse:
    """The page shown in the new tab while the PDF is made."""
    require(request.user, "export")
    rows = selectors.size(qs)
    if too_big(rows):  # made by a background job: the page offers it instead of waiting here
        return _offer(request, table, "pdf", jobs.query_of(request.GET), rows)
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
    """The table as xlsx or PDF: at once, or over ``JOBS_INLINE_MAX_ROWS`` rows (and on POST) as a
    background job (``ledgers.jobs``), offered first by a page (a GET writes nothing)."""
    _table_name(table)
    check_fmt(fmt)
    require_reader(request.user)
    require(request.user, "export")
    query = jobs.query_of(request.GET)
    rows = jobs.table_size(request.user, table, query)
    if request.method == "POST" or too_big(rows):
        return _offer(request, table, fmt, query, rows)
    data = jobs.table_file(request.user, table, fmt, query)
    inline = request.GET.get("inline") == "1"
    return download(data, f"{jobs.table_title(table)}.{fmt}", stamp=True, inline=inline)


def _offer(request: HttpRequest, table: str, fmt: str, query: dict, rows: int) -> HttpResponse:
    name = selectors.TABLES[table]
    suffix = f"?{urlencode(query)}" if query else ""
    back = reverse("ledgers:table", args=[table]) + suffix
    return background.offer(
        request,
        kind=jobs.TABLE_KIND,
        params={"table": table, "fmt": fmt, "query": query},
        label=f"电子台账{name}（{jobs.FORMAT_LABEL[fmt]}）",
        rows=rows,
        crumbs=[("台账", reverse("ledgers:index")), (name, back)],
        back=back,
        action=reverse("ledgers:table_export", args=[table, fmt]) + suffix,
    )
