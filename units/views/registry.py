"""Registry pages: dashboard, units, people and the forms that change them.

Reads go through ``units.selectors`` (404 outside the user's scope); each POST calls exactly one
service with ``actor=request.user``. Order in write views: look the object up (404), then check the
capability (403), then parse the form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from archives.choices import DocumentStatus
from archives.models import Document
from bianzhi.lib.idnumbers import InvalidNumber, normalize_id
from bianzhi.roles import Role, can, require, user_roles
from bianzhi.workdays import missing_years
from units import selectors, services
from units.choices import (
    ESTABLISHMENT_ORDER,
    EstablishmentType,
    Nature,
    RequestStatus,
    UnitStatus,
)
from units.forms.registry import (
    PersonEditForm,
    PersonEnterForm,
    PersonFilterForm,
    PersonLeaveForm,
    PersonPostForm,
    PersonTransferForm,
    PostsForm,
    QuotaForm,
    UnitCreateForm,
    UnitEditForm,
    UnitEndForm,
    UnitFilterForm,
)
from units.models import EstablishmentRequest, Movement, Person, Quota, Unit, UnitAlias, UseSlip

PER_PAGE = 50
LATE_WINDOW_DAYS = 90
OVERRIDE_FIELDS = ("override_document", "override_reason")
_PERSON_LABELS = {f.name: str(f.verbose_name) for f in Person._meta.fields}
PUBLIC_TYPES = (EstablishmentType.PUBLIC, EstablishmentType.CIVIL_PI)


# ---- helpers -------------------------------------------------------------------------------------


def _page(request: HttpRequest, qs: QuerySet, param: str = "page") -> Page:
    return Paginator(qs, PER_PAGE).get_page(request.GET.get(param))


def _require_reader(user) -> None:
    """Registry lists are for office roles and liaisons; a partner clerk gets 403 (DOMAIN.md §1)."""
    if not (can(user, "view_registry") or selectors.liaison_unit_ids(user)):
        raise PermissionDenied("您没有查看机构编制数据的权限。")


def _documents(region_id: int) -> QuerySet[Document]:
    """Documents a new change may cite: the region's, not withdrawn."""
    return Document.objects.filter(region_id=region_id, status=DocumentStatus.VALID)


def _live_legal_units(user) -> QuerySet[Unit]:
    return selectors.units_for(user).filter(status=UnitStatus.ACTIVE).exclude(nature=Nature.DIVISION)


def _add_service_errors(form: Form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submit(
    request: HttpRequest,
    form: Form,
    run: Callable[[dict[str, Any]], Any],
    *,
    done: Callable[[Any], str],
    message: str,
    ctx: dict[str, Any],
    template: str = "units/form.html",
) -> HttpResponse:
    """POST-redirect-GET around one service call; a refusal re-renders the form with its message."""
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(done(result))
    return render(request, template, {"form": form, **ctx}, status=400 if form.errors else 200)


def _pick(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {n: data[n] for n in names if n in data}


# ---- dashboard -----------------------------------------------------------------------------------


def _type_totals(units: QuerySet[Unit]) -> list[dict[str, Any]]:
    approved = dict(
        Quota.objects.filter(unit__in=units)
        .values_list("establishment_type")
        .annotate(n=Sum("approved"))
        .values_list("establishment_type", "n")
    )
    occupied = dict(
        Person.objects.filter(unit__in=units, in_establishment=True)
        .values_list("establishment_type")
        .annotate(n=Count("id"))
        .values_list("establishment_type", "n")
    )
    return [
        {
            "type": t,
            "approved": approved.get(t, 0),
            "occupied": occupied.get(t, 0),
            "vacancy": approved.get(t, 0) - occupied.get(t, 0),
        }
        for t in ESTABLISHMENT_ORDER
        if approved.get(t) or occupied.get(t)
    ]


def _target(rows: list[dict[str, Any]], types: tuple[str, ...], label: str, target: float) -> dict[str, Any]:
    approved = sum(r["approved"] for r in rows if r["type"] in types)
    vacancy = sum(r["vacancy"] for r in rows if r["type"] in types)
    rate = vacancy / approved if approved else None
    return {
        "label": label,
        "approved": approved,
        "vacancy": vacancy,
        "rate": rate,
        "target": target,
        "needed": int(-(-approved * target // 1)),
        "met": rate is not None and rate >= target,
    }


def _workflow_panels(user, units: QuerySet[Unit]) -> dict[str, Any]:
    """核编在先 and timeliness panels: pending requests, overrides, late records; office: calendar, ledgers."""
    since = timezone.now() - timedelta(days=LATE_WINDOW_DAYS)
    late = Movement.objects.filter(
        person__in=selectors.people_for(user), is_late=True, recorded_at__gte=since
    ).select_related("person", "person__unit")
    office = can(user, "view_registry")
    return {
        "pending_requests": EstablishmentRequest.objects.filter(
            unit__in=units, status=RequestStatus.PENDING
        ).count(),
        "overrides": services.open_overrides(units)[:10],
        "late_count": late.count(),
        "late_recent": late.order_by("-recorded_at", "-id")[:5],
        "late_days": LATE_WINDOW_DAYS,
        "late_limit": settings.TIMELY_WORKING_DAYS,
        "missing_years": missing_years(timezone.localdate()) if office else [],
        "show_ledger_check": office,
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (can(user, "view_registry") or selectors.liaison_unit_ids(user)):
        return render(
            request, "units/dashboard_partner.html", {"is_partner": Role.PARTNER in user_roles(user)}
        )
    units = _live_legal_units(user)
    rows = _type_totals(units)
    over_quota = selectors.over_quota_unit_ids(units)
    over_posts = selectors.over_posts_unit_ids(units)
    return render(
        request,
        "units/dashboard.html",
        {
            "is_liaison": not can(user, "view_registry"),
            "by_nature": units.values("nature").annotate(n=Count("id")).order_by("nature"),
            "unit_total": units.count(),
            "rows": rows,
            "targets": [
                _target(rows, (EstablishmentType.ADMIN,), "行政编制", settings.VACANCY_TARGET_ADMIN),
                _target(rows, PUBLIC_TYPES, "事业编制（含参公事业编制）", settings.VACANCY_TARGET_PUBLIC),
            ],
            "over_quota": Unit.objects.filter(pk__in=over_quota).order_by("sort_order", "id"),
            "over_posts": Unit.objects.filter(pk__in=over_posts).order_by("sort_order", "id"),
            "my_units": units.order_by("sort_order", "id")[:20] if not can(user, "view_registry") else None,
            **_workflow_panels(user, units),
        },
    )


# ---- units: reads --------------------------------------------------------------------------------


def _filter_units(user, data: dict[str, Any]) -> QuerySet[Unit]:
    qs = selectors.units_for(user)
    status = data.get("status") or UnitStatus.ACTIVE
    if status != "全部":
        qs = qs.filter(status=status)
    qs = qs.filter(nature=data["nature"]) if data.get("nature") else qs.exclude(nature=Nature.DIVISION)
    if q := (data.get("q") or "").strip():
        aliased = UnitAlias.objects.filter(name__icontains=q).values("unit_id")
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q) | Q(pk__in=aliased))
    for field in ("system", "funding"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if township := (data.get("township") or "").strip():
        qs = qs.filter(township="") if township == "县直" else qs.filter(township__icontains=township)
    if data.get("over"):
        qs = qs.filter(pk__in=selectors.over_quota_unit_ids(qs))
    return qs.order_by("sort_order", "id")


def unit_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = UnitFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = _page(request, _filter_units(request.user, data))
    est = selectors.establishment_for(page.object_list)
    rows = [(u, est[u.pk], est[u.pk].approved_total - est[u.pk].occupied_total) for u in page.object_list]
    townships = (
        selectors.units_for(request.user)
        .exclude(township="")
        .values_list("township", flat=True)
        .distinct()
        .order_by("township")
    )
    return render(
        request, "units/unit_list.html", {"form": form, "page": page, "rows": rows, "townships": townships}
    )


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    legal = unit.legal_unit
    est = selectors.establishment_for([legal])[legal.pk]
    roster = (
        selectors.people_for(request.user)
        .filter(in_establishment=True)
        .filter(Q(division=unit) if unit.is_division else Q(unit=unit))
        .select_related("division")
        .order_by("establishment_type", "id")
    )
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "est": est,
            "can_request": unit.is_live
            and not unit.is_division
            and (can(request.user, "edit_registry") or unit.pk in selectors.liaison_unit_ids(request.user)),
            "aliases": [a.name for a in unit.aliases.all()],
            "divisions": unit.children.filter(nature=Nature.DIVISION).order_by("status", "sort_order", "id"),
            "roster": _page(request, roster),
            "events": unit.events.select_related("document").order_by("occurred_on", "id"),
        },
    )


def _filter_people(user, data: dict[str, Any]) -> QuerySet[Person]:
    qs = selectors.people_for(user)
    state = data.get("state") or "在编"
    if state != "全部":
        qs = qs.filter(in_establishment=(state == "在编"))
    if q := (data.get("q") or "").strip():
        try:  # a full ID number finds the person even though lists only show it masked
            qs = qs.filter(id_number=normalize_id(q))
        except InvalidNumber:
            qs = qs.filter(name__icontains=q)
    for field in ("unit", "establishment_type", "category"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    return qs.select_related("unit", "division").order_by("unit__sort_order", "unit_id", "id")


def person_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = PersonFilterForm(
        request.GET or None, units=_live_legal_units(request.user).order_by("sort_order", "id")
    )
    data = form.cleaned_data if form.is_valid() else {}
    page = _page(request, _filter_people(request.user, data))
    return render(request, "units/person_list.html", {"form": form, "page": page})


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    movements = list(
        person.movements.select_related("document", "from_unit", "to_unit").order_by("occurred_on", "id")
    )
    for m in movements:  # a correction lists the changed fields by their Chinese labels
        m.changed_labels = [_PERSON_LABELS.get(k, k) for k in ((m.changes or {}).get("after") or {})]
    return render(request, "units/person_detail.html", {"person": person, "movements": movements})


# ---- units: writes -------------------------------------------------------------------------------


def _unit_ctx(unit: Unit, title: str, **extra: Any) -> dict[str, Any]:
    crumbs = [("机构", reverse("units:unit_list")), (unit.name, reverse("units:unit_detail", args=[unit.pk]))]
    return {
        "title": title,
        "subject": unit,
        "crumbs": crumbs,
        "cancel": reverse("units:unit_detail", args=[unit.pk]),
        **extra,
    }


def unit_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    regions = selectors.regions_for(request.user)
    form = UnitCreateForm(
        request.POST or None,
        regions=regions,
        initial={"region": regions.first()},
        documents=Document.objects.filter(region__in=regions),
        parents=_live_legal_units(request.user).order_by("sort_order", "id"),
    )

    def run(d: dict[str, Any]) -> Unit:
        return services.unit_create(
            actor=request.user,
            **_pick(
                d,
                "region",
                "name",
                "nature",
                "parent",
                "system",
                "rank",
                "funding",
                "institution_class",
                "township",
                "credit_code",
                "aliases",
                "is_confidential",
                "duties",
                "document",
                "founded_on",
                "reason",
            ),
        )

    return _submit(
        request,
        form,
        run,
        done=lambda u: reverse("units:unit_detail", args=[u.pk]),
        message="机构已设立。",
        ctx={
            "title": "设立机构",
            "crumbs": [("机构", reverse("units:unit_list"))],
            "cancel": reverse("units:unit_list"),
        },
    )


UNIT_EDIT_FIELDS = (
    "name",
    "nature",
    "parent",
    "system",
    "rank",
    "funding",
    "institution_class",
    "township",
    "credit_code",
    "is_confidential",
    "duties",
)


def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    initial = {f: getattr(unit, f) for f in UNIT_EDIT_FIELDS} | {
        "aliases": "；".join(unit.aliases.values_list("name", flat=True))
    }
    form = UnitEditForm(
        request.POST or None,
        initial=initial,
        documents=_documents(unit.region_id),
        parents=_live_legal_units(request.user).exclude(pk=unit.pk).order_by("sort_order", "id"),
    )

    def run(d: dict[str, Any]) -> Unit:
        return services.unit_update(
            unit=unit,
            actor=request.user,
            document=d["document"],
            reason=d["reason"],
            occurred_on=d["occurred_on"],
            aliases=d["aliases"],
            **_pick(d, *UNIT_EDIT_FIELDS),
        )

    return _submit(
        request,
        form,
        run,
        done=lambda u: reverse("units:unit_detail", args=[u.pk]),
        message="机构信息已修改。",
        ctx=_unit_ctx(unit, "修改机构信息"),
    )


def unit_end(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    form = UnitEndForm(
        request.POST or None,
        documents=_documents(unit.region_id),
        units=_live_legal_units(request.user).exclude(pk=unit.pk).order_by("sort_order", "id"),
    )

    def run(d: dict[str, Any]) -> Unit:
        return services.unit_end(
            unit=unit,
            actor=request.user,
            **_pick(d, "status", "merged_into", "occurred_on", "document", "reason"),
        )

    return _submit(
        request,
        form,
        run,
        done=lambda u: reverse("units:unit_detail", args=[u.pk]),
        message=f"{unit.name}已撤销或合并。",
        ctx=_unit_ctx(unit, "撤销或合并机构", danger=True),
    )


def quota_change(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    form = QuotaForm(
        request.POST or None,
        unit=unit,
        documents=_documents(unit.region_id),
        initial={"establishment_type": request.GET.get("type")},
    )

    def run(d: dict[str, Any]) -> Any:
        return services.quota_set(
            unit=unit,
            actor=request.user,
            **_pick(
                d, "establishment_type", "approved", "military_earmark", "document", "occurred_on", "reason"
            ),
        )

    return _submit(
        request,
        form,
        run,
        done=lambda _: reverse("units:unit_detail", args=[unit.pk]),
        message="核定编制已调整。",
        ctx=_unit_ctx(unit, "调整核定编制", show_est=True, est=selectors.establishment_for([unit])[unit.pk]),
    )


def posts_change(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PostsForm(
        request.POST or None,
        documents=_documents(unit.region_id),
        initial={"category": request.GET.get("category")},
    )

    def run(d: dict[str, Any]) -> Any:
        return services.leader_posts_set(
            unit=unit,
            actor=request.user,
            **_pick(d, "category", "approved", "document", "occurred_on", "reason"),
        )

    return _submit(
        request,
        form,
        run,
        done=lambda _: reverse("units:unit_detail", args=[unit.pk]),
        message="领导职数已调整。",
        ctx=_unit_ctx(unit, "调整领导职数", show_est=True, est=selectors.establishment_for([unit])[unit.pk]),
    )


# ---- people: writes ------------------------------------------------------------------------------

ENTER_FIELDS = (
    "name",
    "id_number",
    "establishment_type",
    "category",
    "division",
    "entered_on",
    "sex",
    "leader_post",
    "entry_doc_number",
    "entry_method",
    "is_military_transfer",
    "work_started_on",
    "duty_status",
    "ethnicity",
    "political_status",
    "education",
    "title",
    "grade",
    "document",
    "reason",
    "slip",
    *OVERRIDE_FIELDS,
)


def _slip_initial(unit: Unit, slip_id: str | None) -> dict[str, Any]:
    """Pre-select the slip (and its type) when 办理入编 is opened from a slip."""
    slip = UseSlip.objects.filter(unit=unit, pk=slip_id).first() if (slip_id or "").isdigit() else None
    return {"slip": slip.pk, "establishment_type": slip.establishment_type} if slip else {}


def person_enter(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonEnterForm(
        request.POST or None,
        unit=unit,
        documents=_documents(unit.region_id),
        override=can(request.user, "override"),
        initial=_slip_initial(unit, request.GET.get("slip")),
    )

    def run(d: dict[str, Any]) -> Person:
        data = _pick(d, *ENTER_FIELDS)
        data["sex"] = data.get("sex") or None
        return services.person_enter(unit=unit, actor=request.user, **data)

    return _submit(
        request,
        form,
        run,
        done=lambda p: reverse("units:person_detail", args=[p.pk]),
        message="入编已办理。",
        ctx=_unit_ctx(unit, "办理入编", show_est=True, est=selectors.establishment_for([unit])[unit.pk]),
    )


def _person_ctx(person: Person, title: str, **extra: Any) -> dict[str, Any]:
    crumbs = [
        ("实有人员", reverse("units:person_list")),
        (person.unit.name, reverse("units:unit_detail", args=[person.unit_id])),
        (person.name, reverse("units:person_detail", args=[person.pk])),
    ]
    return {
        "title": title,
        "subject": person,
        "crumbs": crumbs,
        "cancel": reverse("units:person_detail", args=[person.pk]),
        **extra,
    }


def person_leave(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonLeaveForm(request.POST or None, documents=_documents(person.unit.region_id))

    def run(d: dict[str, Any]) -> Person:
        return services.person_leave(
            person=person,
            actor=request.user,
            **_pick(d, "left_on", "leave_reason", "doc_number", "document", "reason"),
        )

    return _submit(
        request,
        form,
        run,
        done=lambda p: reverse("units:person_detail", args=[p.pk]),
        message=f"{person.name}已出编。",
        ctx=_person_ctx(person, "办理出编", danger=True),
    )


def person_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    units = _live_legal_units(request.user).order_by("sort_order", "id")
    divisions = selectors.units_for(request.user).filter(nature=Nature.DIVISION, status=UnitStatus.ACTIVE)
    form = PersonTransferForm(
        request.POST or None,
        units=units,
        divisions=divisions.select_related("parent"),
        documents=_documents(person.unit.region_id),
        initial={"establishment_type": person.establishment_type},
        override=can(request.user, "override"),
    )

    def run(d: dict[str, Any]) -> Person:
        data = _pick(
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

    return _submit(
        request,
        form,
        run,
        done=lambda p: reverse("units:person_detail", args=[p.pk]),
        message=f"{person.name}已调动。",
        ctx=_person_ctx(person, "办理调动"),
    )


def person_post(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonPostForm(
        request.POST or None,
        documents=_documents(person.unit.region_id),
        initial={"leader_post": person.leader_post},
    )

    def run(d: dict[str, Any]) -> Person:
        return services.person_change_post(
            person=person,
            actor=request.user,
            title=d["title"] or None,
            **_pick(d, "leader_post", "occurred_on", "doc_number", "document", "reason"),
        )

    return _submit(
        request,
        form,
        run,
        done=lambda p: reverse("units:person_detail", args=[p.pk]),
        message="职务变动已登记。",
        ctx=_person_ctx(person, "职务变动"),
    )


EDIT_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "establishment_type",
    "category",
    "division",
    "entered_on",
    "entry_doc_number",
    "entry_method",
    "is_military_transfer",
    "work_started_on",
    "duty_status",
    "ethnicity",
    "political_status",
    "education",
    "title",
    "grade",
)


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    require(request.user, "edit_registry")
    form = PersonEditForm(
        request.POST or None, unit=person.unit, initial={f: getattr(person, f) for f in EDIT_FIELDS}
    )

    def run(d: dict[str, Any]) -> Person:
        return services.person_update(
            person=person, actor=request.user, reason=d["reason"], **_pick(d, *EDIT_FIELDS)
        )

    return _submit(
        request,
        form,
        run,
        done=lambda p: reverse("units:person_detail", args=[p.pk]),
        message="人员信息已修改。",
        ctx=_person_ctx(person, "修改人员信息"),
    )
