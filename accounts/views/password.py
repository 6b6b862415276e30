"""The user's own password (also the page a first password leads to)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import services
from accounts.forms import PasswordChangeForm
from accounts.signals import EXPIRED_KEY, MUST_CHANGE_KEY
from accounts.views.common import posted
from bianzhi.lib.http import add_errors


def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # stay logged in here
            request.session.pop(MUST_CHANGE_KEY, None)
            request.session.pop(EXPIRED_KEY, None)
            messages.success(request, "密码已修改。")
            return redirect("units:dashboard")
    first = bool(request.session.get(MUST_CHANGE_KEY))
    expired = not first and bool(request.session.get(EXPIRED_KEY))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "first": first, "expired": expired, "rules": password_validators_help_texts()},
        status=400 if form.errors else 200,
    )
