"""行政区划 (issue 17): the system administrator's list of the regions they keep, as a tree (province, its
cities, each city's counties), and the form that registers a new one under its parent (the same service
as ``add_region``: the hierarchy and the GB/T 2260 code are checked, the addition audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts import selectors
from accounts.forms import RegionAddForm
from accounts.services.regions import region_add
from accounts.views.common import posted
from bianzhi.lib.http import add_errors
from bianzhi.roles import require


def region_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "manage_users")
    form = RegionAddForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            region, created = region_add(
                d["code"], d["name"], parent=d["parent"], level=d["level"] or None, actor=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"已登记行政区划：{region}" if created else f"行政区划已存在，未作改动：{region}"
            )
            return redirect("accounts:region_list")
    context = {"tree": selectors.region_tree(request.user), "form": form}
    return render(request, "accounts/region_list.html", context, status=400 if form.errors else 200)
