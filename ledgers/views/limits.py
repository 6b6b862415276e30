"""The ledgers' overview and the county limit ledger (限额台账, office roles only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.lib.http import download, paginate
from bianzhi.roles import can, require
from ledgers import exports, prints, selectors
from ledgers.views.common import check_fmt, filters, require_reader

LIMIT_TITLE = "机构编制限额台账"


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
    check_fmt(fmt)
    require(request.user, "view_registry")
    require(request.user, "export")
    f = filters(request)
    qs = selectors.limit_list(request.user, f)
    region_ids = selectors.region_ids(request.user)
    if fmt == "xlsx":
        sheets = exports.limit_sheets(qs, region_ids)
        data = exports.download_bytes(sheets, LIMIT_TITLE, actor=request.user, filters=f)
    else:
        data = prints.limit_pdf(qs, region_ids, LIMIT_TITLE, actor=request.user)
    return download(data, f"{LIMIT_TITLE}.{fmt}", stamp=True)
