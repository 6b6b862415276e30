"""年度报告: the year's list (who has not filed, at a glance), the deadline, the form and the review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib.http import add_errors, download, paginate
from bianzhi.roles import can, require
from registration import exports, selectors, services
from registration.forms import ReportAcceptForm, ReportForm, ReportReturnForm, YearFilterForm, YearForm
from registration.models import REPORT_SECTIONS, AnnualReport, ReportStatus
from registration.views.common import crumbs, form_page, require_reader


def _year(request) -> int:
    last = timezone.localdate().year - 1
    try:
        year = int(request.GET.get("year") or last)
    except ValueError:
        return last
    return year if 2000 <= year <= last else last


def report_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    year = _year(request)
    form = YearFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.year_rows(request.user, year, data)
    region = selectors.region_of(request.user, year)
    context = {
        "title": "年度报告",
        "year": year,
        "years": selectors.report_years(request.user),
        "form": form,
        "page": paginate(request, rows),
        "figures": selectors.year_figures(request.user, year),
        "deadline": selectors.deadline(region, year) if region else None,
    }
    return render(request, "registration/report_list.html", context)


def report_export(request: HttpRequest) -> HttpResponse:
    """The year's list as the page filters it, as a workbook (office roles holding ``export``)."""
    require(request.user, "view_registry")
    require(request.user, "export")
    year = _year(request)
    form = YearFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.year_rows(request.user, year, data)
    region = selectors.region_of(request.user, year)
    payload = exports.year_xlsx(year, rows, actor=request.user, region=region)
    return download(payload, f"{year}年度报告报送情况.xlsx", stamp=True)


def report_year(request: HttpRequest) -> HttpResponse:
    require(request.user, "register_units")
    region = selectors.region_of(request.user, 0)
    if region is None:
        raise Http404("您没有所属区划。")
    form = YearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.report_year_set(region=region, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{row.year}年度报告截止日期已设为{row.deadline:%Y-%m-%d}。")
            return redirect(reverse("registration:report_list") + f"?year={row.year}")
    cancel = reverse("registration:report_list")
    return form_page(
        request, form, title="设置年报截止日期", crumbs=crumbs(("年度报告", cancel)), cancel=cancel
    )


def report_fill(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The unit's report for ``year`` (``pk``: the registration record): the form, created on first save."""
    record = selectors.record_for(request.user, pk)
    if not selectors.is_liaison(request.user):
        require(request.user, "register_units", region=record.region_id)
    if not 2000 <= year < timezone.localdate().year:
        raise Http404("报告年度无效。")
    report = selectors.report_of(record, year)
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        instance=report or AnnualReport(capital=record.capital),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_save(
                record=record,
                year=year,
                data=form.values(),
                submit=form.cleaned_data["submit"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"{year}年度报告已{'提交' if report.status == ReportStatus.SUBMITTED else '保存'}。"
            )
            return redirect("registration:report_detail", pk=report.pk)
    back = reverse("registration:record_detail", args=[pk])
    context = {
        "form": form,
        "title": f"{year}年度报告",
        "subject": record.name,
        "crumbs": crumbs((record.name, back)),
        "cancel": back,
        "lead": f"退回理由：{report.return_reason}" if report and report.return_reason else "",
        "sections": [(heading, [form[f] for f in fields]) for heading, fields in REPORT_SECTIONS],
    }
    return render(request, "registration/report_form.html", context, status=400 if form.errors else 200)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    sections = [
        (title, [(AnnualReport._meta.get_field(f).verbose_name, getattr(report, f), f) for f in fields])
        for title, fields in REPORT_SECTIONS
    ]
    reviewer = can(request.user, "register_units", region=report.region_id)
    filer = selectors.is_liaison(request.user) or reviewer
    context = {
        "report": report,
        "title": f"{report.record.name} {report.year}年度报告",
        "sections": sections,
        "can_fill": filer and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED),
        "can_review": reviewer and report.status == ReportStatus.SUBMITTED,
        "accept_form": ReportAcceptForm(),
        "return_form": ReportReturnForm(),
        "deadline": selectors.deadline(report.region, report.year),
    }
    return render(request, "registration/report_detail.html", context)


def _decide(request, pk, form_class, call, done, title) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    require(request.user, "register_units", region=report.region_id)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            call(report, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("registration:report_detail", pk=pk)
    back = reverse("registration:report_detail", args=[pk])
    return form_page(
        request,
        form,
        title=title,
        subject=str(report),
        crumbs=crumbs(("年度报告", reverse("registration:report_list"))),
        cancel=back,
    )


def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        ReportAcceptForm,
        lambda r, d: services.report_accept(report=r, actor=request.user),
        "年度报告已通过。",
        "通过年度报告",
    )


def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        ReportReturnForm,
        lambda r, d: services.report_return(report=r, reason=d["reason"], actor=request.user),
        "年度报告已退回。",
        "退回年度报告",
    )
