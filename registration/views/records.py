"""Registration records: the list, a record with its history, the certificate and notice PDFs, 证书补领."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.lib.http import add_errors, download, paginate
from bianzhi.roles import can, require
from registration import prints, selectors, services
from registration.forms import RecordFilterForm, ReissueForm
from registration.models import RecordStatus
from registration.views.common import crumbs, form_page, require_reader


def record_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form = RecordFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.records_filtered(request.user, data))
    context = {
        "form": form,
        "page": page,
        "title": "事业单位登记",
        "unregistered": selectors.unregistered_units(request.user)[:50],
        "can_file": selectors.is_liaison(request.user) or can(request.user, "register_units"),
    }
    return render(request, "registration/record_list.html", context)


def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_for(request.user, pk)
    can_file = selectors.is_liaison(request.user) or can(
        request.user, "register_units", region=record.region_id
    )
    context = {
        "record": record,
        "title": record.name,
        "can_file": can_file,
        **selectors.record_history(record),
    }
    return render(request, "registration/record_detail.html", context)


def _registered(record):
    if not record.certificate_number:
        raise Http404("该单位尚未核准登记，没有法人证书。")
    return record


def record_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    record = _registered(selectors.record_for(request.user, pk))
    pdf = prints.certificate_pdf(record, copy=False, actor=request.user)
    return download(pdf, f"事业单位法人证书正本_{record.name}.pdf")


def record_certificate_copy(request: HttpRequest, pk: int) -> HttpResponse:
    record = _registered(selectors.record_for(request.user, pk))
    pdf = prints.certificate_pdf(record, copy=True, actor=request.user)
    return download(pdf, f"事业单位法人证书副本_{record.name}.pdf")


def record_cancel_notice(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_for(request.user, pk)
    if record.status != RecordStatus.CANCELLED:
        raise Http404("该单位尚未注销登记。")
    pdf = prints.cancel_notice_pdf(record, actor=request.user)
    return download(pdf, f"注销登记通知书_{record.name}.pdf")


def record_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_for(request.user, pk)
    require(request.user, "register_units", region=record.region_id)
    form = ReissueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_reissue(
                record=record, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "证书补领已记录，请打印新证书。")
            return redirect("registration:record_detail", pk=pk)
    cancel = reverse("registration:record_detail", args=[pk])
    return form_page(
        request,
        form,
        title="证书补领",
        subject=record.name,
        crumbs=crumbs((record.name, cancel)),
        cancel=cancel,
        danger=True,
    )
