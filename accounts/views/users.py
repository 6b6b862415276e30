"""Account list, create, edit, disable/enable and password reset (office administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import AccountCreateForm, AccountFilterForm, AccountForm, GrantForm, ReasonForm, RoleForm
from accounts.views.common import account_or_404, posted, require_account_admin
from bianzhi.lib.http import add_errors, paginate
from bianzhi.roles import require, user_roles


def _crumbs() -> list[tuple[str, str]]:
    return [("账号管理", reverse("accounts:account_list"))]


def account_list(request: HttpRequest) -> HttpResponse:
    require_account_admin(request.user)
    form = AccountFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.account_list(request.user, data))
    return render(request, "accounts/account_list.html", {"form": form, "page": page})


def account_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "manage_users")
    initial = {k: request.GET[k] for k in ("department",) if k in request.GET}
    form = AccountCreateForm(posted(request), initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = services.account_create(
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                department=data["department"],
                regions=data["regions"],
                password=data["password1"] or None,
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return render(
                request,
                "accounts/password_issued.html",
                {"account": account, "password": password, "created": True, "crumbs": _crumbs()},
            )
    return _form(request, form, "新建账号", status=400 if form.errors else 200)


def _form(request, form, title: str, *, status: int = 200, account=None, **extra) -> HttpResponse:
    cancel = (
        reverse("accounts:account_detail", args=[account.pk]) if account else reverse("accounts:account_list")
    )
    context = {
        "form": form,
        "title": title,
        "crumbs": _crumbs(),
        "account": account,
        "cancel": cancel,
        **extra,
    }
    return render(request, "accounts/form.html", context, status=status)


def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    account = account_or_404(request.user, user_id)
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "roles": sorted(user_roles(account)),
            "regions": selectors.account_regions(account),
            "units": selectors.liaison_units(account),
            "grant_form": GrantForm(user=request.user),
            "pending_role": not user_roles(account),
            "crumbs": _crumbs(),
        },
    )


def account_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    account = account_or_404(request.user, user_id, "manage_users")
    profile = getattr(account, "profile", None)
    initial = {
        "full_name": profile.full_name if profile else "",
        "phone": profile.phone if profile else "",
        "department": profile.department if profile else "",
        "regions": list(profile.regions.all()) if profile else [],
    }
    form = AccountForm(posted(request), initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_update(
                account=account,
                full_name=data["full_name"],
                phone=data["phone"],
                department=data["department"],
                regions=data["regions"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "账号信息已保存。")
            return redirect("accounts:account_detail", account.pk)
    return _form(
        request, form, f"修改账号 {account.username}", status=400 if form.errors else 200, account=account
    )


def _confirm(request, user_id: int, *, run, title: str, done: str, warning: str, danger: bool = False):
    """GET shows a confirmation page; POST calls the service (the system administrator's)."""
    account = account_or_404(request.user, user_id, "manage_users")
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            run(account, form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("accounts:account_detail", account.pk)
    return _form(
        request,
        form,
        title,
        status=400 if form.errors else 200,
        account=account,
        warning=warning,
        danger=danger,
    )


def account_disable(request: HttpRequest, user_id: int) -> HttpResponse:
    return _confirm(
        request,
        user_id,
        run=lambda a, reason: services.account_disable(account=a, actor=request.user, reason=reason),
        title="停用账号",
        done="账号已停用，该账号不能再登录。",
        warning="停用后该账号不能再登录；其办理记录保留，可随时重新启用。",
        danger=True,
    )


def account_enable(request: HttpRequest, user_id: int) -> HttpResponse:
    return _confirm(
        request,
        user_id,
        run=lambda a, reason: services.account_enable(account=a, actor=request.user, reason=reason),
        title="启用账号",
        done="账号已启用。",
        warning="启用后该账号可以再次登录。",
    )


def password_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """GET: confirmation; POST: a new first password, shown on this page only (never again)."""
    account = account_or_404(request.user, user_id, "manage_users")
    if request.method == "POST":
        try:
            password = services.password_reset(account=account, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("accounts:account_detail", account.pk)
        return render(
            request,
            "accounts/password_issued.html",
            {"account": account, "password": password, "created": False, "crumbs": _crumbs()},
        )
    return _form(
        request,
        ReasonForm(),
        "重置密码",
        account=account,
        warning="将为该账号生成新的初始密码（只显示一次），原密码立即失效；该账号下次登录时必须修改密码。",
        danger=True,
        submit_label="重置密码",
    )


@require_POST
def liaison_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    account = account_or_404(request.user, user_id, "grant_roles")
    form = GrantForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.liaison_grant(account=account, unit=form.cleaned_data["unit"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已设为{form.cleaned_data['unit'].name}的联络员。")
    else:
        messages.error(request, "请选择本区划的一个法人单位。")
    return redirect("accounts:account_detail", account.pk)


def role_assign(request: HttpRequest, user_id: int) -> HttpResponse:
    """The security administrator gives the account its role (or none); 三员分立 checked by the service."""
    account = account_or_404(request.user, user_id, "grant_roles")
    roles = sorted(user_roles(account))
    form = RoleForm(posted(request), initial={"role": roles[0].value if roles else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.account_set_role(
                account=account,
                role=form.cleaned_data["role"] or None,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "角色已分配。")
            return redirect("accounts:account_detail", account.pk)
    return _form(
        request,
        form,
        f"分配角色 {account.username}",
        status=400 if form.errors else 200,
        account=account,
        warning="系统管理员、安全管理员、审计管理员须由不同账号担任，且不能兼任其他角色（三员分立）。",
    )
