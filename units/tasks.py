"""Imports over the size the office set (``jobs.selectors.import_queue_bytes``) run as background jobs
(issue 17): the page keeps the upload under MEDIA (jobs/uploads/), the job validates and writes it with
the same import functions as the page and the commands (all-or-nothing), as its owner."""

from __future__ import annotations

import datetime as dt
import io
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib.xlsx import write_error_workbook
from jobs.registry import job
from jobs.results import JobFailed, JobResult
from units.imports import import_staff_file, import_units_file

IMPORT_KINDS = {"units": "units.import_units", "staff": "units.import_staff"}
UPLOADS = "jobs/uploads"
SHOWN_ERRORS = 5


def keep_upload(upload) -> str:
    """Store an uploaded workbook for its import job; the stored name (under MEDIA, never served)."""
    stamp = timezone.localtime()
    name = f"{UPLOADS}/{stamp:%Y/%m}/{secrets.token_hex(16)}.xlsx"
    upload.seek(0)
    return default_storage.save(name, ContentFile(upload.read()))


def import_params(*, stored: str, filename: str, options: dict, rows: int | None = None) -> dict:
    """The job's params: where the upload is kept, its name, its data rows (read by the page) and the
    form's options (dates as text)."""
    return {
        "stored": stored,
        "filename": filename,
        "rows": rows,
        "options": {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in options.items()},
    }


def _options(kind: str, options: dict) -> dict:
    out = dict(options)
    if kind == "units" and out.get("as_of"):
        out["as_of"] = dt.date.fromisoformat(out["as_of"])
    return out


def _run_import(job, progress, kind: str) -> JobResult:
    params = job.params
    stored, filename = params["stored"], params["filename"]
    function = import_units_file if kind == "units" else import_staff_file
    progress.stage("读取文件")
    try:
        with default_storage.open(stored, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise JobFailed("上传的文件已不在服务器上，请重新上传。") from None
    # the import counts its rows through the stages 读取文件, 校验 and 写入 (units.imports.common)
    report = function(
        data,
        filename=filename,
        region=job.region,
        actor=job.owner,
        progress=progress,
        **_options(kind, params["options"]),
    )
    default_storage.delete(stored)  # the personal data is kept in the registry, not as an upload
    if report.fatal:
        raise JobFailed(report.fatal)
    summary = "；".join(report.summary_lines())
    if report.errors:
        buffer = io.BytesIO()
        write_error_workbook(buffer, report.errors)
        shown = "；".join(
            f"{e.sheet} 第{e.row}行 {e.column}：{e.message}" for e in report.errors[:SHOWN_ERRORS]
        )
        more = "……" if len(report.errors) > SHOWN_ERRORS else "。"
        stem = filename.rsplit(".", 1)[0]
        raise JobFailed(
            f"发现 {len(report.errors)} 个错误，未写入任何数据。{shown}{more}请下载错误清单，修改后重新上传整个文件。",
            JobResult(file=buffer.getvalue(), filename=f"{stem}.errors.xlsx"),
        )
    target = "units:unit_list" if kind == "units" else "units:person_list"
    return JobResult(url=reverse(target), message=summary)


@job(IMPORT_KINDS["units"], label="导入机构")
def import_units_job(job, progress) -> JobResult:
    return _run_import(job, progress, "units")


@job(IMPORT_KINDS["staff"], label="导入实有人员")
def import_staff_job(job, progress) -> JobResult:
    return _run_import(job, progress, "staff")
