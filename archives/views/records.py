"""Dedicated files (独立档案), the three minute books and requests (请示事项): the office's own records.
Anyone outside the office gets 403 on the lists and 404 on the objects."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archives import selectors, services
from archives.choices import MinuteKind, RequestStatus
from archives.forms import (
    DecideForm,
    DedicatedDocumentForm,
    DedicatedFileForm,
    DedicatedRecordForm,
    MinuteFilterForm,
    MinuteForm,
    RequestFilterForm,
    RequestForm,
    ReturnForm,
)
from archives.views.common import form_page
from bianzhi.downloads import MISSING, stored_download
from bianzhi.lib.http import add_errors, paginate
from bianzhi.roles import require

# ---- dedicated files -----------------------------------------------------------------------------------


def dedicated_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    files = selectors.dedicated_files_for(request.user).order_by("sort", "id")
    return render(request, "archives/dedicated_list.html", {"files": files, "title": "独立档案"})


def _dedicated_crumbs(folder=None):
    out = [("独立档案", reverse("archives:dedicated_list"))]
    if folder is not None:
        out.append((folder.name, reverse("archives:dedicated_detail", args=[folder.pk])))
    return out


def dedicated_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    form = DedicatedFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            folder = services.dedicated_file_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"独立档案“{folder.name}”已建立。")
            return redirect("archives:dedicated_detail", pk=folder.pk)
    cancel = reverse("archives:dedicated_list")
    return form_page(request, form, title="建立独立档案", crumbs=_dedicated_crumbs(), cancel=cancel)


def dedicated_detail(request: HttpRequest, pk: int) -> HttpResponse:
    folder = selectors.dedicated_file_for(request.user, pk)
    page = paginate(request, selectors.folder_entries(request.user, folder))
    return render(
        request, "archives/dedicated_detail.html", {"folder": folder, "page": page, "title": folder.name}
    )


def dedicated_add_document(request: HttpRequest, pk: int) -> HttpResponse:
    folder = selectors.dedicated_file_for(request.user, pk)
    require(request.user, "edit_registry")
    form = DedicatedDocumentForm(request.POST or None, regions=selectors.kept_regions(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            found = services.resolve_numbers(d["region"], d["number"], field="number")
            if len(found) != 1:
                raise ValidationError({"number": "请填写一个文号。"})
            document = found[0]
            services.dedicated_file_add_document(
                dedicated_file=folder, document=document, note=d["note"], actor=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"文件“{document.number}”已归入“{folder.name}”。")
            return redirect("archives:dedicated_detail", pk=pk)
    cancel = reverse("archives:dedicated_detail", args=[pk])
    return form_page(
        request, form, title="归档文件", subject=folder.name, crumbs=_dedicated_crumbs(folder), cancel=cancel
    )


def dedicated_add_record(request: HttpRequest, pk: int) -> HttpResponse:
    folder = selectors.dedicated_file_for(request.user, pk)
    require(request.user, "edit_registry")
    form = DedicatedRecordForm(
        request.POST or None, request.FILES or None, regions=selectors.kept_regions(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dedicated_file_add_record(dedicated_file=folder, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"材料已归入“{folder.name}”。")
            return redirect("archives:dedicated_detail", pk=pk)
    cancel = reverse("archives:dedicated_detail", args=[pk])
    return form_page(
        request,
        form,
        title="归档其他材料",
        subject=folder.name,
        crumbs=_dedicated_crumbs(folder),
        cancel=cancel,
    )


def entry_download(request: HttpRequest, pk: int) -> FileResponse:
    entry = selectors.entry_for(request.user, pk)
    if not entry.attachment:
        raise Http404("该材料没有附件。")
    return stored_download(
        entry.attachment,
        actor=request.user,
        filename=entry.attachment_name or "附件",
        missing=MISSING,
        target=entry,
        region=entry.region,
    )


# ---- minute books --------------------------------------------------------------------------------------


def minute_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    form = MinuteFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.minute_list(request.user, d))
    context = {
        "form": form,
        "page": page,
        "kinds": MinuteKind.choices,
        "kind": d.get("kind"),
        "title": "会议记录",
    }
    return render(request, "archives/minute_list.html", context)


def _minute_crumbs():
    return [("会议记录", reverse("archives:minute_list"))]


def _minute_fields(d: dict) -> dict:
    return {k: d[k] for k in ("kind", "met_on", "subject", "attendees", "departments", "items", "decisions")}


def minute_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    kind = request.GET.get("kind") if request.GET.get("kind") in MinuteKind.values else MinuteKind.COMMITTEE
    form = MinuteForm(
        request.POST or None, regions=selectors.kept_regions(request.user), initial={"kind": kind}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            documents = services.resolve_numbers(d["region"], d["documents"])
            minute = services.minute_create(
                region=d["region"], documents=documents, actor=request.user, **_minute_fields(d)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "会议记录已登记。")
            return redirect("archives:minute_detail", pk=minute.pk)
    cancel = reverse("archives:minute_list")
    return form_page(request, form, title="登记会议记录", crumbs=_minute_crumbs(), cancel=cancel)


def minute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    minute = selectors.minute_for(request.user, pk)
    return render(
        request,
        "archives/minute_detail.html",
        {
            "minute": minute,
            "documents": selectors.minute_documents(minute),
            "title": minute.subject,
        },
    )


def minute_edit(request: HttpRequest, pk: int) -> HttpResponse:
    minute = selectors.minute_for(request.user, pk)
    require(request.user, "edit_registry")
    numbers = selectors.numbers(minute.documents)
    initial = _minute_fields(minute.__dict__) | {"region": minute.region, "documents": numbers}
    form = MinuteForm(request.POST or None, regions=selectors.kept_regions(request.user), initial=initial)
    form.fields["region"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            documents = services.resolve_numbers(minute.region, d["documents"])
            services.minute_update(
                minute=minute, documents=documents, actor=request.user, **_minute_fields(d)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "会议记录已修改。")
            return redirect("archives:minute_detail", pk=pk)
    cancel = reverse("archives:minute_detail", args=[pk])
    return form_page(
        request, form, title="修改会议记录", subject=minute.subject, crumbs=_minute_crumbs(), cancel=cancel
    )


# ---- requests ------------------------------------------------------------------------------------------


def request_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    form = RequestFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.request_list(request.user, d))
    return render(request, "archives/request_list.html", {"form": form, "page": page, "title": "请示事项"})


def _request_crumbs(item=None):
    out = [("请示事项", reverse("archives:request_list"))]
    if item is not None:
        out.append((item.title, reverse("archives:request_detail", args=[item.pk])))
    return out


CONTENT = ("title", "requesting_body") + tuple(name for name, _ in services.REQUEST_CONTENT)


def _save_request(form, user, item=None):
    d = form.cleaned_data
    region = item.region if item else d["region"]
    basis = services.resolve_numbers(region, d["basis"], field="basis")
    content = {k: d[k] for k in CONTENT}
    if item is None:
        return services.request_create(region=region, basis=basis, actor=user, **content)
    return services.request_update(request=item, basis=basis, actor=user, **content)


def request_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    form = RequestForm(request.POST or None, regions=selectors.kept_regions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            item = _save_request(form, request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "请示事项已保存为草稿。内容齐全后可提交。")
            return redirect("archives:request_detail", pk=item.pk)
    lead = "请示事项须有明确的政策依据，论证可行性和必要性，并写明机构名称、性质、规格、隶属关系、经费来源、主要职责、人员编制和领导职数；内容不全时可先保存草稿，但不能提交。"
    return form_page(
        request,
        form,
        title="起草请示事项",
        crumbs=_request_crumbs(),
        cancel=reverse("archives:request_list"),
        lead=lead,
        submit_label="保存草稿",
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_for(request.user, pk)
    context = {
        "item": item,
        **selectors.request_page(item),
        "missing": services.request_missing(item) if item.status == RequestStatus.DRAFT else {},
        "content": [(label, getattr(item, name)) for name, label in services.REQUEST_CONTENT],
        "decide_form": DecideForm() if item.status == RequestStatus.SUBMITTED else None,
        "return_form": ReturnForm() if item.status == RequestStatus.SUBMITTED else None,
        "title": item.title,
    }
    return render(request, "archives/request_detail.html", context)


def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_for(request.user, pk)
    require(request.user, "edit_registry")
    if item.status != RequestStatus.DRAFT:
        messages.error(request, f"请示事项已{item.status}，不能修改。")
        return redirect("archives:request_detail", pk=pk)
    initial = {k: getattr(item, k) for k in CONTENT} | {
        "region": item.region,
        "basis": selectors.numbers(item.basis),
    }
    form = RequestForm(request.POST or None, regions=selectors.kept_regions(request.user), initial=initial)
    form.fields["region"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            _save_request(form, request.user, item)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "请示事项已修改。")
            return redirect("archives:request_detail", pk=pk)
    cancel = reverse("archives:request_detail", args=[pk])
    return form_page(request, form, title="修改请示事项", crumbs=_request_crumbs(item), cancel=cancel)


def _transition(request: HttpRequest, pk: int, step) -> HttpResponse:
    item = selectors.request_for(request.user, pk)
    require(request.user, "edit_registry")
    if request.method != "POST":
        return redirect("archives:request_detail", pk=pk)
    try:
        message = step(item)
    except ValidationError as exc:
        messages.error(request, "未能办理：" + "".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("archives:request_detail", pk=pk)


def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def step(item):
        services.request_submit(request=item, actor=request.user)
        return "请示事项已提交。"

    return _transition(request, pk, step)


def request_return(request: HttpRequest, pk: int) -> HttpResponse:
    def step(item):
        form = ReturnForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""  # the service says why it refuses
        services.request_return(request=item, note=note, actor=request.user)
        return "请示事项已退回修改。"

    return _transition(request, pk, step)


def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def step(item):
        form = DecideForm(request.POST)
        d = form.cleaned_data if form.is_valid() else {}
        number = (d.get("number") or "").strip()
        found = services.resolve_numbers(item.region, number, field="document") if number else []
        services.request_decide(
            request=item,
            document=found[0] if found else None,
            decision=d.get("decision", ""),
            actor=request.user,
        )
        return "已记录决定。"

    return _transition(request, pk, step)
