"""People pages: the list, a person's page, and the forms of 入编, 出编, 调动, 职务变动 and 信息变更."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.lib.http import paginate
from bianzhi.lib.scopecache import list_count
from bianzhi.roles import can, capabilities, require
from units import selectors, services
from units.forms.registry import (
    PersonEditForm,
    PersonEnterForm,
    PersonFilterForm,
    PersonLeaveForm,
    PersonPostForm,
    PersonTransferForm,
)
from units.models import Person
from units.services.common import PERSON_EDITABLE
from units.views.common import person_ctx, pick, submit, to_person, unit_ctx

OVERRIDE_FIELDS = ("override_document", "override_reason")
ENTER_FIELDS = (*PERSON_EDITABLE, "leader_post", "document", "reason", "slip", *OVERRIDE_FIELDS)
_PERSON_LABELS = {f.name: str(f.verbose_name) for f in Person._meta.fields}


def person_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view_registry"):
        require(request.user, "liaise")
    form = PersonFilterForm(request.GET or None, units=selectors.choosable_units(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    people = selectors.people_filtered(request.user, data)
    page = paginate(request, people, count=list_count(request.user, "people", data, people))
    regions = selectors.regions_below(request.user)  # a city's office: a 区划 column and picker
    return render(request, "units/person_list.html", {"form": form, "page": page, "regions": regions})


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    movements = selectors.person_movements(person)
    for m in movements:  # a correction lists the changed fields by their Chinese labels
        m.changed_labels = [_PERSON_LABELS.get(k, k) for k in ((m.changes or {}).get("after") or {})]
    return render(
        request,
        "units/person_detail.html",
        {
            "person": person,
            "movements": movements,
            "can": capabilities(request.user, region=person.unit.region_id),
        },
    )


def person_enter(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    slip = selectors.slip_of_unit(unit, request.GET.get("slip"))  # opened from a slip: pre-select it
    form = PersonEnterForm(
        request.POST or None,
        unit=unit,
        documents=selectors.documents(unit.region_id),
        override=can(request.user, "override"),
        initial={"slip": slip.pk, "establishment_type": slip.establishment_type} if slip else {},
    )

    def run(d: dict[str, Any]) -> Person:
        data = pick(d, *ENTER_FIELDS)
        data["sex"] = data.get("sex") or None
        return services.person_enter(unit=unit, actor=request.user, **data)

    return submit(
        request,
        form,
        run,
        done=to_person,
        message="入编已办理。",
        ctx=unit_ctx(unit, "办理入编", show_est=True, est=selectors.establishment_for([unit])[unit.pk]),
    )


def person_leave(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonLeaveForm(request.POST or None, documents=selectors.documents(person.unit.region_id))

    def run(d: dict[str, Any]) -> Person:
        return services.person_leave(
            person=person,
            actor=request.user,
            **pick(d, "left_on", "leave_reason", "doc_number", "document", "reason"),
        )

    return submit(
        request,
        form,
        run,
        done=to_person,
        message=f"{person.name}已出编。",
        ctx=person_ctx(person, "办理出编", danger=True),
    )


def person_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonTransferForm(
        request.POST or None,
        units=selectors.choosable_units(request.user),
        divisions=selectors.live_divisions(request.user),
        documents=selectors.documents(person.unit.region_id),
        initial={"establishment_type": person.establishment_type},
        override=can(request.user, "override"),
    )

    def run(d: dict[str, Any]) -> Person:
        data = pick(
            d,
            "to_unit",
            "establishment_type",
            "to_division",
            "leader_post",
            "occurred_on",
            "doc_number",
            "document",
            "reason",
            "slip",
            *OVERRIDE_FIELDS,
        )
        return services.person_transfer(
            person=person, actor=request.user, category=d["category"] or None, **data
        )

    return submit(
        request,
        form,
        run,
        done=to_person,
        message=f"{person.name}已调动。",
        ctx=person_ctx(person, "办理调动"),
    )


def person_post(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonPostForm(
        request.POST or None,
        documents=selectors.documents(person.unit.region_id),
        initial={"leader_post": person.leader_post},
    )

    def run(d: dict[str, Any]) -> Person:
        return services.person_change_post(
            person=person,
            actor=request.user,
            title=d["title"] or None,
            **pick(d, "leader_post", "occurred_on", "doc_number", "document", "reason"),
        )

    return submit(
        request, form, run, done=to_person, message="职务变动已登记。", ctx=person_ctx(person, "职务变动")
    )


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonEditForm(
        request.POST or None, unit=person.unit, initial={f: getattr(person, f) for f in PERSON_EDITABLE}
    )

    def run(d: dict[str, Any]) -> Person:
        return services.person_update(
            person=person, actor=request.user, reason=d["reason"], **pick(d, *PERSON_EDITABLE)
        )

    return submit(
        request,
        form,
        run,
        done=to_person,
        message="人员信息已修改。",
        ctx=person_ctx(person, "修改人员信息"),
    )
