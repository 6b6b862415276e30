"""The home page: the registry at a glance for an office user, a liaison's units, or a short page for
anyone else (a partner department's clerk)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.roles import can
from units import selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (can(user, "view_registry") or selectors.liaison_unit_ids(user)):
        return render(request, "units/dashboard_partner.html")
    data = selectors.dashboard(user)
    rows = data["rows"]
    return render(
        request,
        "units/dashboard.html",
        {
            **data,
            "targets": selectors.vacancy_targets(rows),
        },
    )
