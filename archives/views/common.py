"""What the archives pages share: the form page (``templates/form_page.html``, shared by every app's simple form pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(request: HttpRequest, form, *, title: str, crumbs, cancel: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, **extra}
    return render(request, "form_page.html", context, status=400 if form.errors else 200)
