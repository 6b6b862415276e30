"""What the archives pages share: the form page (``templates/archives/form.html``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(request: HttpRequest, form, *, title: str, crumbs, cancel: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, **extra}
    return render(request, "archives/form.html", context, status=400 if form.errors else 200)
