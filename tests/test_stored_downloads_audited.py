"""Downloads of stored files are audited like exports (action 下载, the target, the file name): archive
scans and attachments, finding attachments, upload error workbooks. Each still serves the file; another
region's user gets 404 and writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archives.models import DedicatedFile
from archives.services import dedicated_file_add_record, document_attach
from bianzhi.models import AuditEntry
from tests.builders.findings import PDF, csv_upload, verification_objects
from verification.findings.models import PartnerUpload
from verification.findings.services import partner_upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def downloads() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="下载"))


def check(client, url, *, allowed, other, filename, target, expect: bytes | None = None):
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert downloads() == []
    client.force_login(allowed)
    response = client.get(url)
    assert response.status_code == 200
    data = body(response)
    assert data.startswith(expect) if expect else data
    (entry,) = downloads()
    assert entry.actor == allowed and entry.after == {"filename": filename}
    assert entry.target_type == target._meta.label and entry.target_id == str(target.pk)
    assert entry.region_id == target_region(target)


def target_region(target) -> int:
    region = getattr(target, "region_id", None)
    if region is None and hasattr(target, "document"):
        return target.document.region_id
    if region is None and hasattr(target, "campaign_unit"):
        return target.campaign_unit.campaign.region_id
    if region is None:
        return target.answer.finding.region_id
    return region


def test_archive_scan(client, unit_a, office_staff, other_office_staff):
    scan = document_attach(
        document=unit_a.founding_document, upload=SimpleUploadedFile("批复.pdf", PDF), actor=None
    )
    url = reverse("archives:scan_download", args=[scan.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    check(
        client,
        url,
        allowed=office_staff,
        other=other_office_staff,
        filename="批复.pdf",
        target=scan,
        expect=b"%PDF",
    )


def test_archive_record_attachment(client, region, office_staff, other_office_staff):
    entry = dedicated_file_add_record(
        dedicated_file=DedicatedFile.objects.get(kind="核查"),
        region=region,
        title="工作方案",
        actor=office_staff,
        upload=SimpleUploadedFile("方案.pdf", PDF),
    )
    url = reverse("archives:entry_download", args=[entry.pk])
    check(
        client,
        url,
        allowed=office_staff,
        other=other_office_staff,
        filename="方案.pdf",
        target=entry,
        expect=b"%PDF",
    )


def test_finding_attachment(client, unit_a, office_staff, liaison_b, other_office_staff):
    objs = verification_objects(unit_a)
    item = objs["attachment"]
    url = reverse("verification:attachment_download", args=[item.pk])
    client.force_login(liaison_b)
    assert client.get(url).status_code == 404
    check(
        client,
        url,
        allowed=office_staff,
        other=other_office_staff,
        filename="批复.pdf",
        target=item,
        expect=b"%PDF",
    )


def test_upload_error_workbook(client, region, office_staff, other_office_staff):
    rows = [{"姓名": "张三", "公民身份号码": "1", "参保单位名称": "", "参保状态": "在缴"}]
    partner_upload(region=region, source="si", upload=csv_upload("si", rows, "参保.csv"), actor=office_staff)
    upload = PartnerUpload.objects.get()
    url = reverse("verification:upload_errors", args=[upload.pk])
    check(
        client,
        url,
        allowed=office_staff,
        other=other_office_staff,
        filename="参保.errors.xlsx",
        target=upload,
        expect=b"PK",
    )


def test_campaign_attachment(client, unit_a, office_staff, supervisor, liaison_a, liaison_b):
    """A unit's campaign material: its liaison and the office of the region read it (audited); another
    unit's liaison gets 404; the unit page links it."""
    from tests.builders.campaign import campaign_objects
    from verification.campaign import services as cs

    cu = campaign_objects(unit_a)["campaign_unit"]
    item = cs.attachment_add(cu=cu, upload=SimpleUploadedFile("花名册.pdf", PDF), actor=liaison_a)
    AuditEntry.objects.filter(action="下载").delete()
    url = reverse("verification:cu_attachment", args=[item.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    check(client, url, allowed=liaison_a, other=liaison_b, filename="花名册.pdf", target=item, expect=b"%PDF")
    for reader in (office_staff, supervisor):
        client.force_login(reader)
        assert body(client.get(url)).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="下载", target_id=str(item.pk)).count() == 3
    client.force_login(liaison_a)
    page = client.get(reverse("verification:cu_detail", args=[cu.pk])).content.decode()
    assert url in page
