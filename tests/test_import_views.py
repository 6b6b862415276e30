"""Upload and download pages: permissions, the same validation as the commands, audit rows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from units.imports import STAFF_HEADERS
from units.models import Person

ID = make_id("621125", __import__("datetime").date(1990, 1, 2), 4)


def staff_file(unit_name="漳县财政局", name="staff.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "实有人员"
    ws.append(STAFF_HEADERS)
    values = {
        "单位名称": unit_name,
        "姓名": "王五",
        "公民身份号码": ID,
        "编制类型": "行政编制",
        "人员类别": "公务员",
        "入编时间": "2015-07-01",
    }
    ws.append([values.get(h) for h in STAFF_HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    "name", ["units:import_units", "units:import_staff", "units:export_units", "units:export_staff"]
)
def test_anonymous_goes_to_login(client, region, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["supervisor", "liaison_a", "partner_clerk"])
def test_import_forbidden_without_capability(client, request, persona, unit_a):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("units:import_staff")).status_code == 403
    assert client.post(reverse("units:import_staff"), {"file": staff_file()}).status_code == 403
    assert not Person.objects.exists()


@pytest.mark.parametrize("persona", ["liaison_a", "partner_clerk"])
def test_export_forbidden_without_capability(client, request, persona, unit_a):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("units:export_staff")).status_code == 403
    assert client.get(reverse("units:export_units")).status_code == 403


def test_staff_imports_and_audit_row_exists(client, office_staff, unit_a):
    client.force_login(office_staff)
    assert client.get(reverse("units:import_staff")).status_code == 200
    response = client.post(reverse("units:import_staff"), {"file": staff_file(), "region": unit_a.region_id})
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert Person.objects.get().id_number == ID
    assert AuditEntry.objects.get(action="导入.实有人员").actor == office_staff


def test_dry_run_checkbox_writes_nothing(client, office_staff, unit_a):
    client.force_login(office_staff)
    response = client.post(
        reverse("units:import_staff"), {"file": staff_file(), "region": unit_a.region_id, "dry_run": "on"}
    )
    assert "仅校验" in response.content.decode() and not Person.objects.exists()


def test_errors_are_shown_and_downloadable(client, office_staff, unit_a):
    client.force_login(office_staff)
    response = client.post(
        reverse("units:import_staff"), {"file": staff_file("无此单位"), "region": unit_a.region_id}
    )
    page = response.content.decode()
    assert "单位“无此单位”不是本区划现有的单位" in page and not Person.objects.exists()
    token = response.context["error_token"]
    download = client.get(reverse("units:import_errors", args=[token]))
    assert download.status_code == 200 and "staff.errors.xlsx" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["实有人员", 2, "单位名称"]
    assert client.get(reverse("units:import_errors", args=["guessed"])).status_code == 404


def test_unreadable_and_too_large_uploads(client, office_staff, unit_a, settings):
    client.force_login(office_staff)
    png = SimpleUploadedFile("staff.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    response = client.post(reverse("units:import_staff"), {"file": png, "region": unit_a.region_id})
    assert "文件无法读取" in response.content.decode()
    settings.UPLOAD_MAX_BYTES = 100
    response = client.post(reverse("units:import_staff"), {"file": staff_file(), "region": unit_a.region_id})
    assert "文件过大" in response.content.decode() and not Person.objects.exists()


def test_units_import_page(client, office_admin, region):
    client.force_login(office_admin)
    response = client.get(reverse("units:import_units"))
    assert response.status_code == 200 and "机构名称" in response.content.decode()


def test_exports_filtered_and_audited(client, supervisor, unit_a, unit_b):
    client.force_login(supervisor)
    response = client.get(reverse("units:export_units"), {"q": "财政"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("机构").to_python()
    assert [r[0] for r in rows[1:]] == ["漳县财政局"]
    entry = AuditEntry.objects.get(action="导出.机构")
    assert entry.actor == supervisor and entry.after == {"rows": 1, "filters": {"q": "财政"}}
    response = client.get(reverse("units:export_staff"), {"nature": "事业单位"})
    assert response.status_code == 200
    assert AuditEntry.objects.get(action="导出.实有人员").after["filters"] == {"nature": "事业单位"}
