"""Document pages: list, detail (with scans and the registry changes citing it), create, scan download.

Scope (default deny, 404 outside it): office roles see the Documents of their regions; a liaison sees
the Documents cited by their units' change records (UnitEvent) only. ``archives`` sits below ``units``,
so the registry is reached through reverse relations and permission names, never by importing it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from guardian.shortcuts import get_objects_for_user

from archives import services
from archives.forms import DocumentCreateForm, DocumentFilterForm
from archives.models import Document, DocumentFile
from bianzhi.models import Region
from bianzhi.roles import Role, has_capability, require, user_roles


def office_regions(user) -> QuerySet[Region]:
    if not has_capability(user, "view_registry"):
        return Region.objects.none()
    return Region.objects.all() if user.is_superuser else Region.objects.filter(profile__user=user)


def documents_for(user) -> QuerySet[Document]:
    """The Documents a user may see (see the module docstring)."""
    if has_capability(user, "view_registry"):
        return Document.objects.filter(region__in=office_regions(user))
    if Role.LIAISON not in user_roles(user):
        return Document.objects.none()
    units = get_objects_for_user(user, "units.liaise_unit", accept_global_perms=False).values("pk")
    cited = Document.objects.filter(Q(unitevent__unit__in=units) | Q(unitevent__unit__parent__in=units))
    return Document.objects.filter(pk__in=cited.values("pk"))


def _document_for(user, pk: int) -> Document:
    try:
        return documents_for(user).select_related("region", "created_by").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404("没有找到该文件。") from None


def document_list(request: HttpRequest) -> HttpResponse:
    if not (has_capability(request.user, "view_registry") or Role.LIAISON in user_roles(request.user)):
        raise PermissionDenied("您没有查看文件的权限。")
    form = DocumentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = documents_for(request.user)
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(issuer__icontains=q))
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("year"):
        qs = qs.filter(issued_on__year=data["year"])
    page = Paginator(qs.order_by("-issued_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "archives/document_list.html", {"form": form, "page": page})


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_for(request.user, pk)
    events = document.unitevent_set.select_related("unit").order_by("occurred_on", "id")
    movements = document.movement_set.select_related("person", "person__unit").order_by("occurred_on", "id")
    if not has_capability(request.user, "view_registry"):  # a liaison sees only their own units' records
        units = get_objects_for_user(request.user, "units.liaise_unit", accept_global_perms=False).values(
            "pk"
        )
        events = events.filter(Q(unit__in=units) | Q(unit__parent__in=units))
        movements = movements.filter(person__unit__in=units)
    return render(
        request,
        "archives/document_detail.html",
        {
            "document": document,
            "files": document.files.order_by("uploaded_at", "id"),
            "events": events,
            "movements": movements,
        },
    )


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
            _add_errors(form, exc)
        else:
            messages.success(request, f"文件“{document.number}”已登记。")
            return redirect("archives:document_detail", pk=document.pk)
    crumbs = [("文件", reverse("archives:document_list"))]
    return render(
        request,
        "archives/document_form.html",
        {"form": form, "title": "登记文件", "crumbs": crumbs, "cancel": reverse("archives:document_list")},
        status=400 if form.errors else 200,
    )


@transaction.atomic
def _create_with_scan(request: HttpRequest, d: dict) -> Document:
    """Register the Document and its scan together: a refused scan leaves no half-registered Document."""
    document = services.document_create(
        actor=request.user,
        **{k: d[k] for k in ("region", "number", "title", "issuer", "issued_on", "kind", "note")},
    )
    if d.get("scan"):
        try:
            services.document_attach(document=document, upload=d["scan"], actor=request.user)
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from None
    return document


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
