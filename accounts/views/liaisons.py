"""Liaisons: revoke, a unit's liaisons, the liaison workbook and its list of first passwords.

The list of first passwords lives only in the administrator's session (never in a table), for
``ISSUED_SECONDS`` or until they clear it: it is printed (HTML or PDF) or downloaded once, then gone.
"""

from __future__ import annotations

import secrets
import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import exports, prints, selectors, services
from accounts.forms import LiaisonImportForm, UnitGrantForm
from accounts.views.common import account_or_404, posted
from bianzhi.lib.http import download
from bianzhi.roles import require
from units import selectors as unit_selectors

SESSION_KEY = "bianzhi_issued_passwords"
ISSUED_SECONDS = 2 * 3600
SHOWN_ERRORS = 500


def _unit(request: HttpRequest, unit_id: int):
    """The unit (404 outside the user's scope), then the capability (403): an office user sees the unit
    but sets no liaison (三员分立); the security administrator reaches the units of their regions."""
    if not selectors.administers_accounts(request.user):
        unit_selectors.unit_for(request.user, unit_id)
    require(request.user, "grant_roles")
    return selectors.unit_of_regions(request.user, unit_id)


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target and ok else default


def liaison_revoke(request: HttpRequest, user_id: int, unit_id: int) -> HttpResponse:
    account = account_or_404(request.user, user_id, "grant_roles")
    unit = _unit(request, unit_id)
    back = _back(request, reverse("accounts:account_detail", args=[account.pk]))
    if request.method == "POST":
        try:
            services.liaison_revoke(account=account, unit=unit, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已撤销 {account.username} 作为{unit.name}联络员的权限。")
        return redirect(back)
    return render(request, "accounts/revoke_confirm.html", {"account": account, "unit": unit, "next": back})


def unit_liaisons(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's liaisons: grant an existing liaison account, revoke, or create a new one."""
    unit = _unit(request, unit_id)
    form = UnitGrantForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_grant(account=form.cleaned_data["account"], unit=unit, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, f"已将 {form.cleaned_data['account'].username} 设为{unit.name}的联络员。"
            )
            return redirect("accounts:unit_liaisons", unit.pk)
    return render(
        request,
        "accounts/unit_liaisons.html",
        {"unit": unit, "liaisons": selectors.unit_liaisons(unit), "form": form},
        status=400 if form.errors else 200,
    )


# ---- the workbook ----------------------------------------------------------------------------------------


def liaison_template(request: HttpRequest) -> HttpResponse:
    require(request.user, "grant_roles")
    return download(exports.liaison_template(), exports.TEMPLATE_NAME)


def _keep_issued(request: HttpRequest, report, region) -> str:
    token = secrets.token_urlsafe(12)
    kept = {
        k: v
        for k, v in request.session.get(SESSION_KEY, {}).items()
        if v["at"] > time.time() - ISSUED_SECONDS
    }
    kept[token] = {
        "at": time.time(),
        "region": region.name,
        "filename": report.filename,
        "rows": [[i.unit, i.full_name, i.username, i.password, i.phone] for i in report.issued],
    }
    request.session[SESSION_KEY] = kept
    return token


def _issued(request: HttpRequest, token: str) -> dict:
    require(request.user, "grant_roles")
    found = request.session.get(SESSION_KEY, {}).get(token)
    if not found or found["at"] < time.time() - ISSUED_SECONDS:
        raise Http404("初始密码清单已清除或已过期（只保存在本次登录中两小时）。")
    return found


def liaison_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "grant_roles")
    form = LiaisonImportForm(posted(request), request.FILES or None, user=request.user)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload, region = form.cleaned_data["file"], form.cleaned_data["region"]
        report = services.liaisons_import(
            upload,
            filename=upload.name or "联络员.xlsx",
            region=region,
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        context |= {"report": report, "shown_errors": report.errors[:SHOWN_ERRORS]}
        if report.ok and not report.dry_run:
            token = _keep_issued(request, report, region)
            messages.success(request, "联络员账号已建立。初始密码只在此显示，请立即打印或下载后分发。")
            return redirect("accounts:issued", token)
    return render(request, "accounts/liaison_import.html", context)


def issued(request: HttpRequest, token: str) -> HttpResponse:
    found = _issued(request, token)
    return render(request, "accounts/issued.html", {"issued": found, "token": token})


def issued_print(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse(prints.issued_page(_issued(request, token), request))


def issued_pdf(request: HttpRequest, token: str) -> HttpResponse:
    return download(prints.issued_pdf(_issued(request, token), actor=request.user), prints.ISSUED_PDF_NAME)


def issued_xlsx(request: HttpRequest, token: str) -> HttpResponse:
    return download(exports.issued_workbook(_issued(request, token)), exports.ISSUED_NAME)


@require_POST
def issued_clear(request: HttpRequest, token: str) -> HttpResponse:
    require(request.user, "grant_roles")
    kept = request.session.get(SESSION_KEY, {})
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept
    messages.success(request, "初始密码清单已清除。")
    return redirect("accounts:account_list")
