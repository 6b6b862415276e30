"""Unit pages: the list, a unit's page, and the forms that set up, change, end a unit or its quotas."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bianzhi.lib.http import paginate
from bianzhi.lib.scopecache import list_count
from bianzhi.roles import can, capabilities, require
from units import selectors, services
from units.forms.registry import (
    UNIT_CREATE_FIELDS,
    UNIT_EDIT_FIELDS,
    PostsForm,
    QuotaForm,
    UnitCreateForm,
    UnitEditForm,
    UnitEndForm,
    UnitFilterForm,
)
from units.models import Unit
from units.views.common import pick, submit, to_unit, unit_ctx


def unit_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view_registry"):
        require(request.user, "liaise")
    form = UnitFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    units = selectors.units_filtered(request.user, data)
    page = paginate(request, units, count=list_count(request.user, "units", data, units))
    est = selectors.establishment_for(page.object_list)
    rows = [(u, est[u.pk], est[u.pk].approved_total - est[u.pk].occupied_total) for u in page.object_list]
    townships = selectors.unit_townships(request.user)
    regions = selectors.regions_below(request.user)  # a city's office: a 区划 column and picker
    return render(
        request,
        "units/unit_list.html",
        {"form": form, "page": page, "rows": rows, "townships": townships, "regions": regions},
    )


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    legal = unit.legal_unit
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "est": selectors.establishment_for([legal])[legal.pk],
            # the unit is in the user's scope already: office staff of its region, or its liaison
            "can_request": unit.is_live
            and not unit.is_division
            and (
                can(request.user, "edit_registry", region=unit.region_id)
                or unit.pk in selectors.liaison_unit_ids(request.user)
            ),
            # a city's office reads its counties' units: no button that would change them (issue 17)
            "can": capabilities(request.user, region=unit.region_id),
            "roster": paginate(request, selectors.roster(request.user, unit)),
            **selectors.unit_page(unit),
        },
    )


def unit_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    regions = selectors.acting_regions(request.user)
    form = UnitCreateForm(
        request.POST or None,
        regions=regions,
        initial={"region": regions.first()},
        documents=selectors.documents_of(regions),
        parents=selectors.choosable_units(request.user),
    )

    def run(d: dict[str, Any]) -> Unit:
        return services.unit_create(actor=request.user, **pick(d, *UNIT_CREATE_FIELDS))

    return submit(
        request,
        form,
        run,
        done=to_unit,
        message="机构已设立。",
        ctx={
            "title": "设立机构",
            "crumbs": [("机构", reverse("units:unit_list"))],
            "cancel": reverse("units:unit_list"),
        },
    )


def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    initial = {f: getattr(unit, f) for f in UNIT_EDIT_FIELDS} | {
        "aliases": "；".join(selectors.alias_names(unit))
    }
    form = UnitEditForm(
        request.POST or None,
        initial=initial,
        documents=selectors.documents(unit.region_id),
        parents=selectors.choosable_units(request.user, besides=unit),
    )

    def run(d: dict[str, Any]) -> Unit:
        return services.unit_update(
            unit=unit,
            actor=request.user,
            document=d["document"],
            reason=d["reason"],
            occurred_on=d["occurred_on"],
            aliases=d["aliases"],
            **pick(d, *UNIT_EDIT_FIELDS),
        )

    return submit(
        request, form, run, done=to_unit, message="机构信息已修改。", ctx=unit_ctx(unit, "修改机构信息")
    )


def unit_end(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    form = UnitEndForm(
        request.POST or None,
        documents=selectors.documents(unit.region_id),
        units=selectors.choosable_units(request.user, besides=unit),
    )

    def run(d: dict[str, Any]) -> Unit:
        return services.unit_end(
            unit=unit,
            actor=request.user,
            **pick(d, "status", "merged_into", "occurred_on", "document", "reason"),
        )

    return submit(
        request,
        form,
        run,
        done=to_unit,
        message=f"{unit.name}已撤销或合并。",
        ctx=unit_ctx(unit, "撤销或合并机构", danger=True),
    )


def _establishment_change(
    request: HttpRequest,
    pk: int,
    *,
    form_class,
    service,
    fields: tuple[str, ...],
    title: str,
    message: str,
    **kw,
) -> HttpResponse:
    """调整核定编制 or 调整领导职数: the unit's figures beside the form; one service call."""
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    if form_class is QuotaForm:  # the types offered depend on the unit's nature
        kw["unit"] = unit
    form = form_class(request.POST or None, documents=selectors.documents(unit.region_id), **kw)

    def run(d: dict[str, Any]) -> Any:
        return service(unit=unit, actor=request.user, **pick(d, *fields))

    est = selectors.establishment_for([unit])[unit.pk]
    return submit(
        request,
        form,
        run,
        done=lambda _: to_unit(unit),
        message=message,
        ctx=unit_ctx(unit, title, show_est=True, est=est),
    )


def quota_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _establishment_change(
        request,
        pk,
        form_class=QuotaForm,
        service=services.quota_set,
        fields=("establishment_type", "approved", "military_earmark", "document", "occurred_on", "reason"),
        title="调整核定编制",
        message="核定编制已调整。",
        initial={"establishment_type": request.GET.get("type")},
    )


def posts_change(request: HttpRequest, pk: int) -> HttpResponse:
    return _establishment_change(
        request,
        pk,
        form_class=PostsForm,
        service=services.leader_posts_set,
        fields=("category", "approved", "document", "occurred_on", "reason"),
        title="调整领导职数",
        message="领导职数已调整。",
        initial={"category": request.GET.get("category")},
    )
