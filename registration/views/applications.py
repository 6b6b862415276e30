"""Applications for 设立 / 变更 / 注销 登记: list, filing, editing, materials, submission, review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.downloads import item_download
from bianzhi.lib.http import add_errors, paginate
from bianzhi.roles import can, require
from registration import selectors, services
from registration.forms import (
    ApplicationCreateForm,
    ApplicationEditForm,
    ApplicationFilterForm,
    ApproveForm,
    AttachForm,
    ReturnForm,
    SubmitForm,
)
from registration.models import RECORD_FIELDS, ApplicationStatus
from registration.views.common import crumbs, form_page, require_reader


def _crumbs(application=None):
    out = [("登记申请", reverse("registration:application_list"))]
    if application is not None:
        out.append((str(application), reverse("registration:application_detail", args=[application.pk])))
    return crumbs(*out)


def _require_filer(user, application) -> None:
    """The unit's liaison (the selector already scoped the application) or an office writer."""
    if not selectors.is_liaison(user):
        require(user, "register_units", region=application.region_id)


def application_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    form = ApplicationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.applications_filtered(request.user, data))
    can_file = selectors.is_liaison(request.user) or can(request.user, "register_units")
    context = {"form": form, "page": page, "title": "登记申请", "can_file": can_file}
    return render(request, "registration/application_list.html", context)


def application_create(request: HttpRequest) -> HttpResponse:
    if not selectors.is_liaison(request.user):
        require(request.user, "register_units")
    units = selectors.filable_units(request.user)
    initial = (
        {"unit": request.GET.get("unit"), "kind": request.GET.get("kind")}
        if request.method == "GET"
        else None
    )
    form = ApplicationCreateForm(
        request.POST if request.method == "POST" else None, initial=initial, units=units
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            application = services.application_create(
                unit=d["unit"],
                kind=d["kind"],
                data=form.data_values(),
                explanation=d["explanation"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{application.kind}申请已建立，请上传所需材料后提交。")
            return redirect("registration:application_detail", pk=application.pk)
    return form_page(
        request,
        form,
        title="申请登记",
        crumbs=_crumbs(),
        cancel=reverse("registration:application_list"),
        lead="设立登记须填写全部登记事项；变更登记只填写要变更的事项；注销登记无须填写。名称、机构性质和经费来源须与机构编制部门批准的一致（先审批机构编制、后登记）。",
    )


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    attachments = list(selectors.attachments_of(application))
    have = {a.material for a in attachments}
    checklist = [(m, [a for a in attachments if a.material == m]) for m in application.materials]
    reviewer = can(request.user, "register_units", region=application.region_id)
    filer = selectors.is_liaison(request.user) or reviewer
    open_ = application.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
    context = {
        "application": application,
        "title": str(application),
        "data": [(RECORD_FIELDS[k], v) for k, v in application.data.items() if k in RECORD_FIELDS],
        "checklist": checklist,
        "missing": [m for m in application.materials if m not in have],
        "steps": selectors.steps_of(application),
        "can_edit": filer and open_,
        "can_review": reviewer and application.status == ApplicationStatus.SUBMITTED,
        "attach_form": AttachForm(materials=application.materials) if filer and open_ else None,
        "submit_form": SubmitForm() if filer and open_ else None,
        "approve_form": ApproveForm(),
        "return_form": ReturnForm(materials=application.materials),
    }
    return render(request, "registration/application_detail.html", context)


def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    _require_filer(request.user, application)
    initial = {**application.data, "explanation": application.explanation}
    form = ApplicationEditForm(
        request.POST if request.method == "POST" else None, initial=initial, kind=application.kind
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                application=application,
                data=form.data_values(),
                explanation=form.cleaned_data["explanation"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "申请已修改。")
            return redirect("registration:application_detail", pk=pk)
    cancel = reverse("registration:application_detail", args=[pk])
    return form_page(
        request, form, title="修改申请", subject=str(application), crumbs=_crumbs(application), cancel=cancel
    )


def application_attach(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    _require_filer(request.user, application)
    form = AttachForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        materials=application.materials,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                application=application,
                material=form.cleaned_data["material"],
                upload=form.cleaned_data["upload"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"材料“{form.cleaned_data['material']}”已上传。")
            return redirect("registration:application_detail", pk=pk)
    cancel = reverse("registration:application_detail", args=[pk])
    return form_page(
        request,
        form,
        title="上传材料",
        subject=str(application),
        crumbs=_crumbs(application),
        cancel=cancel,
        submit_label="上传",
    )


def _action(
    request, pk, form_class, call, done: str, title: str, *, reviewer: bool, **form_kw
) -> HttpResponse:
    application = selectors.application_for(request.user, pk)
    if reviewer:
        require(request.user, "register_units", region=application.region_id)
    else:
        _require_filer(request.user, application)
    form = form_class(
        request.POST if request.method == "POST" else None,
        **({"materials": application.materials} if form_kw.get("materials") else {}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            call(application, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("registration:application_detail", pk=pk)
    cancel = reverse("registration:application_detail", args=[pk])
    return form_page(
        request, form, title=title, subject=str(application), crumbs=_crumbs(application), cancel=cancel
    )


def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        SubmitForm,
        lambda a, d: services.application_submit(application=a, actor=request.user),
        "申请已提交，等待编办审核。",
        "提交申请",
        reviewer=False,
    )


def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        ApproveForm,
        lambda a, d: services.application_approve(application=a, actor=request.user),
        "申请已核准，登记事项已生效。",
        "核准申请",
        reviewer=True,
    )


def application_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        ReturnForm,
        lambda a, d: services.application_return(
            application=a, reasons=d["reasons"], deficient=d["deficient"], actor=request.user
        ),
        "申请已退回，需补正的事项已一次性告知申请人。",
        "退回申请",
        reviewer=True,
        materials=True,
    )


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.attachment_for(request.user, pk)
    return item_download(item, actor=request.user, region=item.application.region)
