"""``/api/v1/registry/`` and ``/api/v1/budget/``: units with their quotas and posts, and the same figures as
the budget system's flat rows (JSON and one xlsx sheet) — never a confidential unit, never a person, only
the token's regions; anonymous 401, a role without ``read_establishment`` 403, another region's unit 404,
the right scope 200 with its audit row; constant queries as the units grow."""

import io
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from bianzhi.models import AuditEntry
from bianzhi.roles import CAPABILITIES, OFFICE_ROLES, Role
from tests.builders.api import api_calls, api_get, make_token
from tests.builders.registry import make_person, make_unit, make_user
from units import exports_budget
from units.choices import Nature

PATHS = [
    "/api/v1/registry/units",
    "/api/v1/registry/units/1",
    "/api/v1/budget/units",
    "/api/v1/budget/units.xlsx",
]


@pytest.fixture
def partner_org(region):
    user = make_user("partner_org", Role.PARTNER, regions=[region], full_name="组织部经办")
    user.profile.department = "县委组织部"
    user.profile.save()
    return user


@pytest.fixture
def county(region, other_region, unit_a, unit_b):
    make_person(unit_a, establishment_type="行政编制", leader_post="单位正职")
    make_person(unit_a, establishment_type="行政编制")
    division = make_unit(region, "办公室", nature=Nature.DIVISION, parent=unit_a)
    secret = make_unit(region, "漳县保密局", quotas={"行政编制": 3}, is_confidential=True)
    far = make_unit(other_region, "安定区财政局", quotas={"行政编制": 9})
    return {"division": division, "secret": secret, "far": far}


def test_anonymous_gets_401(client, db):
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 401 and "令牌" in response.json()["detail"], path


def test_accounts_that_may_hold_no_token_get_401(client, county, liaison_a, security_admin, region):
    for user in (liaison_a, security_admin):
        _, secret = make_token(user, region=region)
        for path in PATHS:
            assert api_get(client, path, secret).status_code == 401, path


def test_an_account_without_the_capability_gets_403(client, county, partner_org, monkeypatch):
    """Every account that may hold a token reads establishment data today; should the office narrow
    ``read_establishment`` (bianzhi.roles) to its own roles, a partner's token is refused at once."""
    monkeypatch.setitem(CAPABILITIES, "read_establishment", OFFICE_ROLES)
    _, secret = make_token(partner_org)
    for path in PATHS:
        response = api_get(client, path, secret)
        assert response.status_code == 403 and "读取机构和编制数据" in response.json()["detail"], path
    assert api_calls().first().action == "接口.拒绝"


def test_units_with_quotas_and_posts_of_the_tokens_region(client, county, unit_a, unit_b, partner_org):
    _, secret = make_token(partner_org)
    response = api_get(client, "/api/v1/registry/units", secret)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and [u["name"] for u in body["items"]] == [unit_a.name, unit_b.name]
    first = body["items"][0]
    admin = next(q for q in first["quotas"] if q["establishment_type"] == "行政编制")
    assert (admin["approved"], admin["occupied"], admin["vacancy"]) == (5, 2, 3)
    chief = next(p for p in first["posts"] if p["category"] == "单位正职")
    assert (chief["approved"], chief["held"]) == (1, 1)
    assert first["township"] == "县直" and first["nature"] == "行政机关"
    assert "people" not in first and "id_number" not in str(body)
    call = api_calls().get()
    assert call.action == "接口.查询" and call.actor == partner_org and call.after["rows"] == 2
    detail = api_get(client, f"/api/v1/registry/units/{unit_b.pk}", secret)
    assert detail.status_code == 200 and detail.json()["quotas"][0]["establishment_type"] == "事业编制"


def test_other_region_confidential_and_divisions_are_404(client, county, partner_org):
    _, secret = make_token(partner_org)
    for unit in (county["far"], county["secret"], county["division"]):
        response = api_get(client, f"/api/v1/registry/units/{unit.pk}", secret)
        assert response.status_code == 404 and "授权范围" in response.json()["detail"]
    names = {u["name"] for u in api_get(client, "/api/v1/budget/units", secret).json()["items"]}
    assert names == {"漳县财政局", "漳县疾病预防控制中心"}


def test_filters(client, county, unit_b, office_staff):
    _, secret = make_token(office_staff)
    items = api_get(client, "/api/v1/registry/units", secret, q="疾病").json()["items"]
    assert [u["unit_id"] for u in items] == [unit_b.pk]
    items = api_get(client, "/api/v1/registry/units", secret, nature="行政机关").json()["items"]
    assert [u["name"] for u in items] == ["漳县财政局"]


def test_budget_json_and_xlsx_are_the_same_rows(client, county, unit_a, office_staff):
    _, secret = make_token(office_staff)
    rows = api_get(client, "/api/v1/budget/units", secret).json()["items"]
    row = next(r for r in rows if r["unit_id"] == unit_a.pk)
    assert (row["admin_approved"], row["admin_occupied"], row["admin_vacancy"]) == (5, 2, 3)
    assert (row["support_approved"], row["total_approved"], row["total_vacancy"]) == (1, 6, 4)
    assert (row["chief_posts_approved"], row["chief_posts_held"], row["deputy_posts_approved"]) == (1, 1, 2)
    assert list(row) == [c.key for c in exports_budget.COLUMNS]
    response = api_get(client, "/api/v1/budget/units.xlsx", secret)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[0] == "单位编制"
    grid = book.get_sheet_by_name("单位编制").to_python()
    assert grid[0] == [c.header for c in exports_budget.COLUMNS]
    assert len(grid) == 1 + len(rows)
    line = next(r for r in grid[1:] if r[0] == unit_a.pk)
    assert line[3] == unit_a.name and line[grid[0].index("行政编制空编数")] == 3
    assert AuditEntry.objects.filter(action="导出.单位编制数据", actor=office_staff, after__rows=2).exists()
    assert api_calls().first().after["rows"] == 2


@pytest.mark.parametrize("path", ["/api/v1/registry/units", "/api/v1/budget/units"])
def test_queries_do_not_grow_with_the_units(client, region, partner_org, path):
    _, secret = make_token(partner_org)
    counts = []
    for n, more in ((2, 2), (12, 10)):
        for _ in range(more):
            unit = make_unit(region, quotas={"行政编制": 2}, posts={"单位正职": 1})
            make_person(unit, establishment_type="行政编制")
        api_get(client, path, secret)  # the minute's first call also writes its rate row
        with CaptureQueriesContext(connection) as queries:
            response = api_get(client, path, secret, page_size=100)
        assert response.status_code == 200 and len(response.json()["items"]) >= n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# ---- the office's own download of the same file -------------------------------------------------------


def test_the_office_downloads_the_same_file_from_the_unit_list(
    client, county, unit_a, office_staff, other_office_staff, liaison_a, partner_org
):
    from django.urls import reverse

    url = reverse("units:export_budget")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (liaison_a, partner_org):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(other_office_staff)  # another region's office: its own units only
    grid = CalamineWorkbook.from_filelike(io.BytesIO(client.get(url).content)).get_sheet_by_name("单位编制")
    assert [row[3] for row in grid.to_python()[1:]] == ["安定区财政局"]
    client.force_login(office_staff)
    assert "预算系统格式" in client.get(reverse("units:unit_list")).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and "单位编制数据" in unquote(response["Content-Disposition"])
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("单位编制").to_python()
    )
    assert rows[0] == [c.header for c in exports_budget.COLUMNS]
    assert {row[3] for row in rows[1:]} == {
        "漳县财政局",
        "漳县疾病预防控制中心",
    }  # no 保密局, no other county
    assert AuditEntry.objects.filter(action="导出.单位编制数据", actor=office_staff, after__rows=2).exists()
