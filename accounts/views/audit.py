"""The audit trail page (审计管理员): search, pages, the xlsx export. It reads only; the export's own
audit row is written by ``accounts.exports.audit_export``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import exports, selectors
from accounts.forms import AuditFilterForm
from bianzhi.lib.http import download, paginate
from bianzhi.roles import require


def _search(request: HttpRequest):
    require(request.user, "read_audit")
    form = AuditFilterForm(request.GET or None, user=request.user)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    return form, data, form.filters() if valid else {}


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form, data, _ = _search(request)
    page = paginate(request, selectors.audit_entries(request.user, data))
    status = 400 if form.errors else 200
    return render(request, "accounts/audit_list.html", {"form": form, "page": page}, status=status)


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    form, data, filters = _search(request)
    if form.errors:
        return audit_list(request)
    content = exports.audit_export(
        entries=selectors.audit_entries(request.user, data), actor=request.user, filters=filters
    )
    return download(content, exports.AUDIT_NAME, stamp=True)
