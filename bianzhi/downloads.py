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
    """The stored file as an attachment named ``filename``, audited; 404 with ``missing`` when it is gone."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    record_download(actor=actor, filename=filename, target=target, region=region)
    kwargs = {"content_type": content_type} if content_type else {}
    return FileResponse(handle, as_attachment=True, filename=filename, **kwargs)
