"""What the comparison's views share."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def serve_stored(stored: FieldFile, *, filename: str, content_type: str, missing: str) -> FileResponse:
    """A stored file (a run's result workbook, an answer's attachment) served through the view that
    checked its scope (never from /media/); 404 with ``missing`` when the file is gone from storage."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
