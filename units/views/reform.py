"""机构改革 pages: merge a unit into another (or move part of it) — form, preview, confirm.

Order as in ``units.views.common``: look the unit up (404 outside the user's scope), check the capability
(403), then parse the form. The preview page carries the form's values in hidden fields; confirming
posts them again and the service builds the same plan under locks before it writes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.roles import require
from units import selectors
from units.forms.reform import TARGET_LIST_ID, MergeForm
from units.models import Unit
from units.services.reform import MergePlan, merge_preview, unit_merge


def _form(request: HttpRequest, source: Unit) -> MergeForm:
    return MergeForm(
        request.POST or None,
        source=source,
        targets=selectors.merge_targets(request.user, source),
        documents=selectors.documents(source.region_id),
    )


def _source(request: HttpRequest, pk: int) -> Unit:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    return unit


def _render_form(request: HttpRequest, source: Unit, form: MergeForm, status: int = 200) -> HttpResponse:
    ctx = {
        "unit": source,
        "form": form,
        "targets": form.targets,
        "list_id": TARGET_LIST_ID,
        "est": selectors.establishment_for([source])[source.pk],
    }
    return render(request, "units/reform_merge.html", ctx, status=status)


def _render_confirm(
    request: HttpRequest, source: Unit, form: MergeForm, plan: MergePlan, status: int = 200
) -> HttpResponse:
    return render(
        request, "units/reform_confirm.html", {"unit": source, "form": form, "plan": plan}, status=status
    )


def unit_merge_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The form (GET, or POST with ``back``); a valid POST shows what will happen, writing nothing."""
    source = _source(request, pk)
    form = _form(request, source)
    if request.method != "POST" or "back" in request.POST:
        return _render_form(request, source, form)
    if not form.is_valid():
        return _render_form(request, source, form, status=400)
    plan = merge_preview(source=source, actor=request.user, **form.service_args())
    return _render_confirm(request, source, form, plan)


def unit_merge_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Carry the merger out (POST; a GET goes back to the form); a refusal shows the preview again."""
    source = _source(request, pk)
    if request.method != "POST":
        return redirect(reverse("units:unit_merge", args=[source.pk]))
    form = _form(request, source)
    if not form.is_valid():
        return _render_form(request, source, form, status=400)
    try:
        plan = unit_merge(source=source, actor=request.user, **form.service_args())
    except ValidationError:
        plan = merge_preview(source=source, actor=request.user, **form.service_args())
        if plan.ok:  # changed between the two reads; say so rather than show an empty list
            plan.refuse("数据已被他人修改，请核对后重新确认。")
        return _render_confirm(request, source, form, plan, status=400)
    moved = "、".join(f"{t}{n}名" for t, n in plan.people_by_type.items()) or "无"
    verb = "已并入" if plan.abolish_source else "已划转至"
    messages.success(
        request, f"{source.name}{verb}{plan.target.name}（文件{plan.document.number}）：转入人员{moved}。"
    )
    return redirect(reverse("units:unit_detail", args=[plan.target.pk]))
