"""Workbook upload (import) and download (export) pages.

The uploads run exactly the validation of the commands (``units.imports``), with the same messages;
an error list can be downloaded as the same error workbook the command writes. Imports need the
capability "import", exports "export" (403 otherwise); what is exported is scoped by the selectors.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.downloads import record_download
from bianzhi.lib.http import XLSX, download
from bianzhi.lib.xlsx import write_error_workbook
from bianzhi.roles import can, require
from jobs.selectors import import_queue_bytes
from jobs.services import job_submit
from units import selectors
from units.forms.registry import StaffImportForm, UnitsImportForm
from units.imports import import_staff_file, import_units_file
from units.imports.common import STAFF_SHEET, UNITS_SHEET, ImportReport, open_sheet
from units.jobs import EXPORT_KIND, EXPORTS, export_file, export_size, query_of
from units.tasks import IMPORT_KINDS, import_params, keep_upload
from units.views import background

ERRORS_DIR = "import_errors"
SESSION_KEY = "bianzhi_import_errors"
SHOWN_ERRORS = 500
KEEP_SECONDS = 24 * 3600
SHEETS = {"units": UNITS_SHEET, "staff": STAFF_SHEET}


def _errors_dir() -> Path:
    path = Path(settings.DATA_DIR) / ERRORS_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def _keep_error_workbook(request: HttpRequest, report) -> str:
    """Write the error workbook under a random token the session may download."""
    token = secrets.token_urlsafe(16)
    cutoff = time.time() - KEEP_SECONDS
    for old in _errors_dir().glob("*.xlsx"):  # error lists are for the session at hand, not kept
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    write_error_workbook(_errors_dir() / f"{token}.xlsx", report.errors)
    names = request.session.get(SESSION_KEY, {})
    names[token] = Path(report.filename).stem + ".errors.xlsx"
    request.session[SESSION_KEY] = dict(list(names.items())[-20:])
    return token


def _import_page(request: HttpRequest, *, function, title: str, kind: str) -> HttpResponse:
    require(request.user, "import")
    kwargs = {
        "regions": selectors.acting_regions(request.user),
        "max_bytes": settings.UPLOAD_MAX_BYTES,
    }
    if kind == "units":
        form = UnitsImportForm(request.POST or None, request.FILES or None, **kwargs)
    else:
        may_baseline = can(request.user, "override")
        form = StaffImportForm(
            request.POST or None, request.FILES or None, may_baseline=may_baseline, **kwargs
        )
    context = {
        "form": form,
        "title": title,
        "kind": kind,
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "queue_kb": import_queue_bytes(form.fields["region"].initial or None) // 1024,
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        region = form.cleaned_data["region"]
        if upload.size > import_queue_bytes(region):  # over the office's size: a background job
            # read first, within the import's bounds: an unreadable or empty file is refused here
            check = ImportReport(filename=upload.name or "upload.xlsx")
            opened = open_sheet(upload, check.filename, SHEETS[kind], check)
            if opened is None:
                context |= {"report": check, "shown_errors": []}
                return render(request, "units/import_workbook.html", context)
            job = job_submit(
                IMPORT_KINDS[kind],
                actor=request.user,
                region=region,
                params=import_params(
                    stored=keep_upload(upload),
                    filename=upload.name or "upload.xlsx",
                    options=form.import_options(),
                    rows=len(opened[1].rows),
                ),
                label=f"{title}（{upload.name}）",
            )
            messages.success(request, "文件较大，已转为后台任务：本页显示进度，完成后显示导入结果。")
            return redirect("jobs:job_detail", pk=job.pk)
        try:
            report = function(
                upload,
                filename=upload.name or "upload.xlsx",
                region=form.cleaned_data["region"],
                actor=request.user,
                **form.import_options(),
            )
        except ValidationError as exc:  # the service refused the request itself (a date, a Document)
            for message in exc.messages:
                form.add_error(None, message)
            return render(request, "units/import_workbook.html", context)
        context |= {"report": report, "shown_errors": report.errors[:SHOWN_ERRORS]}
        if report.errors:
            context["error_token"] = _keep_error_workbook(request, report)
    return render(request, "units/import_workbook.html", context)


def import_units(request: HttpRequest) -> HttpResponse:
    return _import_page(request, function=import_units_file, title="导入机构", kind="units")


def import_staff(request: HttpRequest) -> HttpResponse:
    return _import_page(request, function=import_staff_file, title="导入实有人员", kind="staff")


def import_errors(request: HttpRequest, token: str) -> FileResponse:
    """The error workbook of an upload made in this session; audited (下载)."""
    require(request.user, "import")
    name = request.session.get(SESSION_KEY, {}).get(token)
    path = _errors_dir() / f"{token}.xlsx"
    if not name or not path.is_file():
        raise Http404("错误清单已过期，请重新上传。")
    handle = path.open("rb")
    record_download(actor=request.user, filename=name)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


def _export(request: HttpRequest, what: str, back: str) -> HttpResponse:
    """The units or staff workbook of the list's filters: at once, or over the size (and on POST) as a
    background job (``units.jobs``; the page offering it first, a GET writes nothing)."""
    require(request.user, "export")
    query = query_of(request.GET)
    rows = export_size(request.user, what, query)
    name = EXPORTS[what]
    if request.method == "POST" or background.too_big(rows):
        params = {"what": what, "query": query}
        back_url = reverse(back) + (f"?{request.GET.urlencode()}" if request.GET else "")
        label = f"导出{name}工作簿"
        return background.offer(
            request, kind=EXPORT_KIND, params=params, label=label, rows=rows, back=back_url
        )
    return download(export_file(request.user, what, query), f"{name}.xlsx", stamp=True)


def export_units(request: HttpRequest) -> HttpResponse:
    return _export(request, "units", "units:unit_list")


def export_staff(request: HttpRequest) -> HttpResponse:
    return _export(request, "staff", "units:person_list")
