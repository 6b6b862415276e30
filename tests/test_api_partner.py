"""``/api/v1/partner/``: a partner's rows sent for the comparison, its submissions read back, the findings
on its data read and answered — each endpoint with each scope: anonymous 401, wrong scope 403, another
region (or source) 404, the right scope 200/201 with its audit row."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.api import api_calls, api_get, api_post, bearer, make_token
from tests.builders.findings import PDF, csv_upload, run_finance
from tests.builders.registry import make_person, make_unit, make_user
from verification.findings.models import Finding, FindingStatus, PartnerUpload, UploadStatus
from verification.findings.services import partner_upload

BASE = "/api/v1/partner"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def clerk(username: str, department: str, regions):
    user = make_user(username, Role.PARTNER, regions=regions, full_name=f"{department}经办")
    user.profile.department = department
    user.profile.save()
    return user


@pytest.fixture
def partner_fin(region):
    return clerk("partner_fin", "漳县财政局", [region])


@pytest.fixture
def fin_token(partner_fin):
    return make_token(partner_fin, write=True)


@pytest.fixture
def findings(region, other_region, unit_a, office_staff, other_office_staff):
    secret = make_unit(region, "漳县保密局", is_confidential=True)
    in_secret = make_person(secret, name="钱保密")
    rows = [
        {"姓名": "孙多出", "公民身份号码": "621125198001010012", "单位名称": unit_a.name},
        {"姓名": in_secret.name, "公民身份号码": in_secret.id_number, "单位名称": unit_a.name},
    ]
    run_finance(region, office_staff, people=[make_person(unit_a, name="周在编")], extra_rows=rows)
    far_unit = make_unit(other_region, "安定区财政局")
    run_finance(
        other_region,
        other_office_staff,
        people=[make_person(far_unit, name="吴外县")],
        extra_rows=[
            {
                "姓名": "郑外县",
                "公民身份号码": make_id("621102", dt.date(1981, 2, 3), 7),
                "单位名称": far_unit.name,
            }
        ],
    )
    return {
        "theirs": Finding.objects.get(code="FIN_NOT_IN_REG", region=region),
        "secret": Finding.objects.get(code="FIN_UNIT_MISMATCH"),
        "far": Finding.objects.get(code="FIN_NOT_IN_REG", region=other_region),
    }


def rows_of(unit, n: int = 2) -> list[dict]:
    return [
        {"姓名": f"报送{i}", "公民身份号码": person_id(i), "单位名称": unit.name, "经费形式": "全额拨款"}
        for i in range(n)
    ]


def person_id(i: int) -> str:
    return make_id("621125", dt.date(1980, 1, 1) + dt.timedelta(days=i), 0)


# ---- anonymous ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/submissions"),
        ("get", "/submissions"),
        ("get", "/submissions/1"),
        ("get", "/findings"),
        ("get", "/findings/1"),
        ("post", "/findings/1/answers"),
    ],
)
def test_anonymous_gets_401(client, db, method, path):
    response = getattr(client, method)(BASE + path)
    assert response.status_code == 401 and "令牌" in response.json()["detail"]
    assert api_calls().get().action == "接口.拒绝"


# ---- submissions ------------------------------------------------------------------------------------


def test_a_valid_submission_becomes_the_regions_finance_data(client, region, unit_a, partner_fin, fin_token):
    _, secret = fin_token
    response = api_post(client, f"{BASE}/submissions", secret, {"rows": rows_of(unit_a, 3)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["rows"], body["status"], body["region_code"]) == (
        "finance",
        3,
        "有效",
        "621125",
    )
    upload = PartnerUpload.objects.get()
    assert upload.status == UploadStatus.VALID and upload.uploaded_by == partner_fin
    call = api_calls().get()
    assert call.action == "接口.写入" and call.actor == partner_fin and call.after["rows"] == 3
    assert AuditEntry.objects.filter(action="比对数据.接口报送", actor=partner_fin).exists()


def test_any_row_error_is_422_with_every_error_and_nothing_kept(client, unit_a, fin_token):
    _, secret = fin_token
    rows = rows_of(unit_a, 3)
    rows[0]["姓名"] = ""
    rows[2]["经费形式"] = "全额"
    response = api_post(client, f"{BASE}/submissions", secret, {"rows": rows})
    assert response.status_code == 422
    body = response.json()
    assert "2 处错误" in body["detail"]
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(1, "姓名"), (3, "经费形式")]
    assert "不能为空" in body["errors"][0]["message"]
    assert not PartnerUpload.objects.exists()
    assert api_calls().get().action == "接口.拒绝"


def test_submission_bounds(client, unit_a, fin_token, settings):
    _, secret = fin_token
    response = api_post(client, f"{BASE}/submissions", secret, {"rows": []})
    assert response.status_code == 422 and "rows" in str(response.json())
    settings.API_SUBMIT_MAX_ROWS = 2
    response = api_post(client, f"{BASE}/submissions", secret, {"rows": rows_of(unit_a, 3)})
    assert response.status_code == 400 and "一次最多报送 2 行" in response.json()["detail"]
    settings.FORM_BODY_MAX_BYTES = 1000
    response = api_post(client, f"{BASE}/submissions", secret, {"rows": rows_of(unit_a, 30)})
    assert response.status_code == 413
    assert not PartnerUpload.objects.exists()


def test_submission_scopes(client, region, unit_a, partner_fin, office_staff, supervisor):
    _, read_only = make_token(partner_fin)
    response = api_post(client, f"{BASE}/submissions", read_only, {"rows": rows_of(unit_a)})
    assert response.status_code == 403 and "只读" in response.json()["detail"]
    _, office = make_token(office_staff, write=True)  # an office token bound to no source
    response = api_post(client, f"{BASE}/submissions", office, {"rows": rows_of(unit_a)})
    assert response.status_code == 403 and "未绑定数据来源" in response.json()["detail"]
    _, leader = make_token(supervisor, write=True, source="finance")
    response = api_post(client, f"{BASE}/submissions", leader, {"rows": rows_of(unit_a)})
    assert response.status_code == 403  # a supervisor sends no data
    assert not PartnerUpload.objects.exists()


def test_submissions_read_back_within_source_and_region(
    client, region, other_region, unit_a, partner_fin, fin_token, office_staff, other_office_staff
):
    _, secret = fin_token
    mine = partner_upload(
        region=region,
        source="finance",
        upload=csv_upload("finance", [{"姓名": "", "单位名称": "x"}]),
        actor=partner_fin,
    )
    si = partner_upload(region=region, source="si", upload=csv_upload("si", []), actor=office_staff)
    far = partner_upload(
        region=other_region, source="finance", upload=csv_upload("finance", []), actor=other_office_staff
    )
    response = api_get(client, f"{BASE}/submissions", secret)
    assert response.status_code == 200
    assert [u["id"] for u in response.json()["items"]] == [mine.pk]
    detail = api_get(client, f"{BASE}/submissions/{mine.pk}", secret).json()
    assert detail["status"] == "未通过校验" and detail["errors"][0]["column"] == "姓名"
    for other in (si, far):
        response = api_get(client, f"{BASE}/submissions/{other.pk}", secret)
        assert response.status_code == 404 and "授权范围" in response.json()["detail"]
    call = api_calls().filter(after__status=200).last()
    assert call.action == "接口.查询" and call.after["rows"] == 1


# ---- findings ---------------------------------------------------------------------------------------


def test_findings_of_the_source_and_region_masked(client, findings, fin_token, partner_fin):
    _, secret = fin_token
    response = api_get(client, f"{BASE}/findings", secret)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [f["id"] for f in items] == [findings["theirs"].pk]  # not the confidential unit's, not the far one
    item = items[0]
    assert item["type"] == "财政供养、实名制无" and item["id_number"] == "6211251980****0012"
    assert api_calls().get().after["rows"] == 1
    _, personal = make_token(partner_fin, personal=True)  # a partner never sees full numbers
    assert (
        api_get(client, f"{BASE}/findings", personal).json()["items"][0]["id_number"] == "6211251980****0012"
    )
    for hidden in (findings["secret"], findings["far"]):
        assert api_get(client, f"{BASE}/findings/{hidden.pk}", secret).status_code == 404
    detail = api_get(client, f"{BASE}/findings/{findings['theirs'].pk}", secret).json()
    assert detail["may_answer"] is True and detail["answers"] == []


def test_office_token_with_personal_data_sees_full_numbers(client, findings, office_staff):
    _, secret = make_token(office_staff, personal=True)
    response = api_get(client, f"{BASE}/findings", secret, code="FIN_NOT_IN_REG")
    numbers = [f["id_number"] for f in response.json()["items"]]
    assert numbers == ["621125198001010012"]
    _, masked = make_token(office_staff)
    response = api_get(client, f"{BASE}/findings", masked, code="FIN_NOT_IN_REG")
    assert [f["id_number"] for f in response.json()["items"]] == ["6211251980****0012"]


def test_findings_list_queries_do_not_grow(client, region, unit_a, office_staff, fin_token):
    _, secret = fin_token
    counts = []
    for n in (3, 30):
        extra = [
            {"姓名": f"多出{i}", "公民身份号码": person_id(100 + i), "单位名称": unit_a.name}
            for i in range(n)
        ]
        run_finance(region, office_staff, extra_rows=extra)
        api_get(client, f"{BASE}/findings", secret)  # the first call of a minute also counts the rate
        with CaptureQueriesContext(connection) as queries:
            response = api_get(client, f"{BASE}/findings", secret, page_size=100)
        assert response.status_code == 200 and response.json()["count"] >= n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# ---- answers ---------------------------------------------------------------------------------------


def test_partner_answers_with_a_file_and_the_office_sees_who(client, findings, fin_token, partner_fin):
    _, secret = fin_token
    finding = findings["theirs"]
    response = client.post(
        f"{BASE}/findings/{finding.pk}/answers",
        {"kind": "已整改", "text": "已从供养名单删除", "files": [SimpleUploadedFile("删除文件.pdf", PDF)]},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["author_role"], body["kind"], body["attachments"][0]["name"]) == (
        "财政部门经办人",
        "已整改",
        "删除文件.pdf",
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED
    assert finding.answers.get().author == partner_fin
    assert AuditEntry.objects.filter(action="比对问题.答复", actor=partner_fin).exists()
    call = api_calls().get()
    assert call.action == "接口.写入" and call.after["rows"] == 1
    detail = api_get(client, f"{BASE}/findings/{finding.pk}", secret).json()
    assert detail["status"] == "已说明" and detail["may_answer"] is False
    assert detail["answers"][0]["decision"] == ""
    again = client.post(f"{BASE}/findings/{finding.pk}/answers", {"text": "再说明"}, headers=bearer(secret))
    assert again.status_code == 400 and "已说明" in again.json()["detail"]


def test_answer_scopes(client, findings, partner_fin, office_staff, region):
    theirs = findings["theirs"]
    _, read_only = make_token(partner_fin)
    response = client.post(
        f"{BASE}/findings/{theirs.pk}/answers", {"text": "说明"}, headers=bearer(read_only)
    )
    assert response.status_code == 403 and "只读" in response.json()["detail"]
    _, office = make_token(office_staff, write=True)
    response = client.post(f"{BASE}/findings/{theirs.pk}/answers", {"text": "说明"}, headers=bearer(office))
    assert response.status_code == 403 and "联络员或报送数据的协作部门经办人" in response.json()["detail"]
    _, si = make_token(clerk("partner_si", "漳县人社局", [region]), write=True)
    for finding in (theirs, findings["far"], findings["secret"]):
        response = client.post(f"{BASE}/findings/{finding.pk}/answers", {"text": "说明"}, headers=bearer(si))
        assert response.status_code == 404
    _, fin = make_token(partner_fin, write=True)
    response = client.post(
        f"{BASE}/findings/{theirs.pk}/answers", {"kind": "已解决", "text": "x"}, headers=bearer(fin)
    )
    assert response.status_code == 422
    assert not theirs.answers.exists()


def test_submissions_list_queries_do_not_grow(client, region, unit_a, partner_fin, fin_token):
    _, secret = fin_token
    counts = []
    for more in (2, 10):
        for i in range(more):
            rows = [{"姓名": "张三", "公民身份号码": person_id(i), "单位名称": unit_a.name}]
            api_post(client, f"{BASE}/submissions", secret, {"rows": rows})
        api_get(client, f"{BASE}/submissions", secret)
        with CaptureQueriesContext(connection) as queries:
            response = api_get(client, f"{BASE}/submissions", secret, page_size=100)
        assert response.json()["count"] == (2 if not counts else 12)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
