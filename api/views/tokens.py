"""The token pages (``/api-tokens/``): the 安全管理员's list, issue (the secret shown once), detail and
revoke (POST with a reason). Office users and the other administrators get 403; anyone else (a liaison,
a partner clerk) 404, like a token outside the administrator's regions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from api import selectors, services
from api.forms import RevokeForm, TokenFilterForm, TokenIssueForm
from bianzhi.lib.http import add_errors, paginate
from bianzhi.roles import can, require

OFFICE_OR_ADMIN = ("view_registry", "manage_users", "grant_roles", "read_audit")


def _gate(user) -> None:
    """403 for office users and administrators without ``issue_tokens``; 404 for everyone else."""
    if can(user, "issue_tokens"):
        return
    if any(can(user, cap) for cap in OFFICE_OR_ADMIN):
        require(user, "issue_tokens")
    raise Http404("页面不存在。")


def _token(request, pk: int):
    _gate(request.user)
    return selectors.token_or_404(request.user, pk)


def _crumbs() -> list[tuple[str, str]]:
    return [("接口令牌", reverse("tokens:token_list"))]


def _posted(request):
    return request.POST if request.method == "POST" else None


def token_list(request: HttpRequest) -> HttpResponse:
    _gate(request.user)
    form = TokenFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.token_list(request.user, data))
    return render(request, "api/token_list.html", {"form": form, "page": page})


@never_cache
def token_issue(request: HttpRequest) -> HttpResponse:
    _gate(request.user)
    form = TokenIssueForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = services.token_issue(
                account=data["account"],
                name=data["name"],
                region=data["region"],
                source=data["source"],
                can_write=data["can_write"],
                personal_data=data["personal_data"],
                expires_at=form.expires_at(),
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            # shown once, in the answer to the POST: never stored, never in a URL, never cached
            return render(
                request, "api/token_issued.html", {"token": token, "secret": secret, "crumbs": _crumbs()}
            )
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "签发接口令牌",
            "crumbs": _crumbs(),
            "cancel": reverse("tokens:token_list"),
            "submit_label": "签发",
            "lead": "令牌的权限不会超出所属账号：令牌范围 ∩ 账号角色 ∩ 账号所辖区划。令牌只在签发后显示一次。",
        },
        status=400 if form.errors else 200,
    )


def token_detail(request: HttpRequest, pk: int) -> HttpResponse:
    token = _token(request, pk)
    return render(request, "api/token_detail.html", {"token": token, "crumbs": _crumbs()})


def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation with the reason; POST: revoke."""
    token = _token(request, pk)
    form = RevokeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.token_revoke(token=token, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"令牌 {token.prefix} 已吊销，使用它的调用将被拒绝。")
            return redirect("tokens:token_detail", token.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "吊销接口令牌",
            "subject": str(token),
            "crumbs": _crumbs(),
            "cancel": reverse("tokens:token_detail", args=[token.pk]),
            "submit_label": "吊销",
            "danger": True,
            "lead": f"吊销后，令牌 {token.prefix}（{token.account.username}）立即失效，不能恢复；如需继续使用接口，请重新签发。",
        },
        status=400 if form.errors else 200,
    )
