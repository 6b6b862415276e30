"""What the accounts views share: the capability gate and the service-error display."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404

from accounts import selectors
from bianzhi.roles import REFUSALS, can


def require_manager(user) -> None:
    """Pages without an object: 403 unless the user manages accounts."""
    if not can(user, "manage_users"):
        raise PermissionDenied(REFUSALS["manage_users"])


def account_or_404(user, user_id: int):
    """An account page: office users without the capability get 403, anyone else 404 (they do not learn
    which accounts exist); an administrator gets 404 outside their regions."""
    if not can(user, "manage_users"):
        if can(user, "view_registry"):
            raise PermissionDenied(REFUSALS["manage_users"])
        raise Http404("没有找到该账号。")
    return selectors.account_for(user, user_id)


def add_service_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def posted(request):
    """The POST data (even when empty: a bare confirmation is a submitted form), else None."""
    return request.POST if request.method == "POST" else None
