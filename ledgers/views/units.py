"""单位台账: one 法人 unit's ledger (its internal divisions redirect to it), page and downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.lib.http import download, paginate
from bianzhi.roles import can, require
from ledgers import jobs, selectors
from ledgers.views.common import check_fmt, filters, require_reader
from units.selectors import unit_for
from units.views import background


def _legal_unit(request: HttpRequest, pk: int):
    unit = unit_for(request.user, pk)  # 404 outside the user's scope, before any 403
    require_reader(request.user)
    return unit.legal_unit


def unit_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _legal_unit(request, pk)
    if unit.pk != pk:
        return redirect("ledgers:unit_ledger", pk=unit.pk)
    f = filters(request)
    row = selectors.row_of(unit)
    context = {
        "title": f"{unit.name} 机构编制台账",
        "unit": unit,
        "row": row,
        "form": f["form"],
        "page": paginate(request, selectors.unit_entries(unit, f)),
        "figures": selectors.figures(row),
        "can_export": can(request.user, "export"),
    }
    return render(request, "ledgers/unit_ledger.html", context)


def unit_ledger_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The unit's ledger as xlsx or PDF: at once, or over ``JOBS_INLINE_MAX_ROWS`` rows (and on POST) as a
    background job (``ledgers.jobs``), offered first by a page (a GET writes nothing)."""
    check_fmt(fmt)
    unit = _legal_unit(request, pk)
    require(request.user, "export")
    query = jobs.query_of(request.GET)
    rows = jobs.unit_size(unit, query)
    name = jobs.unit_title(unit)
    if request.method == "POST" or background.too_big(rows):
        back = reverse("ledgers:unit_ledger", args=[unit.pk]) + (f"?{urlencode(query)}" if query else "")
        return background.offer(
            request,
            kind=jobs.UNIT_KIND,
            params={"unit": unit.pk, "fmt": fmt, "query": query},
            label=f"{name}（{jobs.FORMAT_LABEL[fmt]}）",
            rows=rows,
            crumbs=[("台账", reverse("ledgers:index")), (name, back)],
            back=back,
        )
    return download(jobs.unit_file(request.user, unit, fmt, query), f"{name}.{fmt}", stamp=True)
