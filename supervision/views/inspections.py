"""Inspections (全面检查, 专项检查) with their findings; 整改通知书: issue, PDF, the unit's 整改 evidence,
closing and reopening, 问责."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.lib.http import download, paginate
from bianzhi.roles import can, require
from supervision import prints, selectors, services
from supervision.choices import NoticeStatus
from supervision.forms import (
    AccountabilityForm,
    CloseNoticeForm,
    DecideForm,
    EvidenceForm,
    FindingForm,
    InspectionFilterForm,
    InspectionForm,
    NoticeFilterForm,
    NoticeIssueForm,
    ReopenForm,
)
from supervision.views.common import crumbs, form_page, run


def _crumbs(inspection=None):
    extra = [("监督检查记录", reverse("supervision:inspection_list"))]
    if inspection is not None:
        extra.append((inspection.title, reverse("supervision:inspection_detail", args=[inspection.pk])))
    return crumbs(*extra)


def inspection_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    form = InspectionFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.inspections_filtered(request.user, d))
    return render(
        request,
        "supervision/inspection_list.html",
        {"form": form, "page": page, "title": "监督检查记录", "crumbs": crumbs()},
    )


def inspection_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "supervise")
    form = InspectionForm(
        request.POST or None,
        regions=selectors.acting_office_regions(request.user),
        units=selectors.choosable_units(request.user),
        initial={"inspected_on": selectors.today()},
    )
    if request.method == "POST" and form.is_valid():
        done = []
        d = form.cleaned_data | {"units": list(form.cleaned_data["units"])}
        if run(form, lambda: done.append(services.inspection_create(actor=request.user, **d))):
            messages.success(request, "检查已登记；登记数据显示的超编、超职数情况已列为待确认问题。")
            return redirect("supervision:inspection_detail", pk=done[0].pk)
    return form_page(
        request, form, title="登记监督检查", crumbs=_crumbs(), cancel=reverse("supervision:inspection_list")
    )


def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for(request.user, pk)
    context = selectors.inspection_page(inspection) | {
        "title": inspection.title,
        "crumbs": _crumbs(),
        "can_write": can(request.user, "supervise", region=inspection.region_id),
    }
    return render(request, "supervision/inspection_detail.html", context)


def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for(request.user, pk)
    require(request.user, "supervise", region=inspection.region_id)
    form = FindingForm(request.POST or None, units=selectors.inspection_units(inspection))
    if request.method == "POST" and form.is_valid():
        if run(
            form, lambda: services.finding_add(inspection=inspection, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, "问题已登记。")
            return redirect("supervision:inspection_detail", pk=pk)
    cancel = reverse("supervision:inspection_detail", args=[pk])
    return form_page(
        request,
        form,
        title="登记检查发现的问题",
        subject=inspection.title,
        crumbs=_crumbs(inspection),
        cancel=cancel,
    )


def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    inspection = finding.inspection
    require(request.user, "supervise", region=inspection.region_id)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.finding_decide(  # noqa: E731
            finding=finding, confirm=d["decision"] == "confirm", note=d["note"], actor=request.user
        )
        if run(form, call):
            messages.success(request, "处理结果已记录。")
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    cancel = reverse("supervision:inspection_detail", args=[inspection.pk])
    subject = f"{finding.unit.name}：{finding.description}"
    return form_page(
        request, form, title="确认或排除问题", subject=subject, crumbs=_crumbs(inspection), cancel=cancel
    )


def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for(request.user, pk)
    require(request.user, "supervise", region=inspection.region_id)
    form = NoticeIssueForm(request.POST or None, units=selectors.notice_units(inspection))
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        done = []
        if run(
            form, lambda: done.append(services.notice_issue(inspection=inspection, actor=request.user, **d))
        ):
            messages.success(request, f"整改通知书{done[0].number}已签发，并已归入监督检查独立档案。")
            return redirect("supervision:notice_detail", pk=done[0].pk)
    cancel = reverse("supervision:inspection_detail", args=[pk])
    return form_page(
        request,
        form,
        title="签发整改通知书",
        subject=inspection.title,
        crumbs=_crumbs(inspection),
        cancel=cancel,
    )


# ---- 整改通知书 -------------------------------------------------------------------------------------------------


def _notice_crumbs(request=None):
    office = request is None or can(request.user, "view_registry")
    return crumbs(("整改通知书", reverse("supervision:notice_list")), office=office)


def notice_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "view_registry"):
        require(request.user, "liaise")
    form = NoticeFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.notices_filtered(request.user, d))
    context = {
        "form": form,
        "page": page,
        "title": "整改通知书",
        "crumbs": crumbs(),
        "today": selectors.today(),
    }
    return render(request, "supervision/notice_list.html", context)


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    context = selectors.notice_page(notice) | {
        "title": f"整改通知书 {notice.number}",
        "crumbs": _notice_crumbs(request),
        "can_write": can(request.user, "supervise", region=notice.region_id),
        "is_liaison": selectors.is_liaison_of(request.user, notice.unit),
        "is_open": notice.status == NoticeStatus.OPEN,
    }
    return render(request, "supervision/notice_detail.html", context)


def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    data = prints.notice_pdf(notice, actor=request.user)
    return download(data, f"整改通知书{notice.number}.pdf", inline=True)


def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    if not selectors.is_liaison_of(request.user, notice.unit):
        require(request.user, "supervise", region=notice.region_id)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        call = lambda: services.evidence_add(  # noqa: E731
            notice=notice,
            body=form.cleaned_data["body"],
            uploads=[upload] if upload else [],
            actor=request.user,
        )
        if run(form, call):
            messages.success(request, "整改情况已报送。")
            return redirect("supervision:notice_detail", pk=pk)
    cancel = reverse("supervision:notice_detail", args=[pk])
    return form_page(
        request,
        form,
        title="报送整改情况",
        subject=notice.number,
        crumbs=_notice_crumbs(request),
        cancel=cancel,
    )


def _notice_action(request, pk, form_class, *, title, done, call, danger=False, **form_kwargs):
    notice = selectors.notice_for(request.user, pk)
    require(request.user, "supervise", region=notice.region_id)
    form = form_class(request.POST or None, **{k: v(notice) for k, v in form_kwargs.items()})
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
        if run(form, lambda: call(notice, d)):
            messages.success(request, done)
            return redirect("supervision:notice_detail", pk=pk)
    cancel = reverse("supervision:notice_detail", args=[pk])
    return form_page(
        request,
        form,
        title=title,
        subject=notice.number,
        crumbs=_notice_crumbs(),
        cancel=cancel,
        danger=danger,
    )


def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        CloseNoticeForm,
        title="整改销号",
        done="整改已销号。",
        call=lambda n, d: services.notice_close(notice=n, actor=request.user, **d),
    )


def notice_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        ReopenForm,
        title="重新整改",
        done="整改已重新打开。",
        danger=True,
        call=lambda n, d: services.notice_reopen(notice=n, actor=request.user, **d),
    )


def accountability_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        AccountabilityForm,
        title="登记问责",
        done="问责情况已登记。",
        call=lambda n, d: services.accountability_add(notice=n, actor=request.user, **d),
        region=lambda n: n.region,
    )
