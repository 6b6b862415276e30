"""The yearly self-inspection: the office's list and the "who has not answered" page; a questionnaire's
page, its one-page form (the liaison, or the office 代填 with a reason), attachments and review."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.downloads import item_download
from bianzhi.lib.http import paginate
from bianzhi.roles import can, require
from supervision import selectors, services
from supervision.choices import ANSWERABLE, QuestionnaireStatus
from supervision.forms import (
    AttachForm,
    QuestionnaireFilterForm,
    QuestionnaireForm,
    ReviewForm,
    SelfInspectionForm,
)
from supervision.views.common import crumbs, form_page, run


def _crumbs(q=None, *, office: bool = True):
    """The office goes back to the year's self-inspection; a liaison to their list of questionnaires."""
    own = ("年度自查", reverse("supervision:self_list"))
    if q is None or not office:
        return crumbs(own, office=office)
    return crumbs(
        own, (f"{q.inspection.year}年度", reverse("supervision:self_detail", args=[q.inspection_id]))
    )


def self_list(request: HttpRequest) -> HttpResponse:
    """The office: every year's self-inspection with its answer rate; a liaison: their questionnaires."""
    if not can(request.user, "view_registry"):
        require(request.user, "liaise")
        page = paginate(request, selectors.questionnaires_for(request.user).order_by("-inspection__year"))
        return render(request, "supervision/questionnaire_list.html", {"page": page, "title": "年度自查"})
    page = paginate(request, selectors.self_inspections_for(request.user).order_by("-year"))
    return render(
        request, "supervision/self_list.html", {"page": page, "title": "年度自查", "crumbs": crumbs()}
    )


def self_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "supervise")
    form = SelfInspectionForm(request.POST or None, regions=selectors.acting_office_regions(request.user))
    if request.method == "POST" and form.is_valid():
        done = []
        if run(
            form, lambda: done.append(services.self_inspection_open(actor=request.user, **form.cleaned_data))
        ):
            si = done[0]
            messages.success(request, f"{si.year}年度自查已发起，共{si.questionnaires.count()}个单位。")
            return redirect("supervision:self_detail", pk=si.pk)
    return form_page(
        request, form, title="发起年度自查", crumbs=_crumbs(), cancel=reverse("supervision:self_list")
    )


def self_detail(request: HttpRequest, pk: int) -> HttpResponse:
    si = selectors.self_inspection_for(request.user, pk)
    form = QuestionnaireFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.questionnaires_of(si, d))
    context = {
        "si": si,
        "counts": selectors.questionnaire_counts(si),
        "form": form,
        "page": page,
        "title": f"{si.year}年度机构编制执行情况自查",
        "crumbs": _crumbs(),
    }
    return render(request, "supervision/self_detail.html", context)


def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    q = selectors.questionnaire_for(request.user, pk)
    office = can(request.user, "view_registry")
    context = {
        "q": q,
        "rows": selectors.answer_rows(q),
        "steps": q.steps.all(),
        "attachments": q.attachments.all(),
        "answerable": q.status in ANSWERABLE,
        "reviewable": q.status == QuestionnaireStatus.SUBMITTED,
        "is_liaison": selectors.is_liaison_of(request.user, q.unit),
        "title": f"{q.unit.name} {q.inspection.year}年度自查表",
        "crumbs": _crumbs(q, office=office),
    }
    return render(request, "supervision/questionnaire_detail.html", context)


def _writer(request, q) -> bool:
    """The unit's liaison (False) or an office writer of the region (True: 代填); anyone else 403."""
    if selectors.is_liaison_of(request.user, q.unit):
        return False
    require(request.user, "supervise", region=q.inspection.region_id)
    return True


def questionnaire_fill(request: HttpRequest, pk: int) -> HttpResponse:
    q = selectors.questionnaire_for(request.user, pk)
    office = _writer(request, q)
    form = QuestionnaireForm(request.POST or None, rows=selectors.answer_rows(q), office=office)
    if request.method == "POST" and form.is_valid():
        submit = form.cleaned_data["submit"]
        reason = form.cleaned_data.get("on_behalf_reason", "")
        call = lambda: services.questionnaire_save(  # noqa: E731
            questionnaire=q,
            answers=form.answers(),
            actor=request.user,
            submit=submit,
            on_behalf_reason=reason,
        )
        if run(form, call):
            messages.success(request, "自查表已提交。" if submit else "自查表已保存（尚未提交）。")
            return redirect("supervision:questionnaire_detail", pk=pk)
    context = {
        "q": q,
        "form": form,
        "office": office,
        "title": "填写自查表",
        "crumbs": _crumbs(q, office=office),
    }
    return render(request, "supervision/questionnaire_fill.html", context, status=400 if form.errors else 200)


def questionnaire_attach(request: HttpRequest, pk: int) -> HttpResponse:
    q = selectors.questionnaire_for(request.user, pk)
    office = _writer(request, q)
    form = AttachForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.questionnaire_attach(  # noqa: E731
            questionnaire=q, upload=form.cleaned_data["upload"], actor=request.user
        )
        if run(form, call):
            messages.success(request, "附件已上传。")
            return redirect("supervision:questionnaire_detail", pk=pk)
    cancel = reverse("supervision:questionnaire_detail", args=[pk])
    return form_page(
        request,
        form,
        title="上传自查附件",
        subject=q.unit.name,
        crumbs=_crumbs(q, office=office),
        cancel=cancel,
    )


def questionnaire_review(request: HttpRequest, pk: int) -> HttpResponse:
    q = selectors.questionnaire_for(request.user, pk)
    require(request.user, "supervise", region=q.inspection.region_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        call = lambda: services.questionnaire_review(  # noqa: E731
            questionnaire=q, accept=d["decision"] == "accept", reason=d["reason"], actor=request.user
        )
        if run(form, call):
            messages.success(request, "审核意见已记录。")
            return redirect("supervision:questionnaire_detail", pk=pk)
    cancel = reverse("supervision:questionnaire_detail", args=[pk])
    return form_page(request, form, title="审核自查表", subject=q.unit.name, crumbs=_crumbs(q), cancel=cancel)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.attachment_for(request.user, pk)
    return item_download(item, actor=request.user, region=selectors.region_of_attachment(item))
