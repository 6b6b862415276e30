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


def test_annual_report_filed_and_accepted(page, region, office_staff, office_admin, settings, tmp_path):
    """The liaison fills last year's report and submits it; the office sees it on the year's page and
    accepts it; the 年报率 is 100%."""
    import datetime as dt

    from django.utils import timezone

    from tests.builders.registration import backdate, register

    settings.MEDIA_ROOT = tmp_path
    last = timezone.localdate().year - 1
    unit = make_institution(region, "漳县农业技术推广中心")
    record = register(unit, reviewer=office_admin)
    backdate(record, dt.date(last - 1, 3, 1))
    make_user("liaison_njz", Role.LIAISON, units=[unit], full_name="农技中心联络员")

    login(page, "liaison_njz")
    page.goto(page.base + f"/registration/reports/?year={last}")
    assert "未填报" in page.inner_text("table")
    page.get_by_role("link", name="填报").click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=activities]", "全年推广新品种12个，培训农民1,200人次。")
    page.fill("input[name=net_assets_start]", "120.50")
    page.fill("input[name=net_assets_end]", "130.25")
    page.fill("input[name=staff_count]", "15")
    page.check("input[name=submit]")
    shot(page, "registration-11-report-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "年度报告已提交" in page.inner_text(".messages")
    logout(page)

    login(page, "staff1")
    page.goto(page.base + f"/registration/reports/?year={last}")
    assert "已提交" in page.inner_text("table")
    shot(page, "registration-12-year-list")
    page.get_by_role("link", name="查看", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.locator("form[action$='/accept/'] input[name=confirm]").check()
    shot(page, "registration-13-report-review")
    page.get_by_role("button", name="通过", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "年度报告已通过" in page.inner_text(".messages")
    page.goto(page.base + f"/registration/reports/?year={last}")
    assert "100.0%" in page.inner_text(".cards")
    shot(page, "registration-14-year-rate")
