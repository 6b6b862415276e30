"""``/api/v1/slips/``: a partner system verifies a 编制使用单 (also by scanning its printed QR code) and records
its department's act; anonymous 401, wrong scope 403, another region 404, forged codes refused and audited."""

from __future__ import annotations

import datetime as dt

import pytest

from bianzhi.models import AuditEntry
from tests.builders.api import api_calls, api_get, api_post, make_token
from tests.builders.registry import make_partner, make_person, make_slip
from tests.test_slip_verify import decode_pdf_qr
from units import prints
from units.models import SlipActRecord
from units.selectors.slipcheck import card_code, normalise, pretty, slip_code

TODAY = dt.date.today()


def url(code: str, acts: bool = False) -> str:
    return f"/api/v1/slips/{code}" + ("/acts" if acts else "")


def detail(response) -> str:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"]


@pytest.fixture
def used_slip(unit_a):
    slip = make_slip(unit_a)
    make_person(unit_a, slip=slip, name="赵六")
    slip.refresh_from_db()
    return slip


# ---- verify -------------------------------------------------------------------------------------------


def test_anonymous_is_401(client, used_slip):
    response = api_get(client, url(pretty(slip_code(used_slip))))
    assert response.status_code == 401 and "令牌" in detail(response)
    response = api_post(client, url(pretty(slip_code(used_slip)), acts=True), None, {"act": "录用审批"})
    assert response.status_code == 401
    assert not SlipActRecord.objects.exists()


def test_partner_token_verifies_with_the_id_masked_and_both_audit_rows(client, org_clerk, used_slip):
    token, secret = make_token(org_clerk)
    response = api_get(client, url(pretty(slip_code(used_slip))), secret)
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "编制使用单" and body["state"] == "已使用" and body["number"] == used_slip.number
    assert body["unit"] == "漳县财政局" and body["establishment_type"] == "行政编制"
    person = used_slip.person
    assert body["person"]["name"] == "赵六" and body["person"]["id_number"] != person.id_number
    assert "****" in body["person"]["id_number"]
    assert body["open_acts"] == ["录用审批"]
    call = api_calls().get()
    assert call.action == "接口.查询" and call.after["status"] == 200 and call.after["rows"] == 1
    read = AuditEntry.objects.get(action="核验.查询")
    assert read.actor == org_clerk and read.after["via"] == "接口" and read.target_id == str(used_slip.pk)


def test_personal_token_of_office_staff_sees_the_full_id(client, office_staff, used_slip):
    _, secret = make_token(office_staff, personal=True)
    body = api_get(client, url(slip_code(used_slip)), secret).json()
    assert body["person"]["id_number"] == used_slip.person.id_number
    _, masked = make_token(office_staff, name="不含个人信息")
    assert (
        api_get(client, url(slip_code(used_slip)), masked).json()["person"]["id_number"]
        != body["person"]["id_number"]
    )


def test_another_regions_token_gets_404(client, other_region, used_slip):
    _, secret = make_token(make_partner("org9", "安定区委组织部", [other_region]))
    response = api_get(client, url(pretty(slip_code(used_slip))), secret)
    assert response.status_code == 404 and "核验码有误" in detail(response)
    assert "其他区划" in AuditEntry.objects.get(action="核验.失败").reason


def test_an_administrators_token_is_refused(client, system_admin, used_slip, region):
    """Every role that may hold a token may verify; a token stored for a 系统管理员 (issuing refuses one:
    三员分立) is not usable at all, and no verification is read or audited."""
    _, secret = make_token(system_admin, region=region)
    response = api_get(client, url(slip_code(used_slip)), secret)
    assert response.status_code == 401
    assert not AuditEntry.objects.filter(action__startswith="核验").exists()


def test_forged_and_altered_codes_are_refused_and_audited(client, org_clerk, used_slip):
    _, secret = make_token(org_clerk)
    code = slip_code(used_slip)
    altered = code[:10] + ("A" if code[10] != "A" else "B") + code[11:]
    response = api_get(client, url(altered), secret)
    assert response.status_code == 404 and "核验码有误" in detail(response)
    response = api_get(client, url("S000-0000"), secret)
    assert response.status_code == 400 and "格式有误" in detail(response)
    forged = AuditEntry.objects.filter(action="核验.失败").order_by("id")
    assert [r.after["code"] for r in forged] == [altered, "S000-0000"]
    assert all(r.actor == org_clerk and r.after["via"] == "接口" for r in forged)
    assert [c.after["status"] for c in api_calls().order_by("id")] == [404, 400]


def test_a_card_verifies_through_the_api(client, org_clerk, unit_a):
    person = make_person(unit_a, name="钱七")
    _, secret = make_token(org_clerk)
    body = api_get(client, url(pretty(card_code(person))), secret).json()
    assert body["kind"] == "人员编制管理卡" and body["state"] == "有效" and body["person"]["name"] == "钱七"
    assert body["number"] is None and body["acts"] == []


# ---- the printed QR code, scanned, then verified by API -------------------------------------------------


def test_scanned_qr_code_verifies_through_the_api(client, org_clerk, office_staff, unit_a, tmp_path):
    slip = make_slip(unit_a)
    scanned = decode_pdf_qr(prints.slip_pdf(slip, actor=office_staff), tmp_path)
    code = normalise(scanned)  # what a partner system takes from the scanned URL
    _, secret = make_token(org_clerk)
    body = api_get(client, url(code), secret).json()
    assert body["number"] == slip.number and body["state"] == "有效" and body["person"] is None


# ---- acts ---------------------------------------------------------------------------------------------


def test_partner_records_its_act_with_a_write_token(client, si_clerk, used_slip):
    token, secret = make_token(si_clerk, write=True)
    assert token.source == "si"
    response = api_post(
        client, url(slip_code(used_slip), acts=True), secret, {"act": "参保登记", "done_on": str(TODAY)}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["act"] == "参保登记" and body["department"] == "人社部门" and body["via"] == "接口"
    record = SlipActRecord.objects.get()
    assert record.actor == si_clerk and record.slip == used_slip
    assert AuditEntry.objects.get(action="编制使用单.部门办理").after["via"] == "接口"
    assert api_calls().first().action == "接口.写入"
    again = api_post(
        client, url(slip_code(used_slip), acts=True), secret, {"act": "参保登记", "done_on": str(TODAY)}
    )
    assert again.status_code == 400 and "已经登记过" in detail(again)


def test_read_only_token_cannot_record(client, si_clerk, used_slip):
    _, secret = make_token(si_clerk)
    response = api_post(
        client, url(slip_code(used_slip), acts=True), secret, {"act": "参保登记", "done_on": str(TODAY)}
    )
    assert response.status_code == 403 and "只读" in detail(response)
    assert not SlipActRecord.objects.exists()


def test_office_token_cannot_record(client, office_staff, used_slip):
    _, secret = make_token(office_staff, write=True)
    response = api_post(
        client, url(slip_code(used_slip), acts=True), secret, {"act": "录用审批", "done_on": str(TODAY)}
    )
    assert response.status_code == 403 and "协作部门" in detail(response)
    assert not SlipActRecord.objects.exists()


def test_wrong_department_and_bad_state_are_refused(client, org_clerk, si_clerk, unit_a):
    slip = make_slip(unit_a)
    _, org = make_token(org_clerk, write=True)
    response = api_post(
        client, url(slip_code(slip), acts=True), org, {"act": "参保登记", "done_on": str(TODAY)}
    )
    assert response.status_code == 400 and "人社部门" in detail(response)
    _, si = make_token(si_clerk, write=True)
    response = api_post(
        client, url(slip_code(slip), acts=True), si, {"act": "参保登记", "done_on": str(TODAY)}
    )
    assert response.status_code == 400 and "尚未办理入编" in detail(response)
    response = api_post(
        client, url(slip_code(slip), acts=True), si, {"act": "发放补贴", "done_on": str(TODAY)}
    )
    assert response.status_code in (400, 422)
    assert not SlipActRecord.objects.exists()


def test_another_regions_write_token_gets_404(client, other_region, used_slip):
    _, secret = make_token(make_partner("si9", "安定区人社局", [other_region]), write=True)
    response = api_post(
        client, url(slip_code(used_slip), acts=True), secret, {"act": "参保登记", "done_on": str(TODAY)}
    )
    assert response.status_code == 404
    assert not SlipActRecord.objects.exists()
