"""Partner rows submitted through the API's service (partner_submit): the upload's validation, all or
nothing, kept as the region's 有效 upload that the next comparison run uses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.registry import make_person, make_user
from verification.findings.models import Finding, PartnerUpload, UploadStatus
from verification.findings.services import SubmissionRejected, comparison_run, partner_submit
from verification.findings.services.submissions import rows_csv


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def partner_fin(region):
    user = make_user("partner_fin", Role.PARTNER, regions=[region], full_name="财政经办")
    user.profile.department = "漳县财政局"
    user.profile.save()
    return user


def test_valid_rows_become_the_regions_upload_and_the_run_uses_them(
    region, unit_a, partner_fin, office_staff
):
    person = make_person(unit_a)
    rows = [
        {"姓名": person.name, "身份证号": person.id_number, "预算单位名称": unit_a.name, "备注": "x"},
        {"姓名": "孙多出", "身份证号": "621125198001010012", "预算单位名称": unit_a.name},
    ]
    upload = partner_submit(region=region, source="finance", rows=rows, actor=partner_fin)
    assert upload.status == UploadStatus.VALID and upload.rows_read == 2
    assert upload.original_name.startswith("接口报送_财政部门_") and upload.original_name.endswith(".csv")
    assert any("备注" in w for w in upload.warnings)
    entry = AuditEntry.objects.get(action="比对数据.接口报送")
    assert entry.actor == partner_fin and entry.after["rows"] == 2
    comparison_run(region=region, actor=office_staff)
    assert set(Finding.objects.values_list("code", flat=True)) == {"FIN_NOT_IN_REG"}


def test_any_row_error_stores_nothing_and_lists_every_error(region, unit_a, partner_fin):
    rows = [
        {"姓名": "", "公民身份号码": "621125198001010012", "单位名称": unit_a.name},
        {"姓名": "张三", "公民身份号码": "621125198001010012", "单位名称": unit_a.name, "经费形式": "全额"},
        {"姓名": "李四", "公民身份号码": "621125198001010012", "单位名称": ""},
    ]
    with pytest.raises(SubmissionRejected) as caught:
        partner_submit(region=region, source="finance", rows=rows, actor=partner_fin)
    assert [(r, c) for r, c, _ in caught.value.rows] == [(1, "姓名"), (2, "经费形式"), (3, "单位名称")]
    assert "第2行 经费形式" in caught.value.messages[1]
    assert (
        not PartnerUpload.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="比对数据").exists()
    )


def test_a_missing_required_column_is_reported_for_every_row(region, partner_fin):
    with pytest.raises(SubmissionRejected) as caught:
        partner_submit(region=region, source="finance", rows=[{"姓名": "张三"}], actor=partner_fin)
    assert {(r, c) for r, c, _ in caught.value.rows} == {(None, "公民身份号码"), (None, "单位名称")}


def test_bounds_and_refusals(region, other_region, unit_a, partner_fin, liaison_a, settings):
    row = {"姓名": "张三", "公民身份号码": "621125198001010012", "单位名称": unit_a.name}
    with pytest.raises(ValidationError, match="没有数据行"):
        partner_submit(region=region, source="finance", rows=[], actor=partner_fin)
    settings.API_SUBMIT_MAX_ROWS = 2
    with pytest.raises(ValidationError, match="一次最多报送 2 行"):
        partner_submit(region=region, source="finance", rows=[row] * 3, actor=partner_fin)
    with pytest.raises(ValidationError, match="本部门"):
        partner_submit(region=region, source="si", rows=[row], actor=partner_fin)
    with pytest.raises(ValidationError, match="该区划"):
        partner_submit(region=other_region, source="finance", rows=[row], actor=partner_fin)
    with pytest.raises(PermissionDenied):
        partner_submit(region=region, source="finance", rows=[row], actor=liaison_a)
    assert not PartnerUpload.objects.exists()


def test_cells_are_quoted_and_typed_values_become_text():
    data = rows_csv([{"姓名": "张;三,", "公民身份号码": 621125198001010012, "单位名称": None}]).decode()
    assert data.splitlines() == ['"姓名","公民身份号码","单位名称"', '"张;三,","621125198001010012",""']
