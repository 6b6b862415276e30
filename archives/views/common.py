"""Helpers shared by the archives pages."""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bianzhi.roles import can

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_office(user) -> None:
    """The archives beyond Documents are the office's own: anyone else is refused (403)."""
    if not can(user, "view_registry"):
        raise PermissionDenied("您没有查看档案的权限。")


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_page(request: HttpRequest, form, *, title: str, crumbs, cancel: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, **extra}
    return render(request, "archives/form.html", context, status=400 if form.errors else 200)


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    stem, _, ext = filename.rpartition(".")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{stem}_{stamp}.{ext}')}"
    return response
