"""The prints of 事业单位登记管理: the 法人证书 正本 (A3 landscape) and 副本 (A4), the 注销 notice (A4) — the
text, the page size and the embedded CJK fonts. Each PDF is kept in tests/artifacts/ with a PNG of its
first page (``pdftoppm -r 50``) for a reader to look at."""

from __future__ import annotations

import subprocess

import pytest

from bianzhi.models import AuditEntry
from registration import prints
from registration.models import ApplicationKind
from registration.services import application_approve
from tests.browser import ARTIFACTS
from tests.builders.registration import file_application, make_institution, register
from tests.test_printing import assert_cjk_embedded, pdf_text

A3_LANDSCAPE = "1190.55 x 841.89 pts"
A4 = "595.276 x 841.89 pts"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def record(region, office_admin):
    unit = make_institution(region, "漳县农业技术推广中心")
    return register(unit, reviewer=office_admin, purpose="农业技术推广、培训与服务。", legal_rep="王主任")


def _keep(pdf: bytes, name: str) -> str:
    """Save the PDF and a PNG of its first page in tests/artifacts/; return the page size."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(ARTIFACTS / name),
        ],
        check=True,
    )
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size")).split(":", 1)[1].strip()


def test_certificate_original_a3_landscape(record, office_admin, tmp_path):
    pdf = prints.certificate_pdf(record, copy=False, actor=office_admin)
    text, fonts = pdf_text(pdf, tmp_path)
    compact = "".join(text.split())
    for expected in (
        "事业单位法人证书",
        "正本",
        record.credit_code,
        "事证第621125000001号",
        "漳县农业技术推广中心",
        "农业技术推广、培训与服务。",
        "王主任",
        "50.00万元",
        "全额拨款",
        "漳县事业单位登记管理局",
    ):
        assert expected in compact, expected
    assert_cjk_embedded(fonts)
    assert _keep(pdf, "registration_certificate").startswith(A3_LANDSCAPE)
    assert AuditEntry.objects.filter(action="打印.事业单位法人证书正本").exists()


def test_certificate_copy_a4(record, office_admin, tmp_path):
    pdf = prints.certificate_pdf(record, copy=True, actor=office_admin)
    text, fonts = pdf_text(pdf, tmp_path)
    compact = "".join(text.split())
    for expected in ("事业单位法人证书", "（副本）", record.certificate_number, "有效期", "举办单位"):
        assert expected in compact, expected
    assert_cjk_embedded(fonts)
    assert _keep(pdf, "registration_certificate_copy").startswith(A4)


def test_cancel_notice_a4(record, office_admin, tmp_path):
    application_approve(application=file_application(record.unit, ApplicationKind.CANCEL), actor=office_admin)
    record.refresh_from_db()
    pdf = prints.cancel_notice_pdf(record, actor=office_admin)
    text, fonts = pdf_text(pdf, tmp_path)
    compact = "".join(text.split())
    for expected in (
        "事业单位注销登记通知书",
        "准予注销登记",
        record.certificate_number,
        "漳县农业技术推广中心",
    ):
        assert expected in compact, expected
    assert_cjk_embedded(fonts)
    assert _keep(pdf, "registration_cancel_notice").startswith(A4)


def test_a_reissued_certificate_says_so(record, office_admin, tmp_path):
    from registration.services import certificate_reissue

    certificate_reissue(record=record, reason="遗失", actor=office_admin)
    record.refresh_from_db()
    text, _ = pdf_text(prints.certificate_pdf(record, copy=False, actor=office_admin), tmp_path)
    assert "补领（第1次）" in "".join(text.split())


def test_an_institution_in_the_other_region_prints_its_own_registrar(
    other_region, other_office_staff, tmp_path
):
    unit = make_institution(other_region, "安定区农技中心")
    record = register(unit, actor=other_office_staff, reviewer=other_office_staff)
    text, _ = pdf_text(prints.certificate_pdf(record, copy=True, actor=other_office_staff), tmp_path)
    assert "安定区事业单位登记管理局" in "".join(text.split())
