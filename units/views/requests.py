"""核编在先 pages: 用编申请 (list, new, review), 编制使用单 (list, PDF, void), prints, 机构限额, late records.

Reads are scoped through ``units.selectors`` (another unit's request or slip is a 404); each POST calls one
service with ``actor=request.user``. Order in write views: look the object up (404), check the capability
(403), then parse the form. Approve/refuse/withdraw/void only accept POST; a GET goes back to the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib.http import add_errors, download, paginate
from bianzhi.roles import can, require
from units import prints, selectors, services
from units.choices import RequestStatus
from units.forms.requests import (
    ApproveForm,
    OrganLimitForm,
    RefuseForm,
    RequestCreateForm,
    RequestFilterForm,
    SlipFilterForm,
    SlipVoidForm,
    WithdrawForm,
)
from units.models import EstablishmentRequest, OrganLimit, UseSlip
from units.views.common import submit

# ---- 用编申请 ------------------------------------------------------------------------------------


def request_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view_registry"):
        require(request.user, "liaise")
    form = RequestFilterForm(request.GET or None, units=selectors.choosable_units(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.requests_filtered(request.user, data))
    return render(request, "units/requests/list.html", {"form": form, "page": page})


def request_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "edit_registry"):
        require(request.user, "liaise")  # a liaison asks for their own units
    units = selectors.sorted_units(selectors.requestable_units(request.user))
    chosen = request.POST.get("unit") or request.GET.get("unit")
    form = RequestCreateForm(
        request.POST or None,
        units=units,
        leavers=selectors.leavers(units, chosen),
        initial={"unit": chosen, "establishment_type": request.GET.get("type")},
    )
    repeated = selectors.request_repeated(request.user, request.POST.get("client_token") or "")
    unit = selectors.unit_in(units, chosen)

    def run(d: dict[str, Any]) -> EstablishmentRequest:
        return services.request_create(actor=request.user, **d)

    return submit(
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
    user = request.user
    pending = req.status == RequestStatus.PENDING
    can_decide = pending and can(user, "approve")
    return {
        "req": req,
        **selectors.request_history(req),
        # four eyes: the filer never approves (services.request_approve refuses it too)
        "approve_form": forms.get("approve_form")
        or (ApproveForm() if can_decide and req.requested_by_id != user.pk else None),
        "refuse_form": forms.get("refuse_form") or (RefuseForm() if can_decide else None),
        "can_withdraw": pending and req.requested_by_id == user.pk,  # the office may also, by POST
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
    }


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_for(request.user, pk)
    return render(request, "units/requests/detail.html", _detail_ctx(request, req))


def _decide(request: HttpRequest, req: EstablishmentRequest, form_name: str, form, run) -> HttpResponse:
    """POST one decision; a refusal by the service re-renders the review page with its message."""
    if request.method != "POST":
        return redirect("units:request_detail", pk=req.pk)
    if form.is_valid():
        try:
            message = run(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("units:request_detail", pk=req.pk)
    ctx = _detail_ctx(request, req, **{form_name: form})
    return render(request, "units/requests/detail.html", ctx, status=400)


def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_for(request.user, pk)
    require(request.user, "approve")

    def run(d: dict[str, Any]) -> str:
        slips = services.request_approve(
            request=req, actor=request.user, valid_days=d["valid_days"], note=d["note"]
        )
        return f"已批准，签发编制使用单{len(slips)}张：" + "、".join(s.number for s in slips)

    return _decide(request, req, "approve_form", ApproveForm(request.POST or None), run)


def request_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_for(request.user, pk)
    require(request.user, "approve")

    def run(d: dict[str, Any]) -> str:
        services.request_refuse(request=req, actor=request.user, reason=d["reason"])
        return "已作出不予批准的决定。"

    return _decide(request, req, "refuse_form", RefuseForm(request.POST or None), run)


def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_for(request.user, pk)
    if req.requested_by_id != request.user.pk:
        require(request.user, "edit_registry")  # the requester, or office staff

    def run(d: dict[str, Any]) -> str:
        services.request_withdraw(request=req, actor=request.user, reason=d["reason"])
        return "申请已撤回。"

    return _decide(request, req, "withdraw_form", WithdrawForm(request.POST or None), run)


# ---- 编制使用单 -----------------------------------------------------------------------------------


def slip_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view_registry"):
        require(request.user, "liaise")
    today = timezone.localdate()
    form = SlipFilterForm(request.GET or None, units=selectors.choosable_units(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.slips_filtered(request.user, data, today))
    rows = [(s, s.state_on(today)) for s in page.object_list]
    return render(request, "units/requests/slip_list.html", {"form": form, "page": page, "rows": rows})


def slip_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    slip = selectors.slip_for(request.user, pk)
    return download(prints.slip_pdf(slip, actor=request.user), f"编制使用单{slip.number}.pdf")


def slip_void(request: HttpRequest, pk: int) -> HttpResponse:
    slip = selectors.slip_for(request.user, pk)
    require(request.user, "edit_registry")  # supervisors approve requests but do not void slips
    form = SlipVoidForm(request.POST or None)

    def run(d: dict[str, Any]) -> UseSlip:
        return services.slip_void(slip=slip, actor=request.user, reason=d["reason"])

    return submit(
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
    return download(prints.certificate_pdf(unit, actor=request.user), f"机构编制管理证_{unit.name}.pdf")


def person_card(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    return download(prints.person_card_pdf(person, actor=request.user), f"人员编制管理卡_{person.name}.pdf")


# ---- 机构限额 -------------------------------------------------------------------------------------


def organ_limits(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")  # county totals are for office roles
    if request.method == "POST":
        require(request.user, "edit_registry")
    regions = selectors.regions_for(request.user).order_by("code")
    kept = selectors.acting_regions(request.user).order_by("code")  # a city's office reads its counties'
    form = OrganLimitForm(
        request.POST or None,
        regions=kept,
        townships=sorted({t for r in regions for t in selectors.townships(r)}),
        documents=selectors.documents_of(regions),
        initial={"region": kept.first(), "set_on": timezone.localdate()},
    )

    def run(d: dict[str, Any]) -> OrganLimit:
        return services.organ_limit_set(actor=request.user, **d)

    return submit(
        request,
        form,
        run,
        done=lambda _: reverse("units:organ_limits"),
        message="机构限额已核定。",
        ctx={"rows": selectors.limit_rows(regions), "history": selectors.limit_history(regions)},
        template="units/requests/organ_limits.html",
    )


# ---- 逾期登记 -------------------------------------------------------------------------------------


def late_movements(request: HttpRequest) -> HttpResponse:
    """Real-name changes recorded more than the allowed working days after the event (last 90 days)."""
    if not can(request.user, "view_registry"):
        require(request.user, "liaise")
    return render(
        request,
        "units/requests/late_movements.html",
        {
            "page": paginate(request, selectors.late_movements(request.user)),
            "days": selectors.LATE_WINDOW_DAYS,
        },
    )
