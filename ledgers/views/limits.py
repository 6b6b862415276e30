"""The ledgers' overview and the county limit ledger (限额台账, office roles only)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianzhi.lib.http import download, paginate
from bianzhi.roles import can, require
from ledgers import exports, jobs, selectors
from ledgers.views.common import check_fmt, filters, require_reader
from units.views import background

LIMIT_TITLE = jobs.LIMIT_TITLE


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_reader(user)
    office = can(user, "view_registry")
    context = {
        "title": "台账",
        "office": office,
        "last_check": selectors.last_check() if office else None,
        "usage": exports.limit_usage(selectors.region_ids(user)) if office else [],
        "units": [] if office else selectors.unit_names(user),
        "tables": selectors.TABLES,
    }
    return render(request, "ledgers/index.html", context)


def limit_ledger(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    f = filters(request)
    context = {
        "title": LIMIT_TITLE,
        "form": f["form"],
        "page": paginate(request, selectors.limit_list(request.user, f)),
        "usage": exports.limit_usage(selectors.region_ids(request.user)),
    }
    return render(request, "ledgers/limit_ledger.html", context)


def limit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The limit ledger as xlsx or PDF: at once, or over ``JOBS_INLINE_MAX_ROWS`` rows (and on POST) as a
    background job (``ledgers.jobs``), offered first by a page (a GET writes nothing)."""
    check_fmt(fmt)
    require(request.user, "view_registry")
    require(request.user, "export")
    query = jobs.query_of(request.GET)
    rows = jobs.limit_size(request.user, query)
    if request.method == "POST" or background.too_big(rows):
        back = reverse("ledgers:limit_ledger") + (f"?{urlencode(query)}" if query else "")
        return background.offer(
            request,
            kind=jobs.LIMIT_KIND,
            params={"fmt": fmt, "query": query},
            label=f"{LIMIT_TITLE}（{jobs.FORMAT_LABEL[fmt]}）",
            rows=rows,
            crumbs=[("台账", reverse("ledgers:index")), (LIMIT_TITLE, back)],
            back=back,
        )
    return download(jobs.limit_file(request.user, fmt, query), f"{LIMIT_TITLE}.{fmt}", stamp=True)
