"""The first page of an empty database (初始设置): load the demo, or set up the county.

Reachable without a login only while the database holds no region and no user. Afterwards an anonymous
visitor is sent to the login page like everywhere else (default deny), and a logged-in user gets 404 —
except an administrator in a database without any region, who adds the county here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import selectors, services
from accounts.forms import RegionForm, SetupForm
from accounts.views.common import posted
from bianzhi.lib.http import add_errors
from bianzhi.roles import can

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _closed(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404("系统已完成初始设置。")


def _admin_without_region(request: HttpRequest) -> bool:
    return request.user.is_authenticated and can(request.user, "manage_users") and not selectors.has_region()


@login_not_required
def setup(request: HttpRequest) -> HttpResponse:
    if services.setup_open():
        return _county(request)
    if _admin_without_region(request):
        return _region(request)
    return _closed(request)


def _county(request: HttpRequest) -> HttpResponse:
    form = SetupForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region, user, issued = services.county_setup(
                code=data["code"],
                name=data["name"],
                username=data["username"],
                full_name=data["full_name"],
                password=data["password1"],
                admins={field: data[field] for field in ("system_admin", "security_admin", "audit_admin")},
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            login(request, user, backend=BACKEND)
            messages.success(
                request,
                f"已建立{region}，您是本县的编办管理员。下一步：导入机构和实有人员；由安全管理员建立联络员账号。",
            )
            return render(request, "accounts/setup_done.html", {"region": region, "issued": issued})
    return render(request, "accounts/setup.html", {"form": form}, status=400 if form.errors else 200)


def _region(request: HttpRequest) -> HttpResponse:
    form = RegionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            region = services.region_setup(
                code=form.cleaned_data["code"], name=form.cleaned_data["name"], actor=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已登记{region}。")
            return redirect("units:dashboard")
    return render(request, "accounts/setup_region.html", {"form": form}, status=400 if form.errors else 200)


@login_not_required
def setup_demo(request: HttpRequest) -> HttpResponse:
    """POST: load the demo county (the ``seed_demo`` loader); then the demo accounts log in."""
    if not services.setup_open():
        return _closed(request)
    if request.method != "POST":
        return redirect("accounts:setup")
    _, seconds = services.demo_load()
    messages.success(
        request,
        f"演示县已载入（用时 {seconds:.0f} 秒）。演示账号 admin、staff、leader、liaison、partner、sysadmin、secadmin、auditor，密码均为 Bianzhi@2021。",
    )
    return redirect("login")
