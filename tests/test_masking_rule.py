"""The one rule for ID numbers (docs/decisions.md): full only for ``view_full_id`` (编办管理员, 编办工作人员)
and for the system (``actor=None``, a command); masked for everyone else on every output — pages, the
staff export, the findings export, the comparison result, the campaign's 附件2–5, the ledger exports and
every print. Each file is parsed (calamine / pdftotext) and the number looked for."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import full_ids, mask_id, show_id
from bianzhi.models import AuditEntry
from tests.builders.campaign import make_campaign
from tests.builders.findings import run_finance
from tests.builders.registry import make_person
from units.exports import staff_workbook
from units.models import Person
from verification.campaign import prints as campaign_prints


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(unit_a):
    return make_person(unit_a, name="王五")


def cells(data: bytes) -> list:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [
        str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row
    ]


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def shows(blob: str | list, number: str) -> str:
    """ "full", "masked" or "none": which form of ``number`` the output carries."""
    text = blob if isinstance(blob, str) else "\n".join(blob)
    if number in text:
        return "full"
    return "masked" if mask_id(number) in text else "none"


def test_the_rule(office_admin, office_staff, supervisor, liaison_a, partner_clerk):
    assert full_ids(None) and full_ids(office_admin) and full_ids(office_staff)
    assert not any(full_ids(u) for u in (supervisor, liaison_a, partner_clerk))
    assert show_id("62112519900101123X", full=False) == mask_id("62112519900101123X")
    assert show_id("62112519900101123X", full=True) == "62112519900101123X"
    assert show_id("", full=False) == ""


ROLES = [("office_staff", "full"), ("supervisor", "masked")]


@pytest.mark.parametrize(("role", "expected"), ROLES)
def test_staff_export(client, request, person, role, expected):
    user = request.getfixturevalue(role)
    client.force_login(user)
    r = client.get(reverse("units:export_staff"))
    assert r.status_code == 200
    assert shows(cells(r.content), person.id_number) == expected
    entry = AuditEntry.objects.get(action="导出.实有人员")
    assert entry.after["full_ids"] is (expected == "full")


def test_staff_export_by_command_is_full(person, region):
    data = staff_workbook(Person.objects.filter(unit__region=region), actor=None)
    assert shows(cells(data), person.id_number) == "full"


@pytest.mark.parametrize(("role", "expected"), ROLES)
def test_findings_export_and_result_workbook(client, request, office_staff, person, role, expected):
    run = run_finance(person.unit.region, office_staff)  # finance names nobody: 实名制在编、财政供养名单无
    user = request.getfixturevalue(role)
    client.force_login(user)
    r = client.get(reverse("verification:finding_export"))
    assert r.status_code == 200
    assert shows(cells(r.content), person.id_number) == expected
    r = client.get(reverse("verification:run_download", args=[run.pk]))
    assert r.status_code == 200
    data = b"".join(r.streaming_content) if r.streaming else r.content
    found = cells(data)
    assert shows(found, person.id_number) == expected
    assert "问题清单" in CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
    assert "实名制在编、财政供养名单无" in found  # the rest of the workbook is kept
    assert AuditEntry.objects.filter(action="比对结果.下载", actor=user).count() == 1


@pytest.mark.parametrize(("role", "expected"), ROLES)
def test_finding_pages(client, request, office_staff, person, role, expected):
    run_finance(person.unit.region, office_staff)
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("verification:finding_list")).content.decode()
    assert shows(page, person.id_number) == expected


@pytest.mark.parametrize(("role", "expected"), ROLES)
def test_ledger_table_three(client, request, person, role, expected):
    client.force_login(request.getfixturevalue(role))
    r = client.get(reverse("ledgers:table_export", args=["three", "xlsx"]))
    assert r.status_code == 200
    assert shows(cells(r.content), person.id_number) == expected
    r = client.get(reverse("ledgers:table_export", args=["three", "pdf"]))
    assert r.status_code == 200
    assert shows(pdf_text(r.content), person.id_number) == expected


@pytest.mark.parametrize(("role", "expected"), [*ROLES, ("office_admin", "full")])
def test_person_card(client, request, person, role, expected):
    client.force_login(request.getfixturevalue(role))
    r = client.get(reverse("units:person_card", args=[person.pk]))
    assert r.status_code == 200
    assert shows(pdf_text(r.content), person.id_number) == expected


def test_person_card_for_the_liaison_is_masked(client, person, liaison_a):
    from units.prints import person_card_pdf

    assert shows(pdf_text(person_card_pdf(person, actor=liaison_a)), person.id_number) == "masked"
    assert shows(pdf_text(person_card_pdf(person, actor=None)), person.id_number) == "full"


def test_campaign_annex_carries_no_id_numbers(office_staff, supervisor, person, unit_b):
    campaign = make_campaign(person.unit.region, office_staff)
    for user in (office_staff, supervisor, None):
        data = campaign_prints.annex_workbook(campaign, actor=user)
        assert shows(cells(data), person.id_number) == "none"
