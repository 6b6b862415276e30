"""Login security at 等保三级 level (issue 13 point 3): django-axes locks a user name (and an address) after
5 failed logins for 15 minutes, the security administrator sees and lifts the lock, sessions end after 15
minutes idle, and every login, failure, lock and logout is audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.registry import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass12345"  # the builders' password (set without the rules)


def login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def audits(action: str):
    return AuditEntry.objects.filter(action=action)


@pytest.fixture
def security_admin(region):
    return make_user("secadm", Role.SECURITY_ADMIN, regions=[region], full_name="安全管理")


def test_a_good_login_and_logout_are_audited(client, office_staff):
    response = login(client, "staff1", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    entry = audits("登录").get()
    assert entry.actor == office_staff and entry.after == {"ip": "10.0.0.1"}
    client.post(reverse("logout"))
    assert not logged_in(client)
    assert audits("退出登录").get().actor == office_staff


def test_five_failures_lock_the_account_until_lifted(client, office_staff, security_admin):
    for _ in range(4):
        response = login(client, "staff1", "wrong")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    response = login(client, "staff1", "wrong")
    assert response.status_code == 429
    assert "已被锁定" in response.content.decode() and "15 分钟" in response.content.decode()
    # the right password is refused while locked
    response = login(client, "staff1", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    assert audits("登录失败").count() == 6
    assert audits("登录失败").filter(after__username="staff1").count() == 6
    assert audits("账号锁定").exists() and audits("账号锁定").first().after["username"] == "staff1"
    assert not audits("登录").exists()

    # the security administrator sees the lock and lifts it
    admin = client.__class__()
    admin.force_login(security_admin)
    page = admin.get(reverse("accounts:lock_list"))
    assert page.status_code == 200 and "staff1" in page.content.decode()
    assert admin.get(reverse("accounts:lock_release")).status_code == 405  # no GET that writes
    response = admin.post(reverse("accounts:lock_release"), {"username": "staff1"})
    assert response.status_code == 302
    entry = audits("解除登录锁定").get()
    assert entry.actor == security_admin and entry.before["username"] == "staff1"
    assert admin.get(reverse("accounts:lock_list")).context["locks"]["users"] == []

    assert login(client, "staff1", PASSWORD).status_code == 302 and logged_in(client)


def test_the_lock_ends_after_fifteen_minutes(client, office_staff):
    for _ in range(5):
        login(client, "staff1", "wrong")
    assert login(client, "staff1", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=14)):
        assert login(client, "staff1", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert login(client, "staff1", PASSWORD).status_code == 302 and logged_in(client)


def test_the_lock_holds_from_another_address(client, office_staff):
    for _ in range(5):
        login(client, "staff1", "wrong", ip="10.0.0.1")
    assert login(client, "staff1", PASSWORD, ip="10.0.0.2").status_code == 429


def test_an_address_trying_many_names_is_locked(client, office_staff, supervisor):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        login(client, name, "wrong", ip="10.9.9.9")
    # another account's right password from that address is refused ...
    assert login(client, "leader1", PASSWORD, ip="10.9.9.9").status_code == 429
    # ... but not from another address
    assert login(client, "leader1", PASSWORD, ip="10.0.0.7").status_code == 302


def test_the_address_lock_is_listed_and_liftable(client, security_admin, supervisor):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        login(client, name, "wrong", ip="10.9.9.9")
    admin = client.__class__()
    admin.force_login(security_admin)  # the locks are the security administrator's (三员分立)
    assert "10.9.9.9" in admin.get(reverse("accounts:lock_list")).content.decode()
    admin.post(reverse("accounts:lock_release"), {"ip_address": "10.9.9.9"})
    assert audits("解除登录锁定").get().before["ip"] == "10.9.9.9"
    assert login(client, "leader1", PASSWORD, ip="10.9.9.9").status_code == 302


def test_the_locks_page_is_guarded(client, office_staff, supervisor, liaison_a, office_admin, system_admin):
    url = reverse("accounts:lock_list")
    release = reverse("accounts:lock_release")
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.post(release, {"username": "staff1"}).status_code == 302  # to the login page
    for user in (supervisor, office_staff, liaison_a, office_admin, system_admin):  # read-only, other roles
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(release, {"username": "staff1"}).status_code == 403
    assert not audits("解除登录锁定").exists()


def test_sessions_end_after_fifteen_idle_minutes(client, office_staff):
    page = reverse("units:unit_list")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert login(client, "staff1", PASSWORD).status_code == 302
        assert client.get(page).status_code == 200
        traveller.shift(dt.timedelta(minutes=14))
        assert client.get(page).status_code == 200  # a request renews the session
        traveller.shift(dt.timedelta(minutes=14))
        assert client.get(page).status_code == 200
        traveller.shift(dt.timedelta(minutes=16))
        response = client.get(page)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_session_cookie_ends_with_the_browser(client, office_staff):
    response = login(client, "staff1", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]
