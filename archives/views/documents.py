"""Document pages: list with search and filters, detail, create, edit (filing), withdraw, scans, and a
unit's 沿革 (every Document that concerns it). Scope: ``archives.selectors`` (404 outside it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archives import selectors, services
from archives.forms import DocumentCreateForm, DocumentEditForm, DocumentFilterForm, ScanForm, WithdrawForm
from archives.models import DocumentFile
from archives.selectors import documents_for, office_regions
from archives.views.common import add_errors, form_page
from bianzhi.roles import Role, can, require, user_roles


def _crumbs(document=None):
    out = [("文件", reverse("archives:document_list"))]
    if document is not None:
        out.append((document.number, reverse("archives:document_detail", args=[document.pk])))
    return out


def filter_documents(qs, data: dict):
    """The document search: 文号, title, issuing body and notes (any word), and the filters."""
    for word in (data.get("q") or "").split():
        qs = qs.filter(
            Q(number__icontains=word)
            | Q(title__icontains=word)
            | Q(issuer__icontains=word)
            | Q(note__icontains=word)
        )
    if data.get("cls"):
        qs = qs.filter(catalogue_class__in=selectors.class_and_children(data["cls"]))
    for name, lookup in (
        ("kind", "kind"),
        ("year", "year"),
        ("retention", "retention"),
        ("status", "status"),
    ):
        if data.get(name):
            qs = qs.filter(**{lookup: data[name]})
    if box := (data.get("box") or "").strip():
        qs = qs.filter(box_number=box)
    return qs


def document_list(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, "view_registry") or Role.LIAISON in user_roles(request.user)):
        raise PermissionDenied("您没有查看文件的权限。")
    form = DocumentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = filter_documents(documents_for(request.user), data).select_related("catalogue_class")
    page = Paginator(qs.order_by("-issued_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "archives/document_list.html", {"form": form, "page": page})


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    events = document.unitevent_set.select_related("unit").order_by("occurred_on", "id")
    movements = document.movement_set.select_related("person", "person__unit").order_by("occurred_on", "id")
    office = can(request.user, "view_registry")
    if not office:  # a liaison sees only their own units' records
        units = selectors.liaison_units(request.user).values("pk")
        events = events.filter(unit__in=units)
        movements = movements.filter(person__unit__in=units)
    context = {
        "document": document,
        "files": document.files.order_by("uploaded_at", "id"),
        "events": events,
        "movements": movements,
        "scan_form": ScanForm() if can(request.user, "edit_registry") and document.is_citable else None,
    }
    if office:
        context |= {
            "entries": document.dedicated_entries.select_related("dedicated_file"),
            "minutes": document.minutes.order_by("-met_on"),
            "requests": (document.based_requests.all() | document.decided_requests.all()).distinct(),
        }
    return render(request, "archives/document_detail.html", context)


def document_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    regions = office_regions(request.user)
    form = DocumentCreateForm(
        request.POST or None, request.FILES or None, regions=regions, initial={"region": regions.first()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = _create_with_scan(request, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"文件“{document.number}”已登记。")
            return redirect("archives:document_detail", pk=document.pk)
    return form_page(
        request, form, title="登记文件", crumbs=_crumbs(), cancel=reverse("archives:document_list")
    )


@transaction.atomic
def _create_with_scan(request: HttpRequest, d: dict):
    """Register the Document and its scan together: a refused scan leaves no half-registered Document."""
    fields = (
        "region",
        "number",
        "title",
        "issuer",
        "issued_on",
        "kind",
        "note",
        "catalogue_class",
        "retention",
        "box_number",
        "volume_number",
    )
    document = services.document_create(actor=request.user, **{k: d[k] for k in fields})
    if d.get("scan"):
        try:
            services.document_attach(document=document, upload=d["scan"], actor=request.user)
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from None
    return document


def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for(request.user, pk)
    require(request.user, "edit_registry")
    if not document.is_citable:
        messages.error(request, "已撤回的文件不能修改。")
        return redirect("archives:document_detail", pk=pk)
    initial = {name: getattr(document, name) for name in services.EDITABLE_FIELDS}
    form = DocumentEditForm(request.POST or None, initial=initial)
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
    """A scan is served through this view (never from /media/) so the Document's scope applies."""
    try:
        item = DocumentFile.objects.select_related("document").get(
            pk=pk, document__in=documents_for(request.user)
        )
    except DocumentFile.DoesNotExist:
        raise Http404("没有找到该附件。") from None
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已丢失，请联系管理员。") from None
    return FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


def unit_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's 沿革: every Document that concerns it, in date order (office: their regions; liaison: own units)."""
    unit = selectors.unit_for(request.user, pk)
    lines = selectors.unit_history(unit)
    return render(request, "archives/unit_documents.html", {"unit": unit, "lines": lines, "title": "沿革"})
