"""The first page of an empty database (初始设置): load the demo or set up the county; closed afterwards.
And seed_demo refuses a real database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from bianzhi.models import AuditEntry, Region
from bianzhi.roles import Role, can, user_roles
from tests.builders.registry import make_region, make_user
from units.models import Unit

User = get_user_model()
SETUP = {
    "code": "621126",
    "name": "岷县",
    "username": "minadmin",
    "full_name": "岷县管理员",
    "password1": "Min-county-2024",
    "password2": "Min-county-2024",
    "system_admin": "minsys",
    "security_admin": "minsec",
    "audit_admin": "minaudit",
}


@pytest.mark.django_db
def test_empty_database_leads_to_the_setup_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:setup")
    body = client.get(reverse("accounts:setup")).content.decode()
    assert "初始设置" in body and "载入演示县" in body and "设置本县" in body and "几十秒" in body


@pytest.mark.django_db
def test_set_up_the_county(client):
    response = client.post(reverse("accounts:setup"), SETUP)
    assert response.status_code == 200 and "初始设置完成" in response.content.decode()
    region = Region.objects.get()
    assert (region.code, region.name) == ("621126", "岷县")
    admin = User.objects.get(username="minadmin")
    assert admin.username == "minadmin" and admin.check_password("Min-county-2024")
    assert user_roles(admin) == {Role.OFFICE_ADMIN} and admin.is_staff and not admin.is_superuser
    assert list(admin.profile.regions.all()) == [region] and not admin.profile.must_change_password
    assert admin.has_perm("bianzhi.add_calendarday")  # the holiday tables in the admin
    assert client.get(reverse("units:dashboard")).status_code == 200  # logged in
    assert AuditEntry.objects.get(action="初始设置.设置本县").actor == admin
    # 三员分立: the three administrators, each with a first password shown once on this page
    body = response.content.decode()
    for issued, role in zip(
        response.context["issued"], (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN), strict=True
    ):
        account = User.objects.get(username=issued.username)
        assert user_roles(account) == {role} and account.check_password(issued.password)
        assert account.profile.must_change_password and list(account.profile.regions.all()) == [region]
        assert issued.username in body and issued.password in body
    assert [i.username for i in response.context["issued"]] == ["minsys", "minsec", "minaudit"]
    assert not can(admin, "manage_users") and not can(admin, "grant_roles")
    assert AuditEntry.objects.get(action="区划.新增").region == region
    # closed now: 404 for the logged-in, the login page for anyone else, and nothing more is created
    assert client.get(reverse("accounts:setup")).status_code == 404
    assert client.post(reverse("accounts:setup"), SETUP | {"username": "again"}).status_code == 404
    assert client.post(reverse("accounts:setup_demo")).status_code == 404
    client.logout()
    for url in (reverse("accounts:setup"), "/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert User.objects.count() == 4 and Region.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, words",
    [
        ({"code": "12345"}, "六位数字"),
        ({"code": "001125"}, "省级代码"),
        ({"password2": "other-2024-pass"}, "不一致"),
        ({"password1": "12345678", "password2": "12345678"}, "密码"),
        ({"username": "a b"}, "账号"),
        ({"full_name": ""}, "必填"),
        ({"system_admin": "minadmin"}, "三员分立"),
        ({"audit_admin": "a b"}, "账号"),
    ],
)
def test_set_up_refusals(client, change, words):
    response = client.post(reverse("accounts:setup"), SETUP | change)
    assert response.status_code == 400 and words in response.content.decode()
    assert not Region.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_load_the_demo_path_with_a_small_loader(client, monkeypatch):
    calls = []

    def fake(name, *args, stdout=None, **kwargs):
        calls.append(name)
        make_region()
        stdout.write("演示县载入完成")

    monkeypatch.setattr("django.core.management.call_command", fake)
    response = client.post(reverse("accounts:setup_demo"))
    assert calls == ["seed_demo"] and response.status_code == 302 and response["Location"] == reverse("login")
    body = client.get(reverse("login")).content.decode()
    assert "演示县已载入" in body and "秒" in body and "Bianzhi@2021" in body
    assert client.post(reverse("accounts:setup_demo")).status_code == 302  # closed: to the login page
    assert calls == ["seed_demo"]


@pytest.mark.django_db(transaction=True)
def test_load_the_demo_for_real(client, settings, tmp_path):
    """Also on a database without the holiday table's rows (seeded by a migration, gone after a flush —
    another transactional test in the same worker did that and the demo's notices could not be dated)."""
    from bianzhi import workdays
    from bianzhi.models import CalendarDay, CalendarYear

    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    workdays.clear_cache()
    settings.DATA_DIR = tmp_path
    response = client.post(reverse("accounts:setup_demo"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert Region.objects.get(code="621125").parent.code == "621100" and Unit.objects.count() > 250
    assert client.login(request=RequestFactory().get("/"), username="admin", password="Bianzhi@2021")
    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:setup")).status_code == 404
    assert workdays.has_year(dt.date.today().year)  # the demo put the holiday table back


@pytest.mark.django_db
def test_an_administrator_without_any_region_adds_the_county(client):
    root = User.objects.create_superuser("root", password="Root-pass-2024")  # createsuperuser
    client.force_login(root)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:setup")
    body = client.get(reverse("accounts:setup")).content.decode()
    assert "登记本县" in body and "载入演示县" not in body
    response = client.post(reverse("accounts:setup"), {"code": "621126", "name": "岷县"})
    assert response.status_code == 302 and Region.objects.get().name == "岷县"
    assert AuditEntry.objects.get(action="区划.新增").actor == root
    assert client.get("/").status_code == 200 and client.get(reverse("accounts:setup")).status_code == 404


@pytest.mark.django_db
def test_other_users_without_a_region_get_404(client):
    staff = make_user("s1", Role.OFFICE_STAFF)
    client.force_login(staff)
    assert client.get(reverse("accounts:setup")).status_code == 404
    assert client.post(reverse("accounts:setup"), {"code": "621126", "name": "岷县"}).status_code == 404
    assert client.get("/").status_code == 200 and not Region.objects.exists()


# ---- seed_demo never touches a real database ---------------------------------------------------------------


def seed() -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("seed_demo", stdout=io.StringIO(), stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue()
    return 0, err.getvalue()


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_another_region():
    make_region("621126", "岷县")
    code, err = seed()
    assert code == 1 and "岷县" in err and "拒绝" in err
    assert not Region.objects.filter(code="621125").exists() and not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_refuses_a_database_with_a_demo_account_name():
    User.objects.create_user("admin", password="x")
    code, err = seed()
    assert code == 1 and "admin" in err and not Region.objects.exists()


@pytest.mark.django_db
def test_demo_url_by_get(client):
    assert client.get(reverse("accounts:setup_demo"))["Location"] == reverse("accounts:setup")
    make_region("621126", "岷县")
    response = client.get(reverse("accounts:setup_demo"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
