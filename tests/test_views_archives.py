"""Document pages: scope (office regions; liaisons only what their units cite), create with scan, download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archives.models import Document, DocumentFile
from archives.services import document_attach
from bianzhi.lib.testing import make_document
from bianzhi.models import AuditEntry

PDF = b"%PDF-1.4\n%test scan\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def doc_a(unit_a):
    """The founding Document of unit A: cited by A's change records only."""
    return unit_a.founding_document


@pytest.fixture
def scan_a(doc_a):
    return document_attach(document=doc_a, upload=SimpleUploadedFile("批复.pdf", PDF), actor=None)


def views(doc, scan):
    return [
        reverse("archives:document_list"),
        reverse("archives:document_create"),
        reverse("archives:document_detail", args=[doc.pk]),
        reverse("archives:scan_download", args=[scan.pk]),
    ]


def test_anonymous_is_sent_to_login(client, doc_a, scan_a):
    for url in views(doc_a, scan_a):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.post(url, {}).status_code == 302


def test_other_units_liaison_gets_404(client, doc_a, scan_a, liaison_b):
    client.force_login(liaison_b)
    assert client.get(reverse("archives:document_detail", args=[doc_a.pk])).status_code == 404
    assert client.get(reverse("archives:scan_download", args=[scan_a.pk])).status_code == 404
    listing = client.get(reverse("archives:document_list"))
    assert listing.status_code == 200 and doc_a not in listing.context["page"]


def test_other_region_and_partner_get_404(client, doc_a, scan_a, other_office_staff, partner_clerk):
    for user in (other_office_staff, partner_clerk):
        client.force_login(user)
        assert client.get(reverse("archives:document_detail", args=[doc_a.pk])).status_code == 404
        assert client.get(reverse("archives:scan_download", args=[scan_a.pk])).status_code == 404
    assert client.get(reverse("archives:document_list")).status_code == 403


def test_liaison_sees_documents_cited_by_their_unit(client, region, doc_a, scan_a, liaison_a):
    uncited = make_document(region, "漳编发〔2021〕99号")
    client.force_login(liaison_a)
    listing = client.get(reverse("archives:document_list")).context["page"]
    assert doc_a in listing and uncited not in listing
    detail = client.get(reverse("archives:document_detail", args=[doc_a.pk]))
    assert detail.status_code == 200 and "漳县财政局" in detail.content.decode()
    assert client.get(reverse("archives:document_detail", args=[uncited.pk])).status_code == 404
    download = client.get(reverse("archives:scan_download", args=[scan_a.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_read_only_roles_cannot_create(client, supervisor, liaison_a, region):
    for user in (supervisor, liaison_a):
        client.force_login(user)
        assert client.get(reverse("archives:document_create")).status_code == 403
        response = client.post(
            reverse("archives:document_create"), {"region": region.pk, "number": "x", "title": "y"}
        )
        assert response.status_code == 403
    assert not Document.objects.filter(number="x").exists()


def test_office_staff_lists_searches_and_filters(client, region, office_staff, doc_a):
    make_document(region, "漳编发〔2019〕3号", issued_on=dt.date(2019, 3, 1), title="关于卫生机构的批复")
    client.force_login(office_staff)
    found = client.get(reverse("archives:document_list"), {"q": "卫生"}).context["page"]
    assert [d.number for d in found] == ["漳编发〔2019〕3号"]
    by_year = client.get(reverse("archives:document_list"), {"year": 2019}).context["page"]
    assert [d.number for d in by_year] == ["漳编发〔2019〕3号"]
    by_kind = client.get(reverse("archives:document_list"), {"kind": "三定规定"}).context["page"]
    assert list(by_kind) == []


def test_detail_lists_registry_changes_citing_it(client, office_staff, doc_a, scan_a, unit_a):
    client.force_login(office_staff)
    html = client.get(reverse("archives:document_detail", args=[doc_a.pk])).content.decode()
    assert "设立" in html and "编制调整" in html and "漳县财政局" in html
    assert reverse("archives:scan_download", args=[scan_a.pk]) in html


def test_create_with_scan(client, region, office_staff):
    client.force_login(office_staff)
    data = {
        "region": region.pk,
        "number": "漳编发[2021]12号",
        "title": "关于调整编制的通知",
        "issuer": "中共漳县县委机构编制委员会",
        "issued_on": "2021-03-01",
        "kind": "编委文件",
    }
    response = client.post(
        reverse("archives:document_create"), data | {"scan": SimpleUploadedFile("a.pdf", PDF)}
    )
    document = Document.objects.get(number="漳编发〔2021〕12号")
    assert response.status_code == 302
    assert response["Location"] == reverse("archives:document_detail", args=[document.pk])
    assert document.files.get().original_name == "a.pdf"
    assert AuditEntry.objects.filter(
        action="文件.登记", actor=office_staff, target_id=str(document.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="文件.上传扫描件", actor=office_staff).exists()
    again = client.post(reverse("archives:document_create"), data)
    assert again.status_code == 400 and "已经登记过" in again.content.decode()


def test_bad_scan_leaves_nothing_behind(client, region, office_staff):
    client.force_login(office_staff)
    data = {
        "region": region.pk,
        "number": "漳编发〔2021〕13号",
        "title": "标题",
        "kind": "编委文件",
        "scan": SimpleUploadedFile("fake.pdf", b"not a pdf"),
    }
    response = client.post(reverse("archives:document_create"), data)
    assert response.status_code == 400 and "不符" in response.content.decode()
    assert not Document.objects.filter(number="漳编发〔2021〕13号").exists()
    assert not DocumentFile.objects.exists()
