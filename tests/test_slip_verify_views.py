"""The 核验编制使用单 page: four access cases, the check audited, a partner's act by confirmed POST, the office
seeing the departments' acts on the slip list and the request page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bianzhi.models import AuditEntry
from tests.builders.registry import make_partner, make_person, make_slip, make_unit
from units.models import SlipActRecord
from units.selectors.slipcheck import card_code, pretty, slip_code

TODAY = dt.date.today()
VERIFY = reverse("units:slip_verify")
ACT = reverse("units:slip_act")


@pytest.fixture
def slip(unit_a):
    return make_slip(unit_a)


def code_of(slip):
    return pretty(slip_code(slip))


def act_post(client, slip, act="录用审批", **extra):
    data = {
        "code": code_of(slip),
        "act": act,
        "done_on": TODAY.isoformat(),
        "note": "组干录〔2026〕3号",
        "confirm": "1",
    }
    return client.post(ACT, data | extra)


# ---- access -------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, slip):
    for url in (VERIFY + f"?code={code_of(slip)}", ACT):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(ACT, {"code": code_of(slip), "act": "录用审批"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not AuditEntry.objects.filter(action__startswith="核验").exists()


def test_a_liaison_may_not_verify(client, liaison_a, slip):
    client.force_login(liaison_a)
    assert client.get(VERIFY + f"?code={code_of(slip)}").status_code == 403
    assert act_post(client, slip).status_code == 403
    assert not SlipActRecord.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="核验").exists()


def test_another_regions_partner_reads_the_code_as_unknown(client, other_region, slip):
    client.force_login(make_partner("org9", "安定区委组织部", [other_region]))
    response = client.get(VERIFY, {"code": code_of(slip)})
    assert response.status_code == 400 and "核验码有误" in response.content.decode()
    assert "漳县财政局" not in response.content.decode()
    failed = AuditEntry.objects.get(action="核验.失败")
    assert "其他区划" in failed.reason
    assert act_post(client, slip).status_code == 400
    assert not SlipActRecord.objects.exists()


def test_the_read_only_supervisor_verifies_but_records_nothing(client, supervisor, slip):
    client.force_login(supervisor)
    response = client.get(VERIFY, {"code": code_of(slip)})
    assert response.status_code == 200 and "漳县财政局" in response.content.decode()
    assert "登记本部门办理情况" not in response.content.decode()
    assert act_post(client, slip).status_code == 403
    assert not SlipActRecord.objects.exists()


# ---- the partner's check and act ----------------------------------------------------------------------


def test_partner_verifies_a_used_slip_with_the_person_masked(client, finance_clerk, unit_a):
    slip = make_slip(unit_a)
    person = make_person(unit_a, slip=slip, name="李四")
    client.force_login(finance_clerk)
    response = client.get(VERIFY, {"code": code_of(slip).lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "已使用" in page and "李四" in page and slip.number in page and "行政编制" in page
    assert person.id_number not in page and person.id_number[:10] in page  # masked (decision #30)
    assert "工资起薪" in page  # the finance clerk's open act
    read = AuditEntry.objects.get(action="核验.查询")
    assert read.actor == finance_clerk and read.target_id == str(slip.pk) and read.after["state"] == "已使用"


def test_partner_records_its_act_by_confirmed_post(client, org_clerk, slip):
    client.force_login(org_clerk)
    page = client.get(VERIFY, {"code": code_of(slip)}).content.decode()
    assert "登记本部门办理情况" in page and "录用审批" in page
    refused = act_post(client, slip, confirm="")
    assert refused.status_code == 400 and "请勾选确认" in refused.content.decode()
    assert not SlipActRecord.objects.exists()
    response = act_post(client, slip)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    act = SlipActRecord.objects.get()
    assert (act.slip, act.act, act.department, act.actor, act.note) == (
        slip,
        "录用审批",
        "org",
        org_clerk,
        "组干录〔2026〕3号",
    )
    row = AuditEntry.objects.get(action="编制使用单.部门办理")
    assert row.actor == org_clerk and row.after["act"] == "录用审批" and row.region == slip.region
    again = act_post(client, slip)
    assert again.status_code == 400 and "已经登记过" in again.content.decode()
    shown = client.get(response["Location"]).content.decode()
    assert "组干录〔2026〕3号" in shown and "中共漳县县委组织部经办人" in shown


def test_partner_may_not_record_another_departments_act(client, org_clerk, unit_a):
    slip = make_slip(unit_a)
    make_person(unit_a, slip=slip)
    client.force_login(org_clerk)
    response = act_post(client, slip, act="工资起薪")
    assert response.status_code == 400 and "由财政部门登记" in response.content.decode()
    assert not SlipActRecord.objects.exists()


def test_forged_and_altered_codes_are_refused_and_audited(client, org_clerk, slip):
    client.force_login(org_clerk)
    code = slip_code(slip)
    altered = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = client.get(VERIFY, {"code": altered})
    assert response.status_code == 400 and "核验码有误" in response.content.decode()
    response = client.get(VERIFY, {"code": "S000-XXXX"})
    assert response.status_code == 400 and "格式有误" in response.content.decode()
    rows = AuditEntry.objects.filter(action="核验.失败").order_by("id")
    assert [r.after["code"] for r in rows] == [altered, "S000-XXXX"]
    assert all(r.actor == org_clerk for r in rows)
    assert act_post(client, slip, code=altered).status_code == 400
    assert not SlipActRecord.objects.exists()


def test_a_card_verifies_and_takes_no_act(client, org_clerk, unit_a):
    person = make_person(unit_a, name="王五")
    client.force_login(org_clerk)
    page = client.get(VERIFY, {"code": pretty(card_code(person))}).content.decode()
    assert "人员编制管理卡" in page and "王五" in page and "有效" in page
    assert "登记本部门办理情况" not in page
    response = client.post(
        ACT,
        {"code": pretty(card_code(person)), "act": "录用审批", "done_on": TODAY.isoformat(), "confirm": "1"},
    )
    assert response.status_code == 400 and "只供核验" in response.content.decode()


def test_a_confidential_units_name_is_not_shown_to_partners(client, org_clerk, office_staff, region):
    secret = make_unit(region, "漳县保密单位", is_confidential=True, quotas={"行政编制": 2})
    slip = make_slip(secret)
    client.force_login(org_clerk)
    page = client.get(VERIFY, {"code": code_of(slip)}).content.decode()
    assert "涉密单位" in page and "漳县保密单位" not in page
    client.force_login(office_staff)
    assert "漳县保密单位" in client.get(VERIFY, {"code": code_of(slip)}).content.decode()


# ---- the office sees which departments acted -----------------------------------------------------------


def test_office_sees_acts_on_slip_list_and_request_page_in_constant_queries(
    client, office_staff, org_clerk, unit_a
):
    from units.services.slipcheck import slip_act_record

    slips = [make_slip(unit_a) for _ in range(2)]
    for s in slips:
        slip_act_record(slip=s, act="录用审批", done_on=TODAY, actor=org_clerk)
    client.force_login(office_staff)
    url = reverse("units:slip_list")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "录用审批" in page and "核验" in page
    for _ in range(3):
        slip_act_record(slip=make_slip(unit_a), act="录用审批", done_on=TODAY, actor=org_clerk)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)
    detail = client.get(reverse("units:request_detail", args=[slips[0].request_id])).content.decode()
    assert "协作部门办理" in detail and "录用审批" in detail
