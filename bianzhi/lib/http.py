"""What every app's views share: downloads, pagination and showing a service's refusal on a form."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX, "pdf": PDF, "csv": CSV}
PER_PAGE = 50


def download(
    data: bytes, filename: str, content_type: str | None = None, *, stamp: bool = False, inline: bool = False
) -> HttpResponse:
    """A file for the browser to save (or, ``inline``, to show), its Chinese name kept (RFC 5987).

    ``content_type`` defaults from the name's ending; ``stamp`` adds the local time, so that two
    downloads of the same list on one day do not overwrite each other (``名册_202612061530.xlsx``)."""
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    if content_type is None:
        content_type = CONTENT_TYPES.get(ext.lower(), "application/octet-stream")
    if stamp:
        stem = f"{stem}_{timezone.localtime():%Y%m%d%H%M}"
    name = f"{stem}.{ext}" if ext else stem
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    return response


def paginate(
    request: HttpRequest,
    items: Any,
    *,
    per_page: int = PER_PAGE,
    param: str = "page",
    count: int | None = None,
) -> Page:
    """The requested page of ``items`` (a queryset or list); a page number out of range gives the last.
    ``count``: the number of items when already known (an upper office's kept count,
    ``bianzhi.lib.scopecache.list_count``) instead of a COUNT of a province's million rows."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    return paginator.get_page(request.GET.get(param))


def add_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
