"""Password rules at 等保三级 level (issue 13 point 3): 8+ characters of three classes, not the user name,
not one of the last 3 (PasswordHistory, recorded on every set), changed every 90 days; every role can
change its own password from the top bar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PasswordHistory
from accounts.services import account_create, password_change, password_reset
from accounts.validators import character_classes, password_expired
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.registry import make_user

pytestmark = pytest.mark.django_db

User = get_user_model()


def refused(password: str, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


def test_the_rules():
    user = User(username="zhangsan")
    assert "3类" in refused("staff123", user)  # the example: only two classes
    assert "8" in refused("Ab1!", user)  # too short
    assert "3类" in refused("abcdefgh1", user)
    assert "用户名" in refused("Zhangsan-2024", user)  # contains the user name, case ignored
    assert "用户名" in refused("ZHANGSAN1a", user)
    for good in ("Kqzxmwp7", "abcdefg1!", "ABCDEFG1!", "Ab!cdefgh", "Bianzhi@2021"):
        validate_password(good, user)
    assert character_classes("aB3$") == 4 and character_classes("中文密码abc1") == 2


def test_the_last_three_passwords_are_refused(office_staff):
    old = "pass12345"
    for new in ("Green-2024a", "Blue-2024b", "Red-2024c"):
        password_change(user=office_staff, old_password=old, new_password=new, actor=office_staff)
        old = new
    assert PasswordHistory.objects.filter(user=office_staff).count() == 3  # only the last 3 are kept
    for reused in ("Green-2024a", "Blue-2024b"):
        with pytest.raises(ValidationError) as caught:
            password_change(user=office_staff, old_password=old, new_password=reused, actor=office_staff)
        assert "最近3次" in str(caught.value)
    # the fourth back (the builders' first password) may come back if it passes the other rules
    password_change(user=office_staff, old_password=old, new_password="Pass-12345", actor=office_staff)
    password_change(
        user=office_staff, old_password="Pass-12345", new_password="Green-2024a", actor=office_staff
    )


def test_every_way_of_setting_records_the_password(region, system_admin):
    user, first = account_create(username="new1", full_name="新用户", regions=[region], actor=system_admin)
    assert PasswordHistory.objects.filter(user=user).count() == 1  # created
    reset = password_reset(account=user, actor=system_admin)
    assert PasswordHistory.objects.filter(user=user).count() == 2  # reset by the administrator
    user.refresh_from_db()
    for generated in (first, reset):  # generated first passwords pass the rules themselves
        assert character_classes(generated) >= 3
    with pytest.raises(ValidationError):  # the reset password cannot be kept
        password_change(user=user, old_password=reset, new_password=first, actor=user)
    password_change(user=user, old_password=reset, new_password="Mine-2024x", actor=user)
    assert PasswordHistory.objects.filter(user=user).count() == 3
    assert user.check_password("Mine-2024x")


def test_the_password_change_page_refuses_a_weak_password(client, office_staff):
    client.force_login(office_staff)
    url = reverse("accounts:password_change")
    page = client.get(url).content.decode()
    assert "大写字母、小写字母、数字、符号中的3类" in page
    response = client.post(
        url, {"old_password": "pass12345", "new_password1": "staff123", "new_password2": "staff123"}
    )
    assert response.status_code == 400 and "3类" in response.content.decode()
    assert User.objects.get(pk=office_staff.pk).check_password("pass12345")


ROLES = [Role.OFFICE_ADMIN, Role.OFFICE_STAFF, Role.SUPERVISOR, Role.LIAISON, Role.PARTNER]
ROLES += [r for r in Role if r not in ROLES]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_changes_its_own_password(client, region, unit_a, role):
    office = role not in (Role.LIAISON, Role.PARTNER)
    user = make_user(
        "person1", role, regions=[region] if office else [], units=[unit_a] if role == Role.LIAISON else []
    )
    client.force_login(user)
    page = client.get(reverse("units:dashboard"))
    assert page.status_code == 200
    assert reverse("accounts:password_change") in page.content.decode()  # the link in the top bar
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pass12345", "new_password1": "Own-pass-2024", "new_password2": "Own-pass-2024"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("Own-pass-2024")
    assert AuditEntry.objects.filter(action="账号.修改密码", actor=user).exists()


def test_the_password_change_page_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_expired_password_must_be_changed(client, settings, office_staff):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    PasswordHistory.objects.filter(user=office_staff).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=91)
    )
    assert password_expired(office_staff)
    response = client.post(
        reverse("login"), {"username": "staff1", "password": "pass12345"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302
    response = client.get(reverse("units:unit_list"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "密码已到期" in page
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "pass12345", "new_password1": "Fresh-2024a", "new_password2": "Fresh-2024a"},
    )
    assert response.status_code == 302
    assert client.get(reverse("units:unit_list")).status_code == 200
    assert not password_expired(User.objects.get(pk=office_staff.pk))


def test_a_password_within_the_age_is_not_expired(client, settings, office_staff):
    PasswordHistory.objects.filter(user=office_staff).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=89)
    )
    assert not password_expired(office_staff)
    settings.PASSWORD_MAX_AGE_DAYS = 0  # 0 turns the expiry off
    PasswordHistory.objects.filter(user=office_staff).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=900)
    )
    assert not password_expired(office_staff)
