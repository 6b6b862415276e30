"""The classification catalogue (档案分类目录): the tree with counts, class editing, and the printable
总目录 / 分目录 (PDF and Excel) in shelf order, grouped by box."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archives import exports, prints, selectors, services
from archives.forms import CatalogueClassForm, CatalogueExportForm
from archives.views.common import form_page
from bianzhi.lib.http import add_errors, download
from bianzhi.roles import require


def catalogue(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    regions = selectors.office_regions(request.user)
    context = {
        "tree": selectors.catalogue_tree(request.user),
        "unfiled": selectors.unfiled_count(request.user),
        "export_form": CatalogueExportForm(
            regions=regions, classes=selectors.classes_for(request.user), initial={"region": regions.first()}
        ),
        "title": "档案分类目录",
    }
    return render(request, "archives/catalogue.html", context)


def _crumbs():
    return [("档案分类目录", reverse("archives:catalogue"))]


def class_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    form = CatalogueClassForm(
        request.POST or None,
        initial={"parent": request.GET.get("parent")},
        parents=selectors.class_parents_for(request.user),
        regions=selectors.kept_regions(request.user),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.catalogue_class_create(
                code=d["code"],
                name=d["name"],
                parent=d["parent"],
                sort=d["sort"] or 0,
                region=d.get("region") or selectors.kept_regions(request.user).first(),
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"类目“{d['code']} {d['name']}”已新增。")
            return redirect("archives:catalogue")
    return form_page(request, form, title="新增类目", crumbs=_crumbs(), cancel=reverse("archives:catalogue"))


def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.class_for(request.user, pk)  # 404 outside the catalogue the user sees
    require(request.user, "edit_registry")  # 403 for a read-only role
    cls = selectors.editable_class_for(request.user, pk)  # 404 for a shared class (system-maintained)
    initial = {
        "code": cls.code,
        "name": cls.name,
        "parent": cls.parent,
        "sort": cls.sort,
        "is_active": cls.is_active,
    }
    form = CatalogueClassForm(
        request.POST or None, initial=initial, parents=selectors.class_parents_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.catalogue_class_update(cls=cls, actor=request.user, **(d | {"sort": d["sort"] or 0}))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"类目“{cls.code}”已修改。")
            return redirect("archives:catalogue")
    return form_page(
        request,
        form,
        title="修改类目",
        subject=str(cls),
        crumbs=_crumbs(),
        cancel=reverse("archives:catalogue"),
        lead="已归档文件的类目不能删除，如不再使用请取消“启用”。",
    )


def class_delete(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.class_for(request.user, pk)  # 404 outside the catalogue the user sees
    require(request.user, "edit_registry")  # 403 for a read-only role
    cls = selectors.editable_class_for(request.user, pk)  # 404 for a shared class (system-maintained)
    if request.method != "POST":
        return redirect("archives:class_edit", pk=pk)
    try:
        services.catalogue_class_delete(cls=cls, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"类目“{cls.code} {cls.name}”已删除。")
    return redirect("archives:catalogue")


def catalogue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The 总目录 (every Document of the region) or a class's 分目录, as PDF or Excel. Audited."""
    require(request.user, "view_registry")
    require(request.user, "export")
    if fmt not in ("pdf", "xlsx"):
        raise Http404("不支持的导出格式。")
    regions = selectors.office_regions(request.user)
    form = CatalogueExportForm(
        request.GET or None, regions=regions, classes=selectors.classes_for(request.user)
    )
    d = form.cleaned_data if form.is_valid() else {}
    region = d.get("region") or regions.first()
    if region is None:
        raise Http404("没有可导出的区划。")
    cls = d.get("cls")
    title, groups = selectors.catalogue(region, cls, d.get("year"))
    if fmt == "pdf":
        data = prints.catalogue_pdf(title, groups, actor=request.user, region=region)
    else:
        data = exports.catalogue_xlsx(title, groups, whole=cls is None, actor=request.user, region=region)
    return download(data, f"{title}.{fmt}", stamp=True)
