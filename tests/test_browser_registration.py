"""事业单位登记 in a real browser: the unit's liaison files a 设立登记 with its materials and submits it;
the office reviews it and approves (核准); the record is 已登记 with its certificate number and the
法人证书 PDF downloads. Screenshots in tests/artifacts/registration-*.png."""

from __future__ import annotations

import pytest

from bianzhi.roles import Role
from registration.models import MATERIALS, Application, ApplicationKind, RecordStatus, RegistrationRecord
from tests.browser import login, logout, needs_chromium, shot
from tests.builders.registration import make_institution
from tests.builders.registry import make_user

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_establishment_from_application_to_certificate(page, region, office_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    unit = make_institution(region, "漳县农业技术推广中心")
    make_user("liaison_njz", Role.LIAISON, units=[unit], full_name="农技中心联络员")

    # the liaison files the 设立登记
    login(page, "liaison_njz")
    page.goto(page.base + "/registration/")
    assert "漳县农业技术推广中心" in page.inner_text("body")  # listed among those to register
    shot(page, "registration-01-liaison-records")
    page.get_by_role("link", name="漳县农业技术推广中心").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=unit]").input_value() == str(unit.pk)
    assert page.locator("select[name=kind]").input_value() == ApplicationKind.ESTABLISH
    page.fill("input[name=name]", unit.name)
    page.fill("input[name=credit_code]", unit.credit_code)
    page.fill("textarea[name=purpose]", "开展农业技术推广、培训和咨询服务。")
    page.fill("input[name=address]", "漳县武阳镇北大街12号")
    page.fill("input[name=legal_rep]", "马建国")
    page.fill("input[name=capital]", "80")
    page.select_option("select[name=funding]", unit.funding)
    page.fill("input[name=sponsor]", "漳县农业农村局")
    shot(page, "registration-02-liaison-form")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    assert "设立登记申请已建立" in page.inner_text(".messages")
    for material in MATERIALS[ApplicationKind.ESTABLISH]:
        page.select_option("select[name=material]", material)
        page.set_input_files(
            "input[name=upload]",
            files=[{"name": "材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}],
        )
        page.get_by_role("button", name="上传").click()
        page.wait_for_load_state("networkidle")
        assert f"材料“{material}”已上传" in page.inner_text(".messages")
    assert "未上传" not in page.inner_text("body")
    page.check("input[name=confirm]")
    shot(page, "registration-03-liaison-materials")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "等待编办审核" in page.inner_text(".messages")
    application = Application.objects.get(unit=unit)
    assert application.status == "已提交"
    logout(page)

    # the office reviews and approves
    login(page, "staff1")
    page.goto(page.base + "/registration/applications/?status=已提交")
    shot(page, "registration-04-office-list")
    page.get_by_role("link", name="漳县农业技术推广中心").click()
    page.wait_for_load_state("networkidle")
    assert "马建国" in page.inner_text("body")
    page.locator("form[action$='/approve/'] input[name=confirm]").check()
    shot(page, "registration-05-office-review")
    page.get_by_role("button", name="核准", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "申请已核准" in page.inner_text(".messages")
    record = RegistrationRecord.objects.get(unit=unit)
    assert record.status == RecordStatus.REGISTERED and record.certificate_number == "事证第621125000001号"

    # the record and its certificate
    page.get_by_role("link", name="查看登记记录").click()
    page.wait_for_load_state("networkidle")
    assert "事证第621125000001号" in page.inner_text("body")
    shot(page, "registration-06-record")
    with page.expect_download() as info:
        page.get_by_role("link", name="法人证书正本（PDF）").click()
    pdf = tmp_path / "certificate.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")
