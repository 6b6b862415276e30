"""核编在先 pages: 用编申请 (list, new, review), 编制使用单 (list, PDF, void), prints, 机构限额, late records.

Reads are scoped through ``units.selectors`` (another unit's request or slip is a 404); each POST calls one
service with ``actor=request.user``. Order in write views: look the object up (404), check the capability
(403), then parse the form. Approve/refuse/withdraw/void only accept POST; a GET goes back to the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from archives.models import Document
from bianzhi.roles import can, require
from units import prints as printing
from units import selectors, services
from units.choices import Nature, RequestStatus, SlipStatus, UnitStatus
from units.forms.requests import (
    EXPIRED,
    ApproveForm,
    OrganLimitForm,
    RefuseForm,
    RequestCreateForm,
    RequestFilterForm,
    SlipFilterForm,
    SlipVoidForm,
    WithdrawForm,
)
from units.models import EstablishmentRequest, Movement, OrganLimit, Person, Unit, UseSlip
from units.views.registry import _add_service_errors, _live_legal_units, _page, _require_reader, _submit

LATE_WINDOW_DAYS = 90


# ---- scoping -------------------------------------------------------------------------------------


def requests_for(user) -> QuerySet[EstablishmentRequest]:
    """用编申请 of the units the user may see (office: their regions; liaison: their units)."""
    return EstablishmentRequest.objects.filter(unit__in=selectors.units_for(user))


def request_for(user, pk: int) -> EstablishmentRequest:
    related = ("unit", "unit__region", "replacement_for", "requested_by__profile", "decided_by__profile")
    try:
        return requests_for(user).select_related(*related).get(pk=pk)
    except EstablishmentRequest.DoesNotExist:
        raise Http404("没有找到该用编申请。") from None


def slips_for(user) -> QuerySet[UseSlip]:
    return UseSlip.objects.filter(unit__in=selectors.units_for(user))


def slip_for(user, pk: int) -> UseSlip:
    try:
        return slips_for(user).select_related("unit", "region", "request", "person").get(pk=pk)
    except UseSlip.DoesNotExist:
        raise Http404("没有找到该编制使用单。") from None


def requestable_units(user) -> QuerySet[Unit]:
    """Office staff: every live 法人 unit of their regions; a liaison: their own units; others: 403."""
    if can(user, "edit_registry"):
        return _live_legal_units(user)
    ids = selectors.liaison_unit_ids(user)
    if not ids:
        raise PermissionDenied("只有编办工作人员或本单位联络员可以提出用编申请。")
    return _live_legal_units(user).filter(pk__in=ids)


def _figures(unit: Unit, establishment_type: str) -> dict[str, int]:
    """Approved, occupied, reserved by unexpired slips and vacant (DOMAIN.md §3.1) for one unit and type."""
    line = selectors.type_line(unit, establishment_type)
    return {
        "approved": line.approved,
        "occupied": line.occupied,
        "reserved": line.reserved,
        "vacancy": line.available,
    }


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# ---- 用编申请 ------------------------------------------------------------------------------------


def _filter_requests(user, data: dict[str, Any]) -> QuerySet[EstablishmentRequest]:
    qs = requests_for(user)
    for field in ("status", "unit", "establishment_type"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(unit__name__icontains=q) | Q(reason__icontains=q))
    return qs.select_related("unit", "replacement_for", "requested_by__profile").order_by(
        "-requested_at", "-id"
    )


def request_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = RequestFilterForm(
        request.GET or None, units=_live_legal_units(request.user).order_by("sort_order", "id")
    )
    data = form.cleaned_data if form.is_valid() else {}
    page = _page(request, _filter_requests(request.user, data))
    can_create = can(request.user, "edit_registry") or bool(selectors.liaison_unit_ids(request.user))
    return render(request, "units/requests/list.html", {"form": form, "page": page, "can_create": can_create})


def _leavers(units: QuerySet[Unit], unit_id: str | None) -> QuerySet[Person]:
    """People who left establishment in the chosen unit (or any of the units), not yet named by a request."""
    taken = EstablishmentRequest.objects.filter(
        replacement_for__isnull=False, status__in=[RequestStatus.PENDING, RequestStatus.APPROVED]
    ).values("replacement_for")
    qs = Person.objects.filter(unit__in=units, in_establishment=False).exclude(pk__in=taken)
    return qs.filter(unit_id=unit_id) if unit_id and str(unit_id).isdigit() else qs


def request_create(request: HttpRequest) -> HttpResponse:
    units = requestable_units(request.user).order_by("sort_order", "id")
    chosen = request.POST.get("unit") or request.GET.get("unit")
    form = RequestCreateForm(
        request.POST or None,
        units=units,
        leavers=_leavers(units, chosen),
        initial={"unit": chosen, "establishment_type": request.GET.get("type")},
    )
    token = request.POST.get("client_token") or ""
    repeated = (
        bool(token)
        and EstablishmentRequest.objects.filter(requested_by=request.user, client_token=token).exists()
    )
    unit = units.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None

    def run(d: dict[str, Any]) -> EstablishmentRequest:
        return services.request_create(actor=request.user, **d)

    return _submit(
        request,
        form,
        run,
        done=lambda r: reverse("units:request_detail", args=[r.pk]),
        message="该申请已经提交过，没有重复提交。" if repeated else "用编申请已提交，等待编办审核。",
        ctx={
            "title": "申请用编",
            "subject": unit,
            "crumbs": [("用编申请", reverse("units:request_list"))],
            "cancel": reverse("units:unit_detail", args=[unit.pk]) if unit else reverse("units:request_list"),
            "show_est": unit is not None,
            "est": selectors.establishment_for([unit])[unit.pk] if unit else None,
            "submit_label": "提交申请",
        },
    )


def _detail_ctx(request: HttpRequest, req: EstablishmentRequest, **forms: Any) -> dict[str, Any]:
    user, unit = request.user, req.unit
    pending = req.status == RequestStatus.PENDING
    can_decide = pending and can(user, "approve")
    today = timezone.localdate()
    return {
        "req": req,
        "figures": _figures(unit, req.establishment_type),
        "events": req.events.select_related("actor__profile").order_by("at", "id"),
        "slips": [(s, s.state_on(today)) for s in req.slips.select_related("person").order_by("number")],
        "unit_events": unit.events.select_related("document").order_by("-occurred_on", "-id")[:10],
        "movements": Movement.objects.filter(Q(to_unit=unit) | Q(from_unit=unit))
        .select_related("person", "from_unit", "to_unit")
        .order_by("-occurred_on", "-id")[:10],
        "history": unit.requests.exclude(pk=req.pk).order_by("-requested_at", "-id")[:10],
        # four eyes: the filer never approves (services.request_approve refuses it too)
        "approve_form": forms.get("approve_form")
        or (ApproveForm() if can_decide and req.requested_by_id != user.pk else None),
        "refuse_form": forms.get("refuse_form") or (RefuseForm() if can_decide else None),
        "can_withdraw": pending and req.requested_by_id == user.pk,  # the office may also, by POST
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
    }


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_for(request.user, pk)
    return render(request, "units/requests/detail.html", _detail_ctx(request, req))


def _decide(request: HttpRequest, req: EstablishmentRequest, form_name: str, form, run) -> HttpResponse:
    """POST one decision; a refusal by the service re-renders the review page with its message."""
    if request.method != "POST":
        return redirect("units:request_detail", pk=req.pk)
    if form.is_valid():
        try:
            message = run(form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("units:request_detail", pk=req.pk)
    ctx = _detail_ctx(request, req, **{form_name: form})
    return render(request, "units/requests/detail.html", ctx, status=400)


def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_for(request.user, pk)
    require(request.user, "approve")

    def run(d: dict[str, Any]) -> str:
        slips = services.request_approve(
            request=req, actor=request.user, valid_days=d["valid_days"], note=d["note"]
        )
        return f"已批准，签发编制使用单{len(slips)}张：" + "、".join(s.number for s in slips)

    return _decide(request, req, "approve_form", ApproveForm(request.POST or None), run)


def request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_for(request.user, pk)
    require(request.user, "approve")

    def run(d: dict[str, Any]) -> str:
        services.request_refuse(request=req, actor=request.user, reason=d["reason"])
        return "已作出不予批准的决定。"

    return _decide(request, req, "refuse_form", RefuseForm(request.POST or None), run)


def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_for(request.user, pk)
    if req.requested_by_id != request.user.pk and not can(request.user, "edit_registry"):
        raise PermissionDenied("只有申请人或编办工作人员可以撤回申请。")

    def run(d: dict[str, Any]) -> str:
        services.request_withdraw(request=req, actor=request.user, reason=d["reason"])
        return "申请已撤回。"

    return _decide(request, req, "withdraw_form", WithdrawForm(request.POST or None), run)


# ---- 编制使用单 -----------------------------------------------------------------------------------


def _filter_slips(user, data: dict[str, Any], today: dt.date) -> QuerySet[UseSlip]:
    qs = slips_for(user)
    status = data.get("status")
    if status == EXPIRED:
        qs = qs.filter(status=SlipStatus.VALID, valid_until__lt=today)
    elif status == SlipStatus.VALID:
        qs = qs.filter(status=SlipStatus.VALID, valid_until__gte=today)
    elif status:
        qs = qs.filter(status=status)
    if data.get("unit"):
        qs = qs.filter(unit=data["unit"])
    if q := (data.get("q") or "").strip():
        qs = qs.filter(number__icontains=q)
    return qs.select_related("unit", "person").order_by("-issued_on", "-id")


def slip_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    today = timezone.localdate()
    form = SlipFilterForm(
        request.GET or None, units=_live_legal_units(request.user).order_by("sort_order", "id")
    )
    data = form.cleaned_data if form.is_valid() else {}
    page = _page(request, _filter_slips(request.user, data, today))
    rows = [(s, s.state_on(today)) for s in page.object_list]
    return render(request, "units/requests/slip_list.html", {"form": form, "page": page, "rows": rows})


def slip_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    slip = slip_for(request.user, pk)
    return _pdf(printing.slip_pdf(slip, actor=request.user), f"编制使用单{slip.number}.pdf")


def slip_void(request: HttpRequest, pk: int) -> HttpResponse:
    slip = slip_for(request.user, pk)
    require(request.user, "edit_registry")  # supervisors approve requests but do not void slips
    form = SlipVoidForm(request.POST or None)

    def run(d: dict[str, Any]) -> UseSlip:
        return services.slip_void(slip=slip, actor=request.user, reason=d["reason"])

    return _submit(
        request,
        form,
        run,
        done=lambda s: reverse("units:request_detail", args=[s.request_id]),
        message=f"编制使用单{slip.number}已作废，预留的编制已释放。",
        ctx={
            "title": "作废编制使用单",
            "subject": slip.number,
            "crumbs": [("编制使用单", reverse("units:slip_list"))],
            "cancel": reverse("units:request_detail", args=[slip.request_id]),
            "danger": True,
            "submit_label": "作废",
        },
    )


# ---- prints --------------------------------------------------------------------------------------


def unit_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for(request.user, pk)
    return _pdf(printing.certificate_pdf(unit, actor=request.user), f"机构编制管理证_{unit.name}.pdf")


def person_card(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    return _pdf(printing.person_card_pdf(person, actor=request.user), f"人员编制管理卡_{person.name}.pdf")


# ---- 机构限额 -------------------------------------------------------------------------------------


def _townships(region) -> list[str]:
    organs = Unit.objects.filter(region=region, system="乡镇", nature=Nature.ORGAN, status=UnitStatus.ACTIVE)
    names = set(organs.exclude(township="").values_list("township", flat=True))
    names |= set(
        OrganLimit.objects.filter(region=region).exclude(township="").values_list("township", flat=True)
    )
    return sorted(names)


def _limit_rows(regions) -> list[dict[str, Any]]:
    rows = []
    for region in regions:
        for township in ["", *_townships(region)]:
            limit = services.organ_limit(region, township)
            count = services.organ_count(region, township)
            spare = limit.limit - count if limit else None
            rows.append(
                {"region": region, "township": township, "limit": limit, "count": count, "spare": spare}
            )
    return rows


def organ_limits(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")  # county totals are for office roles
    if request.method == "POST":
        require(request.user, "edit_registry")
    regions = selectors.regions_for(request.user).order_by("code")
    form = OrganLimitForm(
        request.POST or None,
        regions=regions,
        townships=sorted({t for r in regions for t in _townships(r)}),
        documents=Document.objects.filter(region__in=regions),
        initial={"region": regions.first(), "set_on": timezone.localdate()},
    )

    def run(d: dict[str, Any]) -> OrganLimit:
        return services.organ_limit_set(actor=request.user, **d)

    history = OrganLimit.objects.filter(region__in=regions).select_related(
        "region", "document", "actor__profile"
    )
    return _submit(
        request,
        form,
        run,
        done=lambda _: reverse("units:organ_limits"),
        message="机构限额已核定。",
        ctx={"rows": _limit_rows(regions), "history": history.order_by("-set_on", "-id")[:100]},
        template="units/requests/organ_limits.html",
    )


# ---- 逾期登记 -------------------------------------------------------------------------------------


def late_movements(request: HttpRequest) -> HttpResponse:
    """Real-name changes recorded more than the allowed working days after the event (last 90 days)."""
    _require_reader(request.user)
    since = timezone.now() - dt.timedelta(days=LATE_WINDOW_DAYS)
    qs = (
        Movement.objects.filter(
            person__in=selectors.people_for(request.user), is_late=True, recorded_at__gte=since
        )
        .select_related("person", "person__unit", "actor__profile")
        .order_by("-recorded_at", "-id")
    )
    return render(
        request, "units/requests/late_movements.html", {"page": _page(request, qs), "days": LATE_WINDOW_DAYS}
    )
