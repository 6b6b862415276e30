"""综合检索: one search box across Documents, minute books, requests and dedicated-file records."""

from __future__ import annotations

from functools import reduce
from operator import and_, or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from archives import selectors
from archives.views.documents import filter_documents
from bianzhi.roles import Role, can, user_roles

SHOWN = 20


def _words(qs: QuerySet, words: list[str], fields: tuple[str, ...]) -> QuerySet:
    """Every word must appear in at least one of the fields."""
    if not words:
        return qs.none()
    return qs.filter(
        reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words))
    )


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 1949 <= int(value) <= 2100 else None


def archive_search(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (can(user, "view_registry") or Role.LIAISON in user_roles(user)):
        raise PermissionDenied("您没有检索档案的权限。")
    q = (request.GET.get("q") or "").strip()[:100]
    words, year = q.split(), _year((request.GET.get("year") or "").strip())
    documents = filter_documents(selectors.documents_for(user), {"q": q, "year": year}) if words else None
    minutes = _words(
        selectors.minutes_for(user), words, ("subject", "attendees", "departments", "items", "decisions")
    )
    requests = _words(
        selectors.requests_for(user),
        words,
        ("title", "requesting_body", "unit_name", "duties", "feasibility", "necessity", "decision"),
    )
    entries = _words(
        selectors.entries_for(user), words, ("title", "note", "document__number", "document__title")
    ).select_related("dedicated_file", "document")
    if year:
        minutes, entries = minutes.filter(met_on__year=year), entries.filter(occurred_on__year=year)
        requests = requests.filter(created_at__year=year)
    sections = [
        ("文件", documents.order_by("-issued_on", "-id") if documents is not None else None),
        ("会议记录", minutes.order_by("-met_on", "-id")),
        ("请示事项", requests.order_by("-id")),
        ("独立档案材料", entries.order_by("-id")),
    ]
    results = [(label, qs.count(), list(qs[:SHOWN])) for label, qs in sections if qs is not None]
    return render(
        request, "archives/search.html", {"q": q, "year": year or "", "results": results, "shown": SHOWN}
    )
