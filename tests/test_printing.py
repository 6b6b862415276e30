"""Printed certificates: right content, embedded CJK font, audited with who printed them."""

import datetime as dt
import shutil
import subprocess

import pytest

from bianzhi.models import AuditEntry
from tests.builders.registry import make_person, office_approver
from units import prints as printing
from units import services

TODAY = dt.date.today()


def pdf_text(pdf: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is installed by scripts/test"
)


def assert_cjk_embedded(fonts: str) -> None:
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert any("CJK" in line for line in rows), fonts
    assert all(" yes " in line for line in rows), fonts  # every font embedded


def test_slip_pdf(unit_a, office_staff, tmp_path):
    req = services.request_create(
        unit=unit_a,
        establishment_type="行政编制",
        count=1,
        reason="充实财政监督力量",
        entry_method="考录",
        planned_on=TODAY,
        actor=office_staff,
    )
    (slip,) = services.request_approve(request=req, actor=office_approver(unit_a.region))
    text, fonts = pdf_text(printing.slip_pdf(slip, actor=office_staff), tmp_path)
    assert (
        "核准使用编制通知单" in text
        and slip.number in text
        and "漳县财政局" in text
        and "充实财政监督力量" in text
    )
    assert "打印：李编办" in text
    assert_cjk_embedded(fonts)
    assert AuditEntry.objects.filter(action="打印.编制使用单", actor=office_staff).exists()


def test_certificate_pdf(unit_a, office_staff, tmp_path):
    make_person(unit_a, leader_post="单位正职")
    text, fonts = pdf_text(printing.certificate_pdf(unit_a, actor=office_staff), tmp_path)
    for expected in ("机构编制管理证", "漳县财政局", "行政机关", "行政编制", "单位正职", "全额拨款"):
        assert expected in text, expected
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("行政编制"))
    assert line.split()[1:4] == ["5", "1", "4"]
    assert_cjk_embedded(fonts)
    assert AuditEntry.objects.filter(action="打印.机构编制管理证").exists()


def test_person_card_masks_id_for_read_only_roles(unit_a, supervisor, office_staff, tmp_path):
    person = make_person(unit_a, name="欧阳明")
    services.person_change_post(person=person, leader_post="单位副职", occurred_on=TODAY, actor=office_staff)
    text, _ = pdf_text(printing.person_card_pdf(person, actor=supervisor), tmp_path)
    assert "人员编制管理卡" in text and "欧阳明" in text and person.id_number not in text
    assert person.id_number[:10] + "****" in text and "职务变动" in text
    text, _ = pdf_text(printing.person_card_pdf(person, actor=office_staff), tmp_path)
    assert person.id_number in text
