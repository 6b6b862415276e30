"""单位台账: one 法人 unit's ledger (its internal divisions redirect to it), page and downloads."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.lib.http import download, paginate
from bianzhi.roles import can, require
from ledgers import exports, prints, selectors
from ledgers.views.common import check_fmt, filters, require_reader
from units.selectors import unit_for


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
    check_fmt(fmt)
    unit = _legal_unit(request, pk)
    require(request.user, "export")
    f = filters(request)
    qs = selectors.unit_entries(unit, f)
    name = f"{unit.name}机构编制台账"
    if fmt == "xlsx":
        sheets = exports.unit_ledger_sheets(qs)
        data = exports.download_bytes(sheets, name, actor=request.user, target=unit, filters=f)
    else:
        data = prints.unit_ledger_pdf(unit, qs, selectors.row_of(unit), name, actor=request.user)
    return download(data, f"{name}.{fmt}", stamp=True)
