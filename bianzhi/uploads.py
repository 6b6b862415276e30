"""Uploads are checked before their body is read (issue 13 point 2).

Django parses a multipart body the first time anything touches ``request.POST`` — CsrfViewMiddleware
does so before any view runs — and writes every file part to disk. ``UploadGuardMiddleware`` sits
before CsrfViewMiddleware (after SessionMiddleware, so it knows the user) and, for a POST/PUT/PATCH
with a body, decides from the URL, the user and the declared Content-Length alone:

- an anonymous user on a page that needs a login → redirect to the login page, body untouched;
- an upload URL (``UPLOADS``: URL name → upload kind and the capabilities that may use it) and a user
  holding none of them → 403 with the capability's Chinese refusal, body untouched;
- a body larger than the kind's limit (``settings.UPLOAD_LIMITS``; any other URL:
  ``settings.FORM_BODY_MAX_BYTES``), or a multipart body without a Content-Length → 413, body untouched.

The views keep their own, finer checks (region, unit, file type, the per-file limit in
``UPLOAD_MAX_BYTES``). ``LimitedUploadHandler`` caps what is streamed, whatever the header said.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from bianzhi.roles import can, require

# URL name → (upload kind, capabilities: any one of them lets the user send the body to the view)
UPLOADS: dict[str, tuple[str, tuple[str, ...]]] = {
    "units:import_units": ("workbook", ("import",)),
    "units:import_staff": ("workbook", ("import",)),
    "verification:upload_create": ("workbook", ("send_source", "run_comparison")),
    "accounts:liaison_import": ("workbook", ("grant_roles",)),
    "archives:document_create": ("scan", ("edit_registry",)),
    "archives:scan_add": ("scan", ("edit_registry",)),
    "archives:dedicated_add_record": ("scan", ("edit_registry",)),
    "verification:cu_attach": ("attachment", ("liaise", "run_campaign")),
    "verification:finding_answer": ("attachment", ("answer_findings",)),
}


def register_upload(url_name: str, kind: str, capabilities: tuple[str, ...]) -> None:
    """An app above ``bianzhi`` declares one of its upload URLs (from its ``AppConfig.ready()``): the
    guard then checks it like the ones above. ``kind`` is a key of ``settings.UPLOAD_LIMITS``."""
    UPLOADS[url_name] = (kind, tuple(capabilities))


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

TOO_LARGE = "提交的内容超过上限（{limit} MB），系统未接收。"
NO_LENGTH = "上传请求缺少内容长度（Content-Length），系统未接收。"


class UploadTooLarge(RequestDataTooBig):
    """Raised while streaming when the body turns out larger than the limit (the header lied)."""


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def too_large_response(request, message: str):
    return HttpResponse(render_to_string("413.html", {"message": message}), status=413)


class LimitedUploadHandler(FileUploadHandler):
    """First in the chain: counts the file bytes actually received and stops at ``limit``."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                self.request._upload_too_large = self.limit
            raise UploadTooLarge(TOO_LARGE.format(limit=_mb(self.limit)))
        return raw_data

    def file_complete(self, file_size):
        return None


def _declared_length(request) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def _has_body(request) -> bool:
    length = _declared_length(request)
    multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
    return bool(length) or multipart or "HTTP_TRANSFER_ENCODING" in request.META


class UploadGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in BODY_METHODS and _has_body(request):
            refused = self.check(request)
            if refused is not None:
                return refused
        response = self.get_response(request)
        limit = getattr(request, "_upload_too_large", None)
        if limit is not None and response.status_code == 400:
            return too_large_response(request, TOO_LARGE.format(limit=_mb(limit)))
        return response

    def check(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None  # the 404 page; nothing reads the body
        user = get_user(request)
        request._cached_user = user  # AuthenticationMiddleware reuses it
        request.user = user
        if not user.is_authenticated and getattr(match.func, "login_required", True):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        upload = UPLOADS.get(match.view_name)
        if upload is None:
            limit = settings.FORM_BODY_MAX_BYTES
        else:
            kind, capabilities = upload
            if not any(can(user, c) for c in capabilities):
                require(user, capabilities[0])  # raises PermissionDenied: 403 with the Chinese refusal
            limit = settings.UPLOAD_LIMITS[kind]
        length = _declared_length(request)
        multipart = request.content_type == "multipart/form-data"
        if length is None and multipart:
            return too_large_response(request, NO_LENGTH)
        if length is not None and length > limit:
            return too_large_response(request, TOO_LARGE.format(limit=_mb(limit)))
        if multipart:
            request.upload_handlers.insert(0, LimitedUploadHandler(request, limit=limit))
        return None
