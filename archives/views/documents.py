"""Document pages: list with search and filters, detail, create, edit (filing), withdraw, scans, and a
unit's 沿革 (every Document that concerns it). Scope: ``archives.selectors`` (404 outside it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archives import selectors, services
from archives.forms import DocumentCreateForm, DocumentEditForm, DocumentFilterForm, ScanForm, WithdrawForm
from archives.views.common import form_page
from bianzhi.downloads import item_download
from bianzhi.lib.http import add_errors, paginate
from bianzhi.roles import can, require


def _crumbs(document=None):
    out = [("文件", reverse("archives:document_list"))]
    if document is not None:
        out.append((document.number, reverse("archives:document_detail", args=[document.pk])))
    return out


def document_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "liaise"):
        require(request.user, "view_registry")
    form = DocumentFilterForm(request.GET or None, classes=selectors.classes_for(request.user))
    data = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.document_list(request.user, data))
    return render(request, "archives/document_list.html", {"form": form, "page": page})


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    context = {
        "document": document,
        "scan_form": ScanForm() if can(request.user, "edit_registry") and document.is_citable else None,
        **selectors.document_page(request.user, document),
    }
    # a 建账 or 三定 document may cite thousands of records: both lists are paged (?epage=, ?mpage=)
    context["events"] = paginate(request, context["events"], param="epage")
    context["movements"] = paginate(request, context["movements"], param="mpage")
    return render(request, "archives/document_detail.html", context)


def document_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    regions = selectors.kept_regions(request.user)
    form = DocumentCreateForm(
        request.POST or None,
        request.FILES or None,
        regions=regions,
        classes=selectors.classes_for(request.user),
        initial={"region": regions.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_register(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"文件“{document.number}”已登记。")
            return redirect("archives:document_detail", pk=document.pk)
    return form_page(
        request, form, title="登记文件", crumbs=_crumbs(), cancel=reverse("archives:document_list")
    )


def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    require(request.user, "edit_registry")
    if not document.is_citable:
        messages.error(request, "已撤回的文件不能修改。")
        return redirect("archives:document_detail", pk=pk)
    initial = {name: getattr(document, name) for name in services.EDITABLE_FIELDS}
    form = DocumentEditForm(
        request.POST or None, initial=initial, classes=selectors.classes_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.document_update(
                document=document,
                actor=request.user,
                reason=d["reason"],
                **{k: d[k] for k in services.EDITABLE_FIELDS},
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"文件“{document.number}”已修改。")
            return redirect("archives:document_detail", pk=pk)
    cancel = reverse("archives:document_detail", args=[pk])
    return form_page(
        request,
        form,
        title="修改文件与归档信息",
        subject=document.number,
        crumbs=_crumbs(document),
        cancel=cancel,
    )


def document_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    require(request.user, "edit_registry")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_withdraw(
                document=document, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"文件“{document.number}”已撤回。")
            return redirect("archives:document_detail", pk=pk)
    cited = services.citations(document)
    note = "；".join(f"{k} {v} 条" for k, v in cited.items())
    return form_page(
        request,
        form,
        title="撤回文件",
        subject=document.number,
        crumbs=_crumbs(document),
        danger=True,
        cancel=reverse("archives:document_detail", args=[pk]),
        submit_label="撤回",
        lead="文件永久保存，不能删除。撤回后仍可查阅，原有记录保留，但不能再作为新的变更依据。"
        + (f"该文件已被引用：{note}。" if note else ""),
    )


def scan_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    require(request.user, "edit_registry")
    if request.method != "POST":
        return redirect("archives:document_detail", pk=pk)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的扫描件。")
    elif not document.is_citable:
        messages.error(request, "已撤回的文件不能再上传扫描件。")
    else:
        try:
            services.document_attach(document=document, upload=form.cleaned_data["scan"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "扫描件已上传。")
    return redirect("archives:document_detail", pk=pk)


def scan_download(request: HttpRequest, pk: int) -> FileResponse:
    """A scan is served through this view (never from /media/) so the Document's scope applies; audited."""
    item = selectors.scan_for(request.user, pk)
    return item_download(item, actor=request.user, region=item.document.region)


def unit_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's 沿革: every Document that concerns it, in date order (office: their regions; liaison: own units)."""
    unit = selectors.unit_for(request.user, pk)
    lines = selectors.unit_history(unit)
    return render(request, "archives/unit_documents.html", {"unit": unit, "lines": lines, "title": "沿革"})
