"""The home page: the registry at a glance for an office user, a liaison's units, or a short page for
anyone else (a partner department's clerk)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.roles import can
from units import selectors
from units.choices import EstablishmentType

PUBLIC_TYPES = (EstablishmentType.PUBLIC, EstablishmentType.CIVIL_PI)


def _target(rows: list[dict[str, Any]], types: tuple[str, ...], label: str, target: float) -> dict[str, Any]:
    approved = sum(r["approved"] for r in rows if r["type"] in types)
    vacancy = sum(r["vacancy"] for r in rows if r["type"] in types)
    rate = vacancy / approved if approved else None
    return {
        "label": label,
        "approved": approved,
        "vacancy": vacancy,
        "rate": rate,
        "target": target,
        "needed": int(-(-approved * target // 1)),
        "met": rate is not None and rate >= target,
    }


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
            "targets": [
                _target(rows, (EstablishmentType.ADMIN,), "行政编制", settings.VACANCY_TARGET_ADMIN),
                _target(rows, PUBLIC_TYPES, "事业编制（含参公事业编制）", settings.VACANCY_TARGET_PUBLIC),
            ],
        },
    )
