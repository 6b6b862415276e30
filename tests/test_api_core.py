"""The API's foundation (issue 16 point 1): bearer tokens, a token never above its account, default
deny, an audit row for every call (refused ones too), the rate limits, JSON errors in Chinese, and no
redirect from the page middleware."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from pydantic import ValidationError as PydanticError

from accounts.signals import MUST_CHANGE_KEY
from api import scoping, selectors
from api.auth import authenticate_request
from api.errors import validation_error
from api.models import ApiToken, RateWindow
from bianzhi.models import Region
from bianzhi.roles import Role, ensure_groups
from tests.builders.api import api_calls, api_get, bearer, make_token, partner_of

ME = "/api/v1/me"


def detail(response) -> str:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    text = response.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    return text


# ---- who may call -------------------------------------------------------------------------------------


def test_a_token_answers_for_its_account_and_the_call_is_audited(client, office_staff, region):
    token, secret = make_token(office_staff)
    response = api_get(client, ME, secret)
    assert response.status_code == 200
    body = response.json()
    assert body["account"] == "staff1" and body["roles"] == ["编办工作人员"]
    assert body["region"] == {"code": "621125", "name": "漳县"} and body["token"] == token.prefix
    assert body["can_write"] is False and body["personal_data"] is False
    assert "李编办" in response.content.decode()  # Chinese as it is, not \\u escapes
    entry = api_calls().get()
    assert entry.action == "接口.查询" and entry.actor == office_staff and entry.region == region
    assert entry.after == {
        "method": "GET",
        "path": ME,
        "query": "",
        "status": 200,
        "rows": 1,
        "token": token.prefix,
        "ip": "127.0.0.1",
    }
    assert token.prefix in entry.target_repr and "1行" in entry.target_repr
    assert entry.request_id == response["X-Request-Id"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_anonymous_gets_401_in_chinese_and_is_audited(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert "接口令牌" in detail(response)
    assert response["WWW-Authenticate"].startswith("Bearer")
    entry = api_calls().get()
    assert entry.action == "接口.拒绝" and entry.actor is None and entry.actor_name == "匿名调用"
    assert entry.after["status"] == 401 and entry.after["rows"] == 0
    assert entry.reason == detail(response)


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "bz1_0000", "Token bz1_00000000_" + "a" * 43],
)
def test_a_missing_or_malformed_header_is_401(client, db, header):
    response = client.get(ME, headers={"Authorization": header})
    assert response.status_code == 401
    detail(response)


def test_a_forged_secret_with_a_real_prefix_is_401_and_its_prefix_audited(client, office_staff):
    token, secret = make_token(office_staff)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    response = api_get(client, ME, forged)
    assert response.status_code == 401 and detail(response) == "接口令牌无效。"
    entry = api_calls().get()
    assert entry.action == "接口.拒绝" and entry.actor is None and entry.after["token"] == token.prefix


def test_the_secret_is_stored_only_as_its_hash(office_staff):
    token, secret = make_token(office_staff)
    assert secret.startswith(f"bz1_{token.prefix}_") and len(secret) == 4 + 8 + 1 + 43
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in stored and secret.split("_", 2)[2] not in stored


def test_expired_revoked_and_disabled_are_401(client, office_staff, security_admin):
    _, expired = make_token(office_staff, expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert "过期" in detail(api_get(client, ME, expired))
    revoked, secret = make_token(office_staff)
    from api.services import token_revoke

    token_revoke(token=revoked, reason="泄露", actor=security_admin)
    response = api_get(client, ME, secret)
    assert response.status_code == 401 and "吊销" in detail(response)
    _, live = make_token(office_staff)
    office_staff.is_active = False
    office_staff.save(update_fields=["is_active"])
    response = api_get(client, ME, live)
    assert response.status_code == 401 and "停用" in detail(response)


def test_a_token_follows_its_account(client, office_staff, region, other_region):
    """Region taken away, role changed to an administrator of 三员分立, or a liaison: the token stops."""
    _, secret = make_token(office_staff)
    office_staff.profile.regions.set([other_region])
    response = api_get(client, ME, secret)
    assert response.status_code == 401 and "区划" in detail(response)
    office_staff.profile.regions.set([region])
    groups = ensure_groups()
    office_staff.groups.set([groups[Role.SECURITY_ADMIN]])
    response = api_get(client, ME, secret)
    assert response.status_code == 401 and "三员分立" in detail(response)
    office_staff.groups.set([groups[Role.LIAISON]])
    response = api_get(client, ME, secret)
    assert response.status_code == 401 and "联络员" in detail(response)


def test_a_partner_token_follows_the_department(client, partner_clerk, region):
    partner_clerk.profile.regions.set([region])
    partner_of(partner_clerk, "漳县人力资源和社会保障局")
    token, secret = make_token(partner_clerk)
    assert token.source == "si"
    assert api_get(client, ME, secret).json()["source"] == "si"
    partner_of(partner_clerk, "漳县财政局")  # moved to another department: the token was for 人社
    response = api_get(client, ME, secret)
    assert response.status_code == 401 and "本部门的数据来源" in detail(response)


def test_a_write_needs_a_write_token(rf, office_staff):
    _, read_only = make_token(office_staff)
    request = rf.post(ME, headers=bearer(read_only))
    with pytest.raises(HttpError) as refused:
        authenticate_request(request)
    assert refused.value.status_code == 403 and "只读" in refused.value.message
    _, writer = make_token(office_staff, write=True)
    request = rf.post(ME, headers=bearer(writer))
    assert authenticate_request(request).can_write
    assert request.user == office_staff


# ---- what a token may do: api.scoping -----------------------------------------------------------------


def _request(token):
    request = RequestFactory().get(ME)
    request.auth, request.user = token, token.account
    return request


def test_need_refuses_write_personal_and_capability_in_chinese(
    office_staff, supervisor, partner_clerk, region
):
    token, _ = make_token(supervisor)
    request = _request(token)
    assert scoping.need(request) == token
    for kwargs, words in (
        ({"write": True}, "只读"),
        ({"personal": True}, "个人信息"),
        ({"capability": "edit_registry"}, "编办管理员或编办工作人员"),
    ):
        with pytest.raises(HttpError) as refused:
            scoping.need(request, **kwargs)
        assert refused.value.status_code == 403 and words in refused.value.message
    # personal data: the token's flag AND the account's right
    staff_token, _ = make_token(office_staff, personal=True, write=True)
    request = _request(staff_token)
    assert scoping.need(request, personal=True, write=True, capability="edit_registry") == staff_token
    assert scoping.personal(request) is True
    leader_token, _ = make_token(supervisor, personal=True)  # stored behind the service's back
    assert scoping.personal(_request(leader_token)) is False
    plain, _ = make_token(office_staff)
    assert scoping.personal(_request(plain)) is False


def test_token_regions_are_its_region_and_below_within_the_account(db):
    from tests.builders.registry import make_user

    province = Region.objects.create(code="620000", name="甘肃省", level="省级")
    city = Region.objects.create(code="621100", name="定西市", level="市级", parent=province)
    county = Region.objects.create(code="621125", name="漳县", parent=city)
    sibling = Region.objects.create(code="621123", name="渭源县", parent=city)
    Region.objects.create(code="620500", name="天水市", level="市级", parent=province)
    city_user = make_user("city1", Role.OFFICE_STAFF, regions=[city])
    city_token, _ = make_token(city_user, region=city)
    assert scoping.token_region_ids(_request(city_token)) == {city.pk, county.pk, sibling.pk}
    county_token, _ = make_token(city_user, region=county)
    assert scoping.token_region_ids(_request(county_token)) == {county.pk}
    assert selectors.region_subtree(province.pk) >= {city.pk, county.pk, sibling.pk}


def test_token_source_rows_and_not_found(partner_clerk, region):
    partner_clerk.profile.regions.set([region])
    partner_of(partner_clerk, "漳县财政局")
    token, _ = make_token(partner_clerk)
    request = _request(token)
    assert scoping.token_source(request) == "finance"
    scoping.rows(request, 7)
    assert request.api_rows == 7
    error = scoping.not_found()
    assert error.status_code == 404 and "不在本令牌的授权范围内" in error.message


# ---- rate limits ----------------------------------------------------------------------------------------


@pytest.fixture
def mid_minute():
    """The clock stopped at 10:00:30, so that a test's calls never straddle a minute's turn."""
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        yield


def test_a_token_is_limited_per_minute_with_retry_after(mid_minute, client, settings, office_staff):
    settings.API_RATE_PER_MINUTE = 3
    _, secret = make_token(office_staff)
    assert [api_get(client, ME, secret).status_code for _ in range(3)] == [200, 200, 200]
    response = api_get(client, ME, secret)
    assert response.status_code == 429 and "频繁" in detail(response)
    assert response["Retry-After"] == "30"  # the rest of the minute
    assert api_calls().first().action == "接口.拒绝" and api_calls().first().after["status"] == 429
    _, other = make_token(office_staff)  # another token has its own count
    assert api_get(client, ME, other).status_code == 200


def test_failed_attempts_lock_the_address_not_the_others(mid_minute, client, settings, office_staff):
    settings.API_FAILED_PER_MINUTE = 3
    _, secret = make_token(office_staff)
    bad = "bz1_00000000_" + "a" * 43
    assert [api_get(client, ME, bad).status_code for _ in range(3)] == [401, 401, 401]
    response = api_get(client, ME, bad)
    assert response.status_code == 429 and "失败次数过多" in detail(response)
    assert "Retry-After" in response
    # the address is refused even with a good token this minute (guessing is what is slowed)
    assert api_get(client, ME, secret).status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(ME, headers=bearer(secret)).status_code == 200


def test_the_counter_is_one_row_per_key_and_minute(mid_minute, client, office_staff):
    token, secret = make_token(office_staff)
    for _ in range(4):
        api_get(client, ME, secret)
    window = RateWindow.objects.get(key=f"t:{token.pk}")
    assert window.count == 4


def test_the_limit_holds_on_a_window_counted_elsewhere(mid_minute, client, settings, office_staff):
    """Another process's calls are in the same row: a count already at the limit refuses this one."""
    settings.API_RATE_PER_MINUTE = 5
    token, secret = make_token(office_staff)
    now = timezone.now().replace(second=0, microsecond=0)
    RateWindow.objects.create(key=f"t:{token.pk}", window=now, count=5)
    response = api_get(client, ME, secret)
    assert response.status_code == 429
    with time_machine.travel(now + dt.timedelta(minutes=1, seconds=1), tick=False):  # the next minute
        assert api_get(client, ME, secret).status_code == 200
    with time_machine.travel(now + dt.timedelta(minutes=2, seconds=1), tick=False):
        assert api_get(client, ME, secret).status_code == 200
    assert not RateWindow.objects.filter(window=now).exists()  # minutes that ended are deleted


# ---- errors ---------------------------------------------------------------------------------------------


def test_unknown_path_and_wrong_method_answer_json_in_chinese(client, office_staff):
    _, secret = make_token(office_staff, write=True)
    response = api_get(client, "/api/v1/no-such-thing/", secret)
    assert response.status_code == 404 and "不存在" in detail(response)
    csrf_client = Client(enforce_csrf_checks=True)  # bearer calls need no CSRF token
    response = csrf_client.post(ME, {}, headers=bearer(secret))
    assert response.status_code == 405 and "请求方法" in detail(response)
    assert "GET" in response["Allow"]
    assert [e.after["status"] for e in api_calls()] == [405, 404]


class _Payload(Schema):
    name: str
    count: int
    day: dt.date


def test_validation_errors_name_the_field_and_reason_in_chinese():
    try:
        _Payload.model_validate({"count": "many", "day": "昨天"})
    except PydanticError as exc:
        errors = [dict(e, loc=("body", "payload", *e["loc"])) for e in exc.errors(include_url=False)]
    response = validation_error(errors)
    assert response.status_code == 422
    body = json.loads(response.content)
    text = body["detail"]
    assert "请求体 payload.name：必填" in text
    assert "请求体 payload.count：应为整数" in text
    assert "请求体 payload.day：应为日期" in text
    assert not any(word in text for word in ("Field required", "valid integer", "Input should"))
    assert [e["loc"][-1] for e in body["errors"]] == ["name", "count", "day"]


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (PermissionDenied("只有编办人员可以导出数据。"), 403, "只有编办人员可以导出数据。"),
        (DjangoValidationError({"unit": "该单位已撤销。"}), 400, "该单位已撤销。"),
        (RuntimeError("boom"), 500, "服务器内部错误"),
        (AuthenticationError(), 401, "接口令牌"),
    ],
)
def test_errors_raised_in_an_endpoint_are_json_in_chinese(
    client, monkeypatch, office_staff, error, status, words
):
    _, secret = make_token(office_staff)

    def fail(account):
        raise error

    monkeypatch.setattr(selectors, "account_role_names", fail)
    response = api_get(client, ME, secret)
    assert response.status_code == status
    text = detail(response)
    assert words in text and "boom" not in response.content.decode()
    assert api_calls().first().action == ("接口.出错" if status == 500 else "接口.拒绝")


# ---- the page middleware leaves the API alone -----------------------------------------------------------


def test_no_redirect_for_a_session_that_must_change_its_password(client, office_staff):
    """A logged-in browser that must change its password still gets the API's answers (no redirect to
    修改密码 or the login page)."""
    client.force_login(office_staff)
    session = client.session
    session[MUST_CHANGE_KEY] = True
    session.save()
    _, secret = make_token(office_staff)
    assert api_get(client, ME, secret).status_code == 200
    response = client.get(ME)  # a session is not a token: 401, not a login redirect
    assert response.status_code == 401
    assert client.get("/").status_code == 302  # the pages still lead to 修改密码


def test_api_paths_of_every_kind_never_redirect_anonymous(client, db):
    for url in ("/api/v1/", "/api/v1/docs", "/api/v1/openapi.json", ME, "/api/v1/x/y/"):
        response = client.get(url)
        assert response.status_code in (401, 404), (url, response.status_code)
        detail(response)


# ---- the counter under concurrent calls (several server processes) --------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races need PostgreSQL (CI runs them there)"
)
def test_concurrent_calls_lose_no_count(mid_minute):
    """Eight workers count 5 calls each on one key at once: the row ends at 40 and exactly the calls
    above the limit are refused (the UPDATE … count + 1 serialises them; on PostgreSQL a row lock)."""
    import threading

    from django.db import connections

    from api import ratelimit

    barrier = threading.Barrier(8)
    refused, crashes = [], []

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                try:
                    ratelimit.hit("t:race", 30, "过多")
                except ratelimit.RateLimited:
                    refused.append(1)
        except Exception as exc:  # noqa: BLE001 - a crash must fail the test, not vanish with the thread
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not crashes, crashes
    assert RateWindow.objects.get(key="t:race").count == 40
    assert len(refused) == 10


# ---- the 审计管理员 reads the calls ------------------------------------------------------------------------


def test_the_audit_page_shows_the_calls(client, office_staff, region):
    from django.urls import reverse

    from tests.builders.registry import make_user

    auditor = make_user("auditor1", Role.AUDIT_ADMIN, regions=[region], full_name="钱审计")
    token, secret = make_token(office_staff)
    api_get(client, ME, secret)
    client.get(ME)  # anonymous
    client.force_login(auditor)
    page = client.get(reverse("accounts:audit_list"), {"action": "接口"}).content.decode()
    assert "接口.查询" in page and "接口.拒绝" in page and "匿名调用" in page and "李编办" in page
    assert f"令牌{token.prefix}" in page and "未认证" in page
    page = client.get(reverse("accounts:audit_list"), {"target": token.prefix}).content.decode()
    assert "接口.查询" in page and "匿名调用" not in page
