"""Upload bodies are checked before anything reads them (issue 13 point 2): login, capability, size."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.urls import reverse

from bianzhi.uploads import LimitedUploadHandler, UploadTooLarge

BOUNDARY = "----bianzhiboundary"
MB = 1024 * 1024


class CountingStream:
    """A lazy multipart body of ``size`` bytes that records how much was read (and can refuse reads)."""

    def __init__(self, size: int, *, explode: bool = False):
        self.size = size
        self.read_bytes = 0
        self.explode = explode
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.head = head

    def read(self, n: int = -1) -> bytes:
        if self.explode:
            raise AssertionError("the body was read")
        left = self.size - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        start = self.read_bytes
        self.read_bytes += n
        out = (self.head + b"x" * n)[start : start + n] if start < len(self.head) else b"x" * n
        return out

    def readline(self, *args) -> bytes:
        return self.read(*args)


def post_body(client, url, stream, *, length: int | None):
    extra = {
        "wsgi.input": stream,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
    }
    if length is not None:
        extra["CONTENT_LENGTH"] = str(length)
    return client.generic("POST", url, **extra)


@pytest.fixture
def dirs(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "media").mkdir()
    return tmp_path


def nothing_written(tmp_path) -> bool:
    return not any((tmp_path / "tmp").iterdir()) and not any((tmp_path / "media").rglob("*"))


UPLOAD_URLS = [
    ("units:import_units", ()),
    ("units:import_staff", ()),
    ("verification:upload_create", ()),
    ("accounts:liaison_import", ()),
    ("archives:document_create", ()),
    ("archives:scan_add", (1,)),
    ("archives:dedicated_add_record", (1,)),
    ("verification:cu_attach", (1,)),
    ("verification:finding_answer", (1,)),
]


@pytest.mark.parametrize(("name", "args"), UPLOAD_URLS)
def test_anonymous_50mb_refused_unread_nothing_on_disk(client, db, dirs, name, args):
    stream = CountingStream(50 * MB)
    response = post_body(client, reverse(name, args=args), stream, length=50 * MB)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert stream.read_bytes == 0
    assert nothing_written(dirs)


def test_anonymous_post_to_any_page_is_not_read(client, db, dirs):
    stream = CountingStream(50 * MB, explode=True)
    response = post_body(client, reverse("units:unit_list"), stream, length=50 * MB)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "name", "args"),
    [
        ("liaison_a", "units:import_units", ()),
        ("supervisor", "units:import_staff", ()),
        ("partner_clerk", "units:import_staff", ()),
        ("liaison_a", "verification:upload_create", ()),
        ("supervisor", "verification:upload_create", ()),
        ("office_staff", "accounts:liaison_import", ()),
        ("office_admin", "accounts:liaison_import", ()),
        ("supervisor", "archives:scan_add", (1,)),
        ("liaison_a", "archives:document_create", ()),
        ("partner_clerk", "verification:cu_attach", (1,)),
        ("office_staff", "verification:finding_answer", (1,)),
    ],
)
def test_wrong_role_403_without_reading(client, request, dirs, persona, name, args):
    client.force_login(request.getfixturevalue(persona))
    stream = CountingStream(MB, explode=True)
    response = post_body(client, reverse(name, args=args), stream, length=MB)
    assert response.status_code == 403
    assert "<html" in response.content.decode() and "。" in response.content.decode()
    assert nothing_written(dirs)


def test_too_large_413_in_chinese_without_reading(client, office_staff, dirs):
    client.force_login(office_staff)
    stream = CountingStream(300 * MB, explode=True)
    response = post_body(client, reverse("units:import_units"), stream, length=300 * MB)
    assert response.status_code == 413
    assert "超过上限" in response.content.decode()
    assert nothing_written(dirs)


def test_multipart_without_length_413(client, office_staff, dirs):
    client.force_login(office_staff)
    stream = CountingStream(MB, explode=True)
    response = post_body(client, reverse("units:import_staff"), stream, length=None)
    assert response.status_code == 413 and "Content-Length" in response.content.decode()


def test_per_kind_limits(client, office_staff, settings, dirs):
    settings.UPLOAD_LIMITS = {"workbook": 1000, "scan": 5000, "attachment": 5000}
    client.force_login(office_staff)
    assert (
        post_body(client, reverse("units:import_units"), CountingStream(2000), length=2000).status_code == 413
    )
    # a scan of the same size is under its own limit: the guard lets it through to the view
    response = post_body(client, reverse("archives:document_create"), CountingStream(2000), length=2000)
    assert response.status_code != 413


def test_non_upload_page_body_capped(client, office_staff, settings, dirs):
    settings.FORM_BODY_MAX_BYTES = 1000
    client.force_login(office_staff)
    stream = CountingStream(5000, explode=True)
    assert post_body(client, reverse("units:unit_list"), stream, length=5000).status_code == 413


def test_allowed_liaison_passes_the_guard(client, liaison_a, dirs):
    client.force_login(liaison_a)
    response = client.post(reverse("verification:finding_answer", args=[999999]), {"text": "x"})
    assert response.status_code == 404  # the view's own scope check, not the guard


def test_streaming_is_capped_whatever_the_header_said():
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"y" * 100_000
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(len(body))}
    handlers = [LimitedUploadHandler(limit=10_000), TemporaryFileUploadHandler()]
    with pytest.raises(UploadTooLarge):
        MultiPartParser(meta, io.BytesIO(body), handlers).parse()


def test_normal_upload_still_works(client, office_staff, unit_a, dirs):
    from tests.test_import_views import staff_file

    client.force_login(office_staff)
    response = client.post(reverse("units:import_staff"), {"file": staff_file()})
    assert response.status_code in (200, 302)
    assert "超过上限" not in response.content.decode()
