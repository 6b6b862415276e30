"""What the supervision pages share: the form page, the crumbs, the region a page is about."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianzhi.lib.http import add_errors
from supervision import selectors


def crumbs(*extra: tuple[str, str], office: bool = True) -> list[tuple[str, str]]:
    """首页 › 监督检查 › …; a liaison (``office=False``) has no 监督检查 overview to go back to."""
    return [("监督检查", reverse("supervision:index")), *extra] if office else list(extra)


def form_page(request: HttpRequest, form, *, title: str, crumbs, cancel: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, **extra}
    return render(request, "supervision/form.html", context, status=400 if form.errors else 200)


def run(form, call) -> bool:
    """Call the service; a refusal (ValidationError) goes onto the form. True when it succeeded."""
    try:
        call()
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    return True


def region_of(request: HttpRequest):
    """The office region the page is about: ``?region=`` among the user's, else the first."""
    return selectors.page_region(request.user, request.GET.get("region"))
