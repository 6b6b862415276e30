"""登录锁定: the administrator sees the current login locks (django-axes) and lifts one (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.services.security import lock_lift
from bianzhi.roles import require


@require_http_methods(["GET", "HEAD"])
def lock_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "grant_roles")
    return render(request, "accounts/locks.html", {"locks": selectors.login_locks(request.user)})


@require_POST
def lock_release(request: HttpRequest) -> HttpResponse:
    require(request.user, "grant_roles")
    username = request.POST.get("username", "")[:150]
    ip_address = request.POST.get("ip_address", "")[:45]
    if lock_lift(username=username, ip_address=ip_address, actor=request.user):
        messages.success(request, f"已解除“{username or ip_address}”的登录锁定。")
    else:
        messages.info(request, "没有需要解除的登录锁定。")
    return redirect("accounts:lock_list")
