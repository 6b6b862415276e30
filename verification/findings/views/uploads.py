"""The comparison's home page and the partner uploads (上传部门数据)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.downloads import record_download
from bianzhi.lib.http import add_errors, download
from bianzhi.lib.idnumbers import full_ids, show_id
from bianzhi.lib.xlsx import RowError, write_error_workbook
from bianzhi.roles import can, require
from units.selectors import acting_regions
from verification.compare.data import SOURCE_LABEL
from verification.compare.sources import ID_ALIASES
from verification.findings import selectors, services
from verification.findings.forms import RunForm, UploadForm

SHOWN_ERRORS = 500
ID_HEADERS = ("公民身份号码", *ID_ALIASES)


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.sees_findings(user):
        require(user, "view_registry")
    partner = selectors.partner_source(user)
    if not can(user, "view_registry") and partner is None:
        return redirect("verification:finding_list")  # a liaison: their unit's findings
    runs = can(user, "run_comparison")
    context = {
        "current": selectors.latest_uploads(user),
        "recent": selectors.recent_uploads(user),
        "runs": selectors.recent_runs(user),
        "can_upload": bool(selectors.upload_sources(user)),
        "run_form": RunForm(regions=acting_regions(user)) if runs else None,
        "partner_label": SOURCE_LABEL.get(partner or "", ""),
    }
    return render(request, "verification/index.html", context)


def upload_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    sources = selectors.upload_sources(user)
    if not sources:
        require(user, "run_comparison")
    regions = selectors.upload_regions(user)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.partner_upload(
                region=form.cleaned_data["region"],
                source=form.cleaned_data["source"],
                upload=form.cleaned_data["file"],
                actor=user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if upload.is_valid:
                messages.success(request, f"{upload.get_source_display()}数据已通过校验，可以运行比对。")
            else:
                messages.error(request, "数据文件有错误，未被采用。请按错误清单修改后重新上传。")
            return redirect("verification:upload_detail", pk=upload.pk)
    context = {"form": form, "no_region": not form.fields["region"].queryset}
    return render(request, "verification/upload_form.html", context, status=400 if form.errors else 200)


def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = selectors.upload_for(request.user, pk)
    context = {
        "upload": upload,
        "preview": _preview(request.user, upload.preview),
        "errors": [RowError(*e) for e in upload.errors[:SHOWN_ERRORS]],
        "crumbs": [("数据比对", reverse("verification:index"))],
    }
    return render(request, "verification/upload_detail.html", context)


def _preview(user, preview: dict) -> dict:
    """The stored preview, ID numbers full or masked as ``full_ids`` decides (docs/decisions.md)."""
    header = preview.get("header", [])
    if full_ids(user):
        return preview
    id_columns = {i + 1 for i, h in enumerate(header) if h in ID_HEADERS}
    rows = [
        [show_id(v, full=False) if i in id_columns and v else v for i, v in enumerate(row)]
        for row in preview.get("rows", [])
    ]
    return {"header": header, "rows": rows}


def upload_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The row errors of an upload as the error workbook the command writes (<file>.errors.xlsx)."""
    upload = selectors.upload_for(request.user, pk)
    if not upload.errors:
        raise Http404("该文件没有错误。")
    buffer = io.BytesIO()
    write_error_workbook(buffer, [RowError(*e) for e in upload.errors])
    stem = upload.original_name.rsplit(".", 1)[0]
    name = f"{stem}.errors.xlsx"
    record_download(actor=request.user, filename=name, target=upload, region=upload.region)
    return download(buffer.getvalue(), name)
