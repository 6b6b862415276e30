"""What every campaign view shares: the POST-only answer (after the scope check, so another unit's
liaison gets 404 before 405), and binding a form, calling one service and reporting its result."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from bianzhi.lib.http import add_errors


def post_only(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def act(
    request: HttpRequest,
    form,
    call: Callable[[dict], object],
    ok: str,
    *,
    to: tuple,
    invalid: Callable[[object], HttpResponse],
) -> HttpResponse:
    """Bind → valid → one service call → message + redirect to ``to``; a form error or the service's
    refusal (ValidationError) re-renders through ``invalid(form)`` with the errors on the form."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, ok)
            return redirect(*to)
    return invalid(form)
