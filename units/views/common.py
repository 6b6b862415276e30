"""What the registry views share: the POST-redirect-GET around one service call and the page frames.

Reads go through ``units.selectors`` (404 outside the user's scope); each POST calls exactly one
service with ``actor=request.user``. Order in write views: look the object up (404), then check the
capability (403), then parse the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.lib.http import add_errors
from units.models import Person, Unit


def submit(
    request: HttpRequest,
    form: Form,
    run: Callable[[dict[str, Any]], Any],
    *,
    done: Callable[[Any], str],
    message: str,
    ctx: dict[str, Any],
    template: str = "units/form.html",
) -> HttpResponse:
    """POST-redirect-GET around one service call; a refusal re-renders the form with its message."""
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(done(result))
    return render(request, template, {"form": form, **ctx}, status=400 if form.errors else 200)


def pick(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The named fields of a form's cleaned data (those it has)."""
    return {n: data[n] for n in names if n in data}


def unit_ctx(unit: Unit, title: str, **extra: Any) -> dict[str, Any]:
    """The frame of a form about one unit: title, breadcrumbs, the way back."""
    crumbs = [("机构", reverse("units:unit_list")), (unit.name, reverse("units:unit_detail", args=[unit.pk]))]
    return {
        "title": title,
        "subject": unit,
        "crumbs": crumbs,
        "cancel": reverse("units:unit_detail", args=[unit.pk]),
        **extra,
    }


def person_ctx(person: Person, title: str, **extra: Any) -> dict[str, Any]:
    """The frame of a form about one person."""
    crumbs = [
        ("实有人员", reverse("units:person_list")),
        (person.unit.name, reverse("units:unit_detail", args=[person.unit_id])),
        (person.name, reverse("units:person_detail", args=[person.pk])),
    ]
    return {
        "title": title,
        "subject": person,
        "crumbs": crumbs,
        "cancel": reverse("units:person_detail", args=[person.pk]),
        **extra,
    }


def to_unit(unit: Unit) -> str:
    return reverse("units:unit_detail", args=[unit.pk])


def to_person(person: Person) -> str:
    return reverse("units:person_detail", args=[person.pk])
