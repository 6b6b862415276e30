"""What the registration pages share: the form page and the crumbs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianzhi.roles import require
from registration.selectors import is_liaison


def form_page(request: HttpRequest, form, *, title: str, crumbs, cancel: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, **extra}
    return render(request, "form_page.html", context, status=400 if form.errors else 200)


def crumbs(*extra) -> list[tuple[str, str]]:
    return [("事业单位登记", reverse("registration:record_list")), *extra]


def require_reader(user) -> None:
    """The office (view_registry) or a liaison with units; anyone else 403."""
    if not is_liaison(user):
        require(user, "view_registry")
