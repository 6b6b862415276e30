"""举报受理: the register (list, search, filters), intake, and one page per step of the workflow."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.lib.http import paginate
from bianzhi.roles import require
from supervision import selectors, services
from supervision.forms import CloseForm, ExtendForm, RefuseForm, ReportFilterForm, ReportForm, StepForm
from supervision.views.common import crumbs, form_page, run


def _crumbs(report=None):
    extra = [("举报受理", reverse("supervision:report_list"))]
    if report is not None:
        extra.append((report.number, reverse("supervision:report_detail", args=[report.pk])))
    return crumbs(*extra)


def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    form = ReportFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.reports_filtered(request.user, d))
    rows = [(r, selectors.reporter(request.user, r), r.overdue_on(selectors.today())) for r in page]
    context = {"form": form, "page": page, "rows": rows, "title": "举报受理", "crumbs": crumbs()}
    return render(request, "supervision/report_list.html", context)


def report_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "supervise")
    regions = selectors.acting_office_regions(request.user)
    form = ReportForm(request.POST or None, regions=regions, units=selectors.choosable_units(request.user))
    if request.method == "POST" and form.is_valid():
        done = []
        if run(form, lambda: done.append(services.report_receive(actor=request.user, **form.cleaned_data))):
            messages.success(
                request, f"举报已受理，编号{done[0].number}，办理期限{done[0].deadline:%Y-%m-%d}。"
            )
            return redirect("supervision:report_detail", pk=done[0].pk)
    return form_page(
        request, form, title="受理举报", crumbs=_crumbs(), cancel=reverse("supervision:report_list")
    )


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    context = selectors.report_page(request.user, report) | {"title": report.number, "crumbs": _crumbs()}
    return render(request, "supervision/report_detail.html", context)


def _step(request, pk, make_form, *, title, call, done):
    """One step of a report's workflow: its form (``make_form(report, data)``), the service, back to it."""
    report = selectors.report_for(request.user, pk)
    require(request.user, "supervise", region=report.region_id)
    form = make_form(report, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        if run(form, lambda: call(report, d)):
            messages.success(request, done)
            return redirect("supervision:report_detail", pk=pk)
    cancel = reverse("supervision:report_detail", args=[pk])
    return form_page(request, form, title=title, subject=report.number, crumbs=_crumbs(report), cancel=cancel)


def report_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda r, data: StepForm(data, initial={"on": selectors.today()}),
        title="转入调查",
        done="举报已转入调查。",
        call=lambda r, d: services.report_investigate(report=r, actor=request.user, **d),
    )


def report_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda r, data: RefuseForm(data, initial={"on": selectors.today()}),
        title="不予受理",
        done="已记录不予受理。",
        call=lambda r, d: services.report_refuse(report=r, actor=request.user, **d),
    )


def report_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda r, data: ExtendForm(data),
        title="延期办理",
        done="办理期限已延长。",
        call=lambda r, d: services.report_extend(report=r, actor=request.user, **d),
    )


def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda r, data: CloseForm(data, region=r.region, initial={"on": selectors.today()}),
        title="办结",
        done="举报已办结。",
        call=lambda r, d: services.report_close(report=r, actor=request.user, **d),
    )
