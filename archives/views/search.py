"""综合检索: one search box across Documents, minute books, requests and dedicated-file records."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from archives import selectors
from bianzhi.roles import can, require


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 1949 <= int(value) <= 2100 else None


def archive_search(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "liaise"):
        require(request.user, "view_registry")
    q = (request.GET.get("q") or "").strip()[:100]
    year = _year((request.GET.get("year") or "").strip())
    results = selectors.search(request.user, q, year)
    context = {"q": q, "year": year or "", "results": results, "shown": selectors.SHOWN}
    return render(request, "archives/search.html", context)
