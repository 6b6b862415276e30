"""统计年报: the kept reports, generating a version, its tables, the comparison with last year, the
workbook and the print, and sending it (报送). Office roles read; office staff generate and send."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.lib.http import add_errors, download, paginate
from bianzhi.roles import can, require
from units.views import background
from yearbook import jobs, selectors, services
from yearbook.forms import GenerateForm, SearchForm, SubmitForm


def _crumbs(report=None) -> list[tuple[str, str]]:
    out = [("统计年报", reverse("yearbook:report_list"))]
    if report is not None:
        out.append(
            (
                f"{report.year}年度（第{report.version}版）",
                reverse("yearbook:report_detail", args=[report.pk]),
            )
        )
    return out


def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    search = SearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    page = paginate(request, selectors.reports_filtered(request.user, q))
    context = {
        "page": page,
        "search": search,
        "title": "机构编制统计年报",
        "can_generate": can(request.user, "edit_registry"),
    }
    return render(request, "yearbook/report_list.html", context)


def report_generate(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    form = GenerateForm(
        request.POST if request.method == "POST" else None, regions=selectors.office_regions(request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = jobs.generate_submit(region=d["region"], year=d["year"], note=d["note"], actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已提交后台任务：生成统计年报。完成后本页给出年报的链接。")
            return redirect("jobs:job_detail", job.pk)
    context = {
        "form": form,
        "title": "生成统计年报",
        "crumbs": _crumbs(),
        "cancel": reverse("yearbook:report_list"),
        "lead": "按所选年度12月31日的机构、编制、领导职数和实有人员计算各表并保存为新版本；以前的版本保留。"
        "年报在后台生成：提交后转到任务页面查看进度，完成后由任务页面进入年报。",
        "submit_label": "生成年报",
    }
    return render(request, "form_page.html", context, status=400 if form.errors else 200)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    context = {
        "report": report,
        "tables": selectors.shown(report),
        "versions": selectors.versions_of(report),
        "previous": selectors.previous_year(report),
        "title": report.title,
        "crumbs": _crumbs(),
    }
    return render(request, "yearbook/report_detail.html", context)


def report_compare(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    previous = selectors.previous_year(report)
    context = {
        "report": report,
        "previous": previous,
        "sections": selectors.comparison(report, previous),
        "title": f"{report.year}年度与{report.year - 1}年度对比",
        "crumbs": _crumbs(report),
    }
    return render(request, "yearbook/report_compare.html", context)


def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_file(request, pk, "xlsx")


def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_file(request, pk, "pdf")


def _report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The kept report's workbook or print: at once, or over ``JOBS_INLINE_MAX_ROWS`` rows (and on POST)
    as a background job (``yearbook.jobs``), offered first by a page (a GET writes nothing)."""
    report = selectors.report_for(request.user, pk)
    require(request.user, "export")
    rows = jobs.report_size(report)
    if request.method == "POST" or background.too_big(rows):
        back = reverse("yearbook:report_detail", args=[report.pk])
        return background.offer(
            request,
            kind=jobs.FILE_KIND,
            params={"report": report.pk, "fmt": fmt},
            label=f"{report.title}（第{report.version}版，{jobs.FORMATS[fmt]}）",
            rows=rows,
            crumbs=_crumbs(report),
            back=back,
        )
    return download(jobs.report_file(request.user, report, fmt), jobs.report_filename(report, fmt))


def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    require(request.user, "edit_registry", region=report.region_id)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(report=report, actor=request.user, confirmed=form.cleaned_data["confirm"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "年报已报送，并已归入机构编制实名制管理档案。")
            return redirect("yearbook:report_detail", pk=report.pk)
    context = {
        "form": form,
        "title": "报送统计年报",
        "subject": str(report),
        "crumbs": _crumbs(report),
        "cancel": reverse("yearbook:report_detail", args=[report.pk]),
        "lead": "报送后，本版本年报的打印版（PDF）归入独立档案“机构编制实名制管理档案”永久保存。",
        "submit_label": "确认报送",
        "danger": True,
    }
    return render(request, "form_page.html", context, status=400 if form.errors else 200)
