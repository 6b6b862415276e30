"""Downloads of stored files (archive scans and attachments, finding attachments, upload error
workbooks) audited like exports: one audit row, action 下载, with the target and the file name.

Each is served through the view that checked its scope (never from /media/); the row is written only
when the file is there to be served."""

from __future__ import annotations

from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from bianzhi import audit

ACTION = "下载"
MISSING = "附件文件已丢失，请联系管理员。"


def record_download(*, actor, filename: str, target: models.Model | None = None, region=None) -> None:
    """The audit row of one download: who, what (``target``), which file."""
    audit.record(
        actor=actor,
        action=ACTION,
        target=target,
        region=region,
        target_repr="" if target is not None else filename,
        after={"filename": filename},
    )


def serve_stored(
    stored: FieldFile, *, filename: str, missing: str, content_type: str | None = None
) -> FileResponse:
    """The stored file as an attachment named ``filename``; 404 with ``missing`` when it is gone.
    Not audited: for files whose service records the download itself."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    kwargs = {"content_type": content_type} if content_type else {}
    return FileResponse(handle, as_attachment=True, filename=filename, **kwargs)


def stored_download(
    stored: FieldFile,
    *,
    actor,
    filename: str,
    missing: str,
    target: models.Model | None = None,
    region=None,
    content_type: str | None = None,
) -> FileResponse:
    """``serve_stored``, audited (the row is written only when the file is there to be served)."""
    response = serve_stored(stored, filename=filename, missing=missing, content_type=content_type)
    record_download(actor=actor, filename=filename, target=target, region=region)
    return response


def item_download(item: models.Model, *, actor, region) -> FileResponse:
    """A stored scan or attachment (a model with ``file``, ``original_name`` and ``content_type``: an
    archive scan, a finding's attachment), audited."""
    return stored_download(
        item.file,
        actor=actor,
        filename=item.original_name,
        missing=MISSING,
        target=item,
        region=region,
        content_type=item.content_type,
    )
