"""Unit matching (未匹配单位): partner units that matched no register unit, and the one click that makes
the partner's spelling another name of the chosen register unit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianzhi.roles import require
from verification.findings import selectors, services
from verification.findings.forms import AliasForm


def unmatched(request: HttpRequest) -> HttpResponse:
    """Partner units that matched no register unit, with the closest register units suggested."""
    require(request.user, "view_registry")
    rows, regions = selectors.unmatched_units(request.user)
    context = {
        "rows": rows,
        "regions": regions,
        "title": "未匹配单位",
        "crumbs": [("数据比对", reverse("verification:index"))],
    }
    return render(request, "verification/unmatched.html", context)


@require_POST
def alias_add(request: HttpRequest) -> HttpResponse:
    """One click: the partner's spelling becomes another name (其他名称) of the chosen register unit."""
    require(request.user, "run_comparison")
    form = AliasForm(request.POST)
    if not form.is_valid():
        raise Http404("参数不完整。")
    data = form.cleaned_data
    run = selectors.run_for(request.user, data["run"])
    unit = selectors.alias_target(request.user, run, data["source"], data["name"], data["unit"])
    try:
        services.unmatched_alias_add(
            run=run, source=data["source"], name=data["name"], unit=unit, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已将“{data['name']}”添加为{unit.name}的其他名称。重新比对后生效。")
    return redirect("verification:unmatched")
