"""The classification catalogue (档案分类目录): the tree with counts, class editing, and the printable
总目录 / 分目录 (PDF and Excel) in shelf order, grouped by box."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from archives import selectors, services
from archives.forms import CatalogueClassForm, CatalogueExportForm
from archives.models import Document
from archives.views.common import XLSX, add_errors, download, form_page, require_office
from bianzhi import audit
from bianzhi.lib.pdf import render_pdf
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name, require

HEADERS = ["序号", "文号", "标题", "发文机关", "日期", "保管期限", "盒号", "卷号"]
NO_BOX = "未装盒"


def catalogue(request: HttpRequest) -> HttpResponse:
    require_office(request.user)
    regions = selectors.office_regions(request.user)
    context = {
        "tree": selectors.catalogue_tree(request.user),
        "unfiled": selectors.unfiled_count(request.user),
        "export_form": CatalogueExportForm(regions=regions, initial={"region": regions.first()}),
        "title": "档案分类目录",
    }
    return render(request, "archives/catalogue.html", context)


def _crumbs():
    return [("档案分类目录", reverse("archives:catalogue"))]


def class_create(request: HttpRequest) -> HttpResponse:
    require_office(request.user)
    require(request.user, "edit_registry")
    form = CatalogueClassForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.catalogue_class_create(
                code=d["code"], name=d["name"], parent=d["parent"], sort=d["sort"] or 0, actor=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"类目“{d['code']} {d['name']}”已新增。")
            return redirect("archives:catalogue")
    return form_page(request, form, title="新增类目", crumbs=_crumbs(), cancel=reverse("archives:catalogue"))


def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cls = selectors.class_for(request.user, pk)
    require(request.user, "edit_registry")
    initial = {
        "code": cls.code,
        "name": cls.name,
        "parent": cls.parent,
        "sort": cls.sort,
        "is_active": cls.is_active,
    }
    form = CatalogueClassForm(request.POST or None, initial=initial)
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
    cls = selectors.class_for(request.user, pk)
    require(request.user, "edit_registry")
    if request.method != "POST":
        return redirect("archives:class_edit", pk=pk)
    try:
        services.catalogue_class_delete(cls=cls, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"类目“{cls.code} {cls.name}”已删除。")
    return redirect("archives:catalogue")


def _box_key(doc: Document) -> tuple:
    box = doc.box_number
    return (0, int(box), box) if box.isdigit() else ((1, 0, box) if box else (2, 0, ""))


def _vol_key(doc: Document) -> tuple:
    vol = doc.volume_number
    return (0, int(vol), vol) if vol.isdigit() else (1, 0, vol)


def catalogue_rows(qs) -> list[tuple[str, list[list]]]:
    """[(box label, rows)] in shelf order: box, volume, date, 文号; 序号 runs through the whole catalogue."""
    docs = sorted(qs, key=lambda d: (_box_key(d), _vol_key(d), d.issued_on or d.created_at.date(), d.number))
    groups, n = [], 0
    for box, items in groupby(docs, key=lambda d: d.box_number):
        rows = []
        for doc in items:
            n += 1
            rows.append(
                [
                    n,
                    doc.number,
                    doc.title,
                    doc.issuer,
                    doc.issued_on,
                    doc.retention,
                    doc.box_number,
                    doc.volume_number,
                ]
            )
        groups.append((f"第 {box} 盒" if box else NO_BOX, rows))
    return groups


def catalogue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The 总目录 (every Document of the region) or a class's 分目录, as PDF or Excel. Audited."""
    require_office(request.user)
    require(request.user, "export")
    if fmt not in ("pdf", "xlsx"):
        raise Http404("不支持的导出格式。")
    regions = selectors.office_regions(request.user)
    form = CatalogueExportForm(request.GET or None, regions=regions)
    d = form.cleaned_data if form.is_valid() else {}
    region = d.get("region") or regions.first()
    if region is None:
        raise Http404("没有可导出的区划。")
    qs = Document.objects.filter(region=region, status="有效")
    cls = d.get("cls")
    if cls is not None:
        qs = qs.filter(catalogue_class__in=selectors.class_and_children(cls))
    if d.get("year"):
        qs = qs.filter(year=d["year"])
    title = f"{region.name}机构编制档案" + (f"分目录（{cls.code} {cls.name}）" if cls else "总目录")
    if d.get("year"):
        title += f"（{d['year']}年度）"
    groups = catalogue_rows(qs)
    if fmt == "pdf":
        context = {
            "title": title,
            "groups": groups,
            "headers": HEADERS,
            "total": sum(len(r) for _, r in groups),
        }
        data = render_pdf(
            "archives/print/catalogue.html",
            context,
            actor=request.user,
            action="档案目录.打印",
            region=region,
        )
        return download(data, f"{title}.pdf", "application/pdf")
    rows = [row for _, rs in groups for row in rs]
    sheet = SheetSpec(
        name="分目录" if cls else "总目录",
        headers=HEADERS,
        rows=rows,
        widths={1: 6, 2: 24, 3: 48, 4: 28, 5: 12, 6: 10, 7: 8, 8: 8},
    )
    data = workbook_bytes([sheet], exported_by=actor_name(request.user), note=title)
    audit.record(
        actor=request.user,
        action="档案目录.导出",
        region=region,
        target_repr=title,
        after={"文件": f"{title}.xlsx", "条数": len(rows)},
    )
    return download(data, f"{title}.xlsx", XLSX)
