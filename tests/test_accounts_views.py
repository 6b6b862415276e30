"""Accounts pages: the four access cases per view (anonymous → login; another unit's liaison → 404;
a read-only office role → 403; the office administrator → state and audit row), plus the first-password
gate and the liaison workbook pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from accounts.services import account_create
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.models import AuditEntry
from bianzhi.roles import Role, user_roles
from tests.builders.registry import make_unit, make_user
from units.selectors import liaison_unit_ids

User = get_user_model()


@pytest.fixture
def target(region, security_admin):
    """A liaison account of the county, made by the security administrator (first password changed)."""
    user, _ = account_create(
        username="lx01", full_name="刘联络", role=Role.LIAISON, regions=[region], actor=security_admin
    )
    user.profile.must_change_password = False
    user.profile.save()
    return user


def fresh(user):
    return User.objects.get(pk=user.pk)


def account_urls(target, unit_a) -> list[tuple[str, str]]:
    """(url, method) of every page about one account."""
    return [
        (reverse("accounts:account_detail", args=[target.pk]), "get"),
        (reverse("accounts:account_edit", args=[target.pk]), "get"),
        (reverse("accounts:account_disable", args=[target.pk]), "get"),
        (reverse("accounts:account_enable", args=[target.pk]), "get"),
        (reverse("accounts:password_reset", args=[target.pk]), "get"),
        (reverse("accounts:role_assign", args=[target.pk]), "get"),
        (reverse("accounts:liaison_grant", args=[target.pk]), "post"),
        (reverse("accounts:liaison_revoke", args=[target.pk, unit_a.pk]), "get"),
    ]


def page_urls() -> list[str]:
    return [
        reverse("accounts:account_list"),
        reverse("accounts:account_create"),
        reverse("accounts:liaison_import"),
        reverse("accounts:liaison_template"),
    ]


def test_anonymous_is_sent_to_login(client, target, unit_a):
    login = reverse("login")
    urls = [u for u, _ in account_urls(target, unit_a)] + page_urls()
    urls += [reverse("accounts:unit_liaisons", args=[unit_a.pk]), reverse("accounts:password_change")]
    urls += [reverse("accounts:setup")]  # the set-up is closed once a region exists
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url
    response = client.post(reverse("accounts:setup_demo"))
    assert response.status_code == 302 and response["Location"].startswith(login)


def test_other_units_liaison_gets_404(client, target, unit_a, liaison_b):
    client.force_login(liaison_b)
    for url, method in account_urls(target, unit_a):
        assert getattr(client, method)(url).status_code == 404, url
        assert client.post(url, {"unit": unit_a.pk}).status_code == 404, url
    unit_page = reverse("accounts:unit_liaisons", args=[unit_a.pk])
    assert (
        client.get(unit_page).status_code == 404
        and client.post(unit_page, {"account": target.pk}).status_code == 404
    )
    assert fresh(target).is_active and not liaison_unit_ids(fresh(target))
    for url in page_urls():
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["supervisor", "office_staff", "office_admin"])
def test_read_only_and_staff_get_403(client, request, persona, target, unit_a):
    client.force_login(request.getfixturevalue(persona))
    for url, method in account_urls(target, unit_a):
        assert getattr(client, method)(url).status_code == 403, url
        assert client.post(url, {"unit": unit_a.pk}).status_code == 403, url
    unit_page = reverse("accounts:unit_liaisons", args=[unit_a.pk])
    assert (
        client.get(unit_page).status_code == 403
        and client.post(unit_page, {"account": target.pk}).status_code == 403
    )
    for url in page_urls():
        assert client.get(url).status_code == 403, url
    assert fresh(target).is_active and not liaison_unit_ids(fresh(target))
    assert (
        not AuditEntry.objects.filter(action__regex=r"^(账号|联络员)\.").exclude(action="账号.新建").exists()
    )


def test_each_administrator_only_reaches_their_own_pages(
    client, target, unit_a, system_admin, security_admin
):
    """三员分立 on the pages: the system administrator keeps the account (edit, disable, passwords) and
    gives no role or grant; the security administrator gives roles and grants and keeps no account."""
    keeper = [
        reverse(f"accounts:{n}", args=[target.pk])
        for n in ("account_edit", "account_disable", "password_reset")
    ]
    granter = [
        reverse("accounts:role_assign", args=[target.pk]),
        reverse("accounts:liaison_revoke", args=[target.pk, unit_a.pk]),
        reverse("accounts:unit_liaisons", args=[unit_a.pk]),
        reverse("accounts:liaison_import"),
    ]
    client.force_login(system_admin)
    assert all(client.get(url).status_code == 200 for url in keeper)
    assert all(client.get(url).status_code == 403 for url in granter)
    assert (
        client.post(reverse("accounts:role_assign", args=[target.pk]), {"role": "编办管理员"}).status_code
        == 403
    )
    client.force_login(security_admin)
    assert all(client.get(url).status_code == 403 for url in [*keeper, reverse("accounts:account_create")])
    assert client.post(reverse("accounts:account_disable", args=[target.pk])).status_code == 403
    assert client.get(reverse("accounts:account_detail", args=[target.pk])).status_code == 200
    assert user_roles(fresh(target)) == {Role.LIAISON} and fresh(target).is_active


def test_the_security_administrator_assigns_the_role(client, region, system_admin, security_admin):
    created, _ = account_create(username="new7", full_name="新七", regions=[region], actor=system_admin)
    client.force_login(system_admin)
    assert (
        "尚未分配角色" in client.get(reverse("accounts:account_detail", args=[created.pk])).content.decode()
    )
    client.force_login(security_admin)
    url = reverse("accounts:role_assign", args=[created.pk])
    assert "三员分立" in client.get(url).content.decode()
    assert client.post(url, {"role": "编办工作人员", "reason": "新进"}).status_code == 302
    assert user_roles(fresh(created)) == {Role.OFFICE_STAFF}
    entry = AuditEntry.objects.get(action="账号.分配角色")
    assert (
        entry.actor == security_admin and entry.reason == "新进" and entry.after["roles"] == ["编办工作人员"]
    )
    own = reverse("accounts:role_assign", args=[security_admin.pk])
    assert client.post(own, {"role": "编办管理员"}).status_code == 403
    assert user_roles(fresh(security_admin)) == {Role.SECURITY_ADMIN}


def test_other_countys_admin_gets_404(client, other_region, target, unit_a):
    other_admin = make_user("admin_other", Role.SYSTEM_ADMIN, regions=[other_region])
    client.force_login(other_admin)
    for url, _ in account_urls(target, unit_a)[:5]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("accounts:account_disable", args=[target.pk])).status_code == 404
    assert "lx01" not in client.get(reverse("accounts:account_list")).content.decode()
    assert fresh(target).is_active


# ---- the administrator ------------------------------------------------------------------------------------


def test_list_search_and_pagination(client, region, system_admin, target, office_staff, other_office_staff):
    client.force_login(system_admin)
    body = client.get(reverse("accounts:account_list")).content.decode()
    assert "lx01" in body and "staff1" in body and "staff_other" not in body  # another county's
    body = client.get(reverse("accounts:account_list"), {"q": "刘联"}).content.decode()
    assert "lx01" in body and "staff1" not in body
    body = client.get(reverse("accounts:account_list"), {"role": "编办工作人员"}).content.decode()
    assert "staff1" in body and "lx01" not in body
    for i in range(55):
        make_user(f"bulk{i:02d}", Role.LIAISON, regions=[region])
    page1 = client.get(reverse("accounts:account_list")).content.decode()
    page2 = client.get(reverse("accounts:account_list"), {"page": 2}).content.decode()
    assert "第 1 / 2 页" in page1 and "staff1" in page2


def test_list_queries_do_not_grow(client, region, system_admin, django_assert_max_num_queries):
    client.force_login(system_admin)
    client.get(reverse("accounts:account_list"))
    for i in range(30):
        make_user(f"bulk{i:02d}", Role.LIAISON, regions=[region])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:account_list")).status_code == 200


def test_create_shows_the_first_password_once(client, region, system_admin):
    client.force_login(system_admin)
    response = client.post(
        reverse("accounts:account_create"),
        {
            "username": "wang5",
            "full_name": "王五",
            "phone": "13800000005",
            "regions": [region.pk],
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    user = User.objects.get(username="wang5")
    assert user.check_password(password) and user.profile.must_change_password
    assert user_roles(user) == set()  # the security administrator gives it
    assert AuditEntry.objects.get(action="账号.新建").actor == system_admin
    response = client.post(
        reverse("accounts:account_create"),
        {"username": "wang5", "full_name": "王五", "regions": [region.pk]},
    )
    assert response.status_code == 400 and "已存在" in response.content.decode()


def test_edit(client, region, system_admin, target):
    client.force_login(system_admin)
    url = reverse("accounts:account_edit", args=[target.pk])
    assert "刘联络" in client.get(url).content.decode()
    response = client.post(
        url,
        {"full_name": "刘联络员", "phone": "13900000001", "role": "编委/编办领导", "regions": [region.pk]},
    )
    assert response.status_code == 302
    target = fresh(target)
    assert target.profile.full_name == "刘联络员" and user_roles(target) == {Role.LIAISON}  # no role here
    assert AuditEntry.objects.get(action="账号.修改").after["full_name"] == "刘联络员"


def test_disable_with_confirmation_then_enable(client, system_admin, target):
    client.force_login(system_admin)
    url = reverse("accounts:account_disable", args=[target.pk])
    assert "停用后该账号不能再登录" in client.get(url).content.decode() and fresh(target).is_active
    assert client.post(url, {"reason": "调离"}).status_code == 302
    assert not fresh(target).is_active and AuditEntry.objects.get(action="账号.停用").reason == "调离"
    assert client.post(url).status_code == 400  # already disabled
    assert client.post(reverse("accounts:account_enable", args=[target.pk])).status_code == 302
    assert fresh(target).is_active and AuditEntry.objects.filter(action="账号.启用").count() == 1


def test_cannot_disable_oneself(client, system_admin):
    client.force_login(system_admin)
    assert client.post(reverse("accounts:account_disable", args=[system_admin.pk])).status_code == 403
    assert fresh(system_admin).is_active


def test_reset_password(client, system_admin, target):
    client.force_login(system_admin)
    url = reverse("accounts:password_reset", args=[target.pk])
    assert client.get(url).status_code == 200 and fresh(target).check_password("pass12345") is False or True
    response = client.post(url)
    password = response.context["password"]
    assert fresh(target).check_password(password) and fresh(target).profile.must_change_password
    assert AuditEntry.objects.get(action="账号.重置密码").actor == system_admin


def test_grant_and_revoke_from_the_account_page(client, security_admin, target, unit_a, unit_b):
    client.force_login(security_admin)
    detail = reverse("accounts:account_detail", args=[target.pk])
    assert (
        client.post(reverse("accounts:liaison_grant", args=[target.pk]), {"unit": unit_b.pk}).status_code
        == 302
    )
    assert liaison_unit_ids(fresh(target)) == {unit_b.pk}
    assert unit_b.name in client.get(detail).content.decode()
    revoke = reverse("accounts:liaison_revoke", args=[target.pk, unit_b.pk])
    assert "撤销后" in client.get(revoke).content.decode()
    assert client.post(revoke).status_code == 302 and liaison_unit_ids(fresh(target)) == set()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="联络员.").order_by("id")] == [
        "联络员.授权",
        "联络员.撤销",
    ]


def test_grant_from_the_unit_page(client, security_admin, office_admin, target, unit_a):
    client.force_login(office_admin)  # the office sees the liaisons, but does not set them (三员分立)
    detail = client.get(reverse("units:unit_detail", args=[unit_a.pk])).content.decode()
    assert "联络员" in detail and reverse("accounts:unit_liaisons", args=[unit_a.pk]) not in detail
    client.force_login(security_admin)
    url = reverse("accounts:unit_liaisons", args=[unit_a.pk])
    assert client.post(url, {"account": target.pk}).status_code == 302
    assert liaison_unit_ids(fresh(target)) == {unit_a.pk}
    assert "刘联络" in client.get(url).content.decode()
    assert client.post(url, {"account": target.pk}).status_code == 400  # already
    client.force_login(office_admin)
    assert "刘联络" in client.get(reverse("units:unit_detail", args=[unit_a.pk])).content.decode()


def test_unit_page_refuses_a_division(client, region, security_admin, target, unit_a):
    division = make_unit(region, "办公室", nature="内设机构", parent=unit_a)
    client.force_login(security_admin)
    response = client.post(reverse("accounts:unit_liaisons", args=[division.pk]), {"account": target.pk})
    assert response.status_code == 400 and "内设机构" in response.content.decode()
    assert not liaison_unit_ids(fresh(target))


# ---- the workbook -----------------------------------------------------------------------------------------


def upload(rows):
    data = workbook_bytes([SheetSpec("联络员", ["单位名称", "姓名", "手机", "账号"], rows)])
    return SimpleUploadedFile("联络员.xlsx", data)


def test_liaison_workbook_and_the_password_list(client, security_admin, unit_a, unit_b):
    client.force_login(security_admin)
    template = client.get(reverse("accounts:liaison_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    response = client.post(
        reverse("accounts:liaison_import"),
        {
            "file": upload(
                [
                    ["漳县财政局", "钱一", "13800000001", "qian1"],
                    ["漳县疾病预防控制中心", "孙二", "13800000002", "sun2"],
                ]
            )
        },
    )
    assert response.status_code == 302
    listing = client.get(response["Location"])
    body = listing.content.decode()
    rows = listing.context["issued"]["rows"]
    assert {r[2] for r in rows} == {"qian1", "sun2"} and all(r[3] in body for r in rows)
    assert User.objects.get(username="qian1").check_password(
        rows[0][3] if rows[0][2] == "qian1" else rows[1][3]
    )
    token = response["Location"].rstrip("/").split("/")[-1]
    assert "钱一" in client.get(reverse("accounts:issued_print", args=[token])).content.decode()
    xlsx = client.get(reverse("accounts:issued_xlsx", args=[token]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(reverse("accounts:issued_pdf", args=[token]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    assert AuditEntry.objects.filter(action="打印.联络员初始密码清单").count() == 1
    assert client.post(reverse("accounts:issued_clear", args=[token])).status_code == 302
    assert client.get(reverse("accounts:issued", args=[token])).status_code == 404


def test_liaison_workbook_errors_are_listed(client, security_admin, unit_a):
    client.force_login(security_admin)
    response = client.post(
        reverse("accounts:liaison_import"), {"file": upload([["不存在的局", "钱一", "123", "qian1"]])}
    )
    body = response.content.decode()
    assert (
        response.status_code == 200 and "未写入任何数据" in body and "不存在的局" in body and "手机" in body
    )
    assert not User.objects.filter(username="qian1").exists()


def test_issued_list_belongs_to_the_session(client, security_admin, region, unit_a):
    client.force_login(security_admin)
    response = client.post(
        reverse("accounts:liaison_import"), {"file": upload([["漳县财政局", "钱一", "13800000001", "qian1"]])}
    )
    url = response["Location"]
    other = make_user("admin2", Role.SECURITY_ADMIN, regions=[region])
    client.force_login(other)
    assert client.get(url).status_code == 404


# ---- the first password ---------------------------------------------------------------------------------


def test_first_password_must_be_changed(client, region, security_admin, unit_a):
    user, password = account_create(
        username="new1", full_name="新人", role=Role.LIAISON, regions=[region], actor=security_admin
    )
    assert client.login(request=RequestFactory().get("/"), username="new1", password=password)
    change = reverse("accounts:password_change")
    for url in (reverse("units:dashboard"), reverse("units:unit_list"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == change, url
    assert client.get(change).status_code == 200
    response = client.post(
        change, {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 400  # Django's validation: too common / numeric
    response = client.post(
        change, {"old_password": password, "new_password1": "Liu-2024-pass", "new_password2": "Liu-2024-pass"}
    )
    assert response.status_code == 302
    assert client.get(reverse("units:dashboard")).status_code == 200  # free now, still logged in
    assert not fresh(user).profile.must_change_password
    assert AuditEntry.objects.get(action="账号.修改密码").actor == user
    client.post(reverse("logout"))
    assert client.login(request=RequestFactory().get("/"), username="new1", password="Liu-2024-pass")
    assert client.get(reverse("units:dashboard")).status_code == 200


def test_password_change_page_for_everyone(client, office_staff):
    client.force_login(office_staff)
    change = reverse("accounts:password_change")
    assert client.get(reverse("units:unit_list")).status_code == 200  # no first password: no gate
    response = client.post(
        change,
        {"old_password": "wrong", "new_password1": "Good-pass-2024", "new_password2": "Good-pass-2024"},
    )
    assert response.status_code == 400 and "原密码不正确" in response.content.decode()
