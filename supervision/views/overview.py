"""The overview: the year's statistics (page and xlsx), 年度归档, and the region's settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib.http import download
from bianzhi.roles import can, require
from supervision import exports, selectors, services
from supervision.forms import ArchiveForm, SettingForm, YearForm
from supervision.views.common import crumbs, form_page, region_of, run


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET or None, regions=selectors.office_regions(request.user))
    if form.is_valid():
        return form.cleaned_data["year"]
    return timezone.localdate().year


def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    region = region_of(request)
    year = _year(request)
    context = {
        "title": "监督检查",
        "region": region,
        "year": year,
        "years": selectors.years(region),
        "s": selectors.statistics(region, year),
        "setting": selectors.setting_of(region),
        "archive_form": ArchiveForm(
            initial={"year": year, "region": region.pk},
            regions=selectors.acting_office_regions(request.user),
        ),
        "can_write": can(request.user, "supervise", region=region),
    }
    return render(request, "supervision/index.html", context)


def statistics_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "export")
    region = region_of(request)
    year = _year(request)
    data = exports.statistics_xlsx(region, year, actor=request.user)
    return download(data, f"{region.name}{year}年度监督检查统计.xlsx", stamp=True)


def year_archive(request: HttpRequest) -> HttpResponse:
    require(request.user, "supervise")
    form = ArchiveForm(request.POST or None, regions=selectors.acting_office_regions(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run(form, lambda: services.year_archive(region=d["region"], year=d["year"], actor=request.user)):
            messages.success(request, f"{d['year']}年度统计表和举报办结情况已归入监督检查独立档案。")
            return redirect(f"{reverse('supervision:index')}?year={d['year']}")
    return form_page(request, form, title="年度归档", crumbs=crumbs(), cancel=reverse("supervision:index"))


def settings_edit(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    region = region_of(request)
    setting = selectors.setting_of(region)
    initial = {f: getattr(setting, f) for f in SettingForm.base_fields}
    if request.method == "POST":
        require(request.user, "supervise", region=region)
    form = SettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run(form, lambda: services.setting_save(region=region, actor=request.user, **form.cleaned_data)):
            messages.success(request, "监督检查设置已保存。")
            return redirect("supervision:settings")
    return form_page(
        request,
        form,
        title="监督检查设置",
        subject=region.name,
        crumbs=crumbs(),
        cancel=reverse("supervision:index"),
        readonly=not can(request.user, "supervise", region=region),
    )
