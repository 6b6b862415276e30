"""Issuing and revoking API tokens (issue 16 point 1): the 安全管理员's work (三员分立), the rules of who may
hold which scope, the secret shown once and never stored or audited, and the token pages' four access
cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.browser import login, needs_chromium, shot
from tests.builders.api import api_get, make_token, partner_of
from tests.builders.registry import make_user

NEXT_YEAR = dt.timedelta(days=300)


@pytest.fixture
def auditor(region):
    return make_user("auditor1", Role.AUDIT_ADMIN, regions=[region], full_name="钱审计")


@pytest.fixture
def other_security_admin(other_region):
    return make_user("secadmin2", Role.SECURITY_ADMIN, regions=[other_region], full_name="外县安全")


@pytest.fixture
def si_clerk(partner_clerk, region):
    partner_clerk.profile.regions.set([region])
    return partner_of(partner_clerk, "漳县人力资源和社会保障局")


def issue(actor, account, region, **kwargs):
    kwargs.setdefault("name", "人社局工资系统")
    kwargs.setdefault("expires_at", timezone.now() + NEXT_YEAR)
    return services.token_issue(account=account, region=region, actor=actor, **kwargs)


# ---- services -------------------------------------------------------------------------------------------


def test_the_security_administrator_issues_a_token_shown_once(client, security_admin, si_clerk, region):
    token, secret = issue(security_admin, si_clerk, region, source="si", can_write=True)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.issued_by == security_admin and token.status == "有效"
    entry = AuditEntry.objects.get(action="接口令牌.签发")
    assert entry.actor == security_admin and entry.region == region
    assert entry.after["prefix"] == token.prefix and entry.after["source"] == "si"
    assert secret not in json.dumps([entry.after, entry.before, entry.reason, entry.target_repr])
    response = api_get(client, "/api/v1/me", secret)
    assert response.status_code == 200 and response.json()["can_write"] is True


@pytest.mark.parametrize("actor", ["office_admin", "system_admin", "auditor", "office_staff"])
def test_nobody_else_issues_tokens(request, actor, si_clerk, region):
    with pytest.raises(PermissionDenied, match="安全管理员"):
        issue(request.getfixturevalue(actor), si_clerk, region, source="si")
    assert (
        not ApiToken.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="接口令牌").exists()
    )


def test_a_security_administrator_issues_only_in_their_regions(other_security_admin, si_clerk, region):
    with pytest.raises(PermissionDenied):
        issue(other_security_admin, si_clerk, region, source="si")


@pytest.mark.parametrize(
    ("holder", "field", "words"),
    [
        ("system_admin", "account", "三员分立"),
        ("security_admin", "account", "三员分立"),
        ("auditor", "account", "三员分立"),
        ("liaison_a", "account", "联络员"),
    ],
)
def test_accounts_that_may_hold_no_token(request, security_admin, region, holder, field, words):
    with pytest.raises(ValidationError) as refused:
        issue(security_admin, request.getfixturevalue(holder), region)
    assert words in " ".join(refused.value.message_dict[field])


def test_accounts_without_a_role_disabled_or_with_an_unknown_source(security_admin, office_staff, region):
    nobody = make_user("nobody", None, regions=[region])
    with pytest.raises(ValidationError) as refused:
        issue(security_admin, nobody, region)
    assert "没有可以使用接口的角色" in refused.value.message_dict["account"][0]
    with pytest.raises(ValidationError) as refused:
        issue(security_admin, office_staff, region, source="hr")
    assert "数据来源无效" in refused.value.message_dict["source"][0]
    office_staff.is_active = False
    office_staff.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        issue(security_admin, office_staff, region)
    assert "停用" in refused.value.message_dict["account"][0]
    assert not ApiToken.objects.exists()


def test_partner_tokens_carry_their_own_source(security_admin, partner_clerk, region):
    partner_clerk.profile.regions.set([region])
    with pytest.raises(ValidationError) as refused:  # department 测试: no source
        issue(security_admin, partner_clerk, region, source="si")
    assert "组织、财政或人社" in refused.value.message_dict["account"][0]
    partner_of(partner_clerk, "漳县财政局")
    for wrong in ("", "si", "org"):
        with pytest.raises(ValidationError) as refused:
            issue(security_admin, partner_clerk, region, source=wrong)
        assert "财政部门" in refused.value.message_dict["source"][0]
    token, _ = issue(security_admin, partner_clerk, region, source="finance")
    assert token.source == "finance"


def test_scope_never_above_the_account(
    security_admin, supervisor, office_staff, si_clerk, region, other_region
):
    with pytest.raises(PermissionDenied, match="其他区划"):  # not the security administrator's region
        issue(security_admin, office_staff, other_region)
    with pytest.raises(ValidationError) as refused:
        issue(security_admin, supervisor, region, can_write=True)
    assert "只能查阅" in refused.value.message_dict["can_write"][0]
    for account, source in ((supervisor, ""), (si_clerk, "si")):
        with pytest.raises(ValidationError) as refused:
            issue(security_admin, account, region, source=source, personal_data=True)
        assert "个人信息" in refused.value.message_dict["personal_data"][0]
    token, _ = issue(security_admin, office_staff, region, can_write=True, personal_data=True, source="org")
    assert token.personal_data and token.can_write and token.source == "org"


def test_region_outside_the_account(security_admin, office_staff, region, other_region):
    security_admin.profile.regions.add(other_region)
    with pytest.raises(ValidationError) as refused:
        issue(security_admin, office_staff, other_region)
    assert "不在该账号的所辖区划内" in refused.value.message_dict["region"][0]


def test_name_and_expiry_rules(security_admin, office_staff, region):
    with pytest.raises(ValidationError) as refused:
        issue(
            security_admin,
            office_staff,
            region,
            name=" ",
            expires_at=timezone.now() - dt.timedelta(seconds=1),
        )
    assert set(refused.value.message_dict) == {"name", "expires_at"}
    with pytest.raises(ValidationError) as refused:
        issue(security_admin, office_staff, region, expires_at=timezone.now() + dt.timedelta(days=400))
    assert "最长" in refused.value.message_dict["expires_at"][0]


def test_revoke_needs_a_reason_and_happens_once(
    client, security_admin, other_security_admin, office_staff, region
):
    token, secret = issue(security_admin, office_staff, region)
    with pytest.raises(ValidationError):
        services.token_revoke(token=token, reason=" ", actor=security_admin)
    with pytest.raises(PermissionDenied):
        services.token_revoke(token=token, reason="离职", actor=other_security_admin)
    with pytest.raises(PermissionDenied):
        services.token_revoke(token=token, reason="离职", actor=office_staff)
    services.token_revoke(token=token, reason="经办人离职", actor=security_admin)
    token.refresh_from_db()
    assert token.status == "已吊销" and token.revoked_by == security_admin
    entry = AuditEntry.objects.get(action="接口令牌.吊销")
    assert entry.reason == "经办人离职" and entry.actor == security_admin
    with pytest.raises(ValidationError, match="已经吊销"):
        services.token_revoke(token=token, reason="再次", actor=security_admin)
    assert api_get(client, "/api/v1/me", secret).status_code == 401


def test_database_constraints(office_staff, region):
    from django.db import IntegrityError, transaction

    token, _ = make_token(office_staff)
    for change in (
        {"source": "hr"},
        {"expires_at": token.issued_at - dt.timedelta(days=1)},
        {"prefix": "ZZZZZZZZ"},
        {"revoked_at": timezone.now(), "revoke_reason": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(**change)


# ---- pages ----------------------------------------------------------------------------------------------

LIST = reverse("tokens:token_list")
ISSUE = reverse("tokens:token_issue")


def _urls(token) -> list[str]:
    return [
        LIST,
        ISSUE,
        reverse("tokens:token_detail", args=[token.pk]),
        reverse("tokens:token_revoke", args=[token.pk]),
    ]


def test_anonymous_goes_to_the_login_page(client, office_staff):
    token, _ = make_token(office_staff)
    for url in _urls(token):
        for response in (client.get(url), client.post(url, {"reason": "x"})):
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ["office_admin", "office_staff", "supervisor", "system_admin", "auditor"])
def test_office_users_and_the_other_administrators_get_403(client, request, office_staff, role):
    token, _ = make_token(office_staff)
    client.force_login(request.getfixturevalue(role))
    for url in _urls(token):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("role", ["liaison_a", "partner_clerk"])
def test_liaisons_and_partner_clerks_get_404(client, request, office_staff, role):
    token, _ = make_token(office_staff)
    client.force_login(request.getfixturevalue(role))
    for url in _urls(token):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code == 404, url


def test_another_regions_security_administrator_gets_404(client, other_security_admin, office_staff):
    token, _ = make_token(office_staff)
    client.force_login(other_security_admin)
    response = client.get(LIST)
    assert response.status_code == 200 and token.prefix not in response.content.decode()
    for url in _urls(token)[2:]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert ApiToken.objects.get().revoked_at is None


def test_list_searches_filters_and_keeps_its_query_count(client, security_admin, office_staff, supervisor):
    client.force_login(security_admin)
    make_token(office_staff, name="财政预算系统")
    make_token(supervisor, name="领导驾驶舱")
    old, _ = make_token(office_staff, name="旧系统")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    page = client.get(LIST).content.decode()
    assert "财政预算系统" in page and "领导驾驶舱" in page and "已过期" in page and "接口令牌" in page
    page = client.get(LIST, {"q": "预算"}).content.decode()
    assert "财政预算系统" in page and "领导驾驶舱" not in page
    page = client.get(LIST, {"status": "已过期"}).content.decode()
    assert "旧系统" in page and "财政预算系统" not in page
    page = client.get(LIST, {"q": "leader1"}).content.decode()
    assert "领导驾驶舱" in page and "财政预算系统" not in page

    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(12):
        make_token(office_staff, name=f"系统{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)


def test_issue_page_shows_the_secret_once(client, security_admin, si_clerk, region):
    client.force_login(security_admin)
    form = client.get(ISSUE)
    assert form.status_code == 200 and "签发接口令牌" in form.content.decode()
    expires = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    assert expires in form.content.decode()  # default: one year
    response = client.post(
        ISSUE,
        {
            "account": si_clerk.pk,
            "name": "人社局工资系统",
            "region": region.pk,
            "source": "si",
            "can_write": "on",
            "expires_on": expires,
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    page = response.content.decode()
    secret = page.split('id="token-secret">')[1].split("<")[0]
    assert secret.startswith(f"bz1_{token.prefix}_") and "只在此显示一次" in page
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="接口令牌.签发", actor=security_admin).count() == 1
    assert secret not in client.get(reverse("tokens:token_detail", args=[token.pk])).content.decode()
    assert api_get(client, "/api/v1/me", secret).status_code == 200


def test_issue_page_shows_the_rules_refusal_on_the_form(client, security_admin, supervisor, region):
    client.force_login(security_admin)
    expires = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = {"account": supervisor.pk, "name": "驾驶舱", "region": region.pk, "personal_data": "on"}
    response = client.post(ISSUE, data | {"expires_on": expires})
    assert response.status_code == 400 and "不能查看完整的个人信息" in response.content.decode()
    response = client.post(ISSUE, data | {"expires_on": "2020-01-01"})
    assert response.status_code == 400 and "晚于今天" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_issue_form_offers_only_accounts_that_may_hold_tokens(
    client, security_admin, office_staff, system_admin, liaison_a
):
    client.force_login(security_admin)
    page = client.get(ISSUE).content.decode()
    assert "staff1" in page and "sysadmin1" not in page and "liaison_a" not in page


def test_revoke_page_confirms_then_revokes(client, security_admin, office_staff):
    token, secret = make_token(office_staff)
    client.force_login(security_admin)
    url = reverse("tokens:token_revoke", args=[token.pk])
    page = client.get(url)
    assert page.status_code == 200 and "立即失效" in page.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "系统停用"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoke_reason == "系统停用"
    assert AuditEntry.objects.filter(action="接口令牌.吊销", actor=security_admin).count() == 1
    detail = client.get(reverse("tokens:token_detail", args=[token.pk])).content.decode()
    assert "已吊销" in detail and "系统停用" in detail
    assert api_get(client, "/api/v1/me", secret).status_code == 401


def test_the_menu_offers_the_token_pages_to_the_security_administrator_only(
    client, security_admin, office_admin
):
    client.force_login(security_admin)
    assert LIST in client.get(reverse("units:dashboard")).content.decode()
    client.force_login(office_admin)
    assert LIST not in client.get(reverse("units:dashboard")).content.decode()


# ---- a browser: issue, use, revoke ------------------------------------------------------------------------


@needs_chromium
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_issue_use_and_revoke(page, security_admin, partner_clerk, region):
    import urllib.error
    import urllib.request

    partner_clerk.profile.regions.set([region])
    partner_of(partner_clerk, "漳县人力资源和社会保障局")

    def call_me(secret):
        request = urllib.request.Request(
            page.base + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        )
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    login(page, "secadmin1")
    page.click("nav.mainnav >> text=接口令牌")
    page.click("text=签发令牌")
    page.select_option("select[name=account]", str(partner_clerk.pk))
    page.fill("input[name=name]", "人社局工资系统")
    page.select_option("select[name=source]", "si")
    page.check("input[name=can_write]")
    page.click("main form.form button[type=submit]")
    secret = page.inner_text("#token-secret").strip()
    assert secret.startswith("bz1_") and page.locator("text=只在此显示一次").count() == 1
    shot(page, "api_token_issued")
    status, body = call_me(secret)
    assert status == 200 and body["source"] == "si" and body["can_write"] is True

    page.click("text=完成")
    page.click("text=吊销")
    page.fill("textarea[name=reason]", "系统更换")
    page.click("main form.form button[type=submit]")
    page.wait_for_selector("text=已吊销")
    page.click("nav.mainnav >> text=接口令牌")
    shot(page, "api_token_list")
    status, body = call_me(secret)
    assert status == 401 and "吊销" in body["detail"]
