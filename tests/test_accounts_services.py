"""Account, password and liaison services called directly as each role (issue 11 point 2).

Each service checks its caller itself (三员分立): the system administrator of the account's region keeps
accounts (create without a role, edit, disable, passwords); the security administrator gives roles and
liaison grants (and creates liaison accounts); everyone else — the office administrator included — is
refused with PermissionDenied and nothing changes. Every change is audited.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from accounts.services import (
    account_create,
    account_disable,
    account_enable,
    account_set_role,
    account_update,
    liaison_grant,
    liaison_revoke,
    password_change,
    password_reset,
)
from bianzhi.models import AuditEntry, Profile
from bianzhi.roles import Role, user_roles
from tests.builders.registry import make_unit, make_user
from units.choices import Nature
from units.models import Unit
from units.selectors import liaison_unit_ids

User = get_user_model()
NOT_ADMINS = ("office_admin", "office_staff", "supervisor", "liaison_a", "partner_clerk")


@pytest.fixture
def other_admin(other_region):
    return make_user("admin_other", Role.SECURITY_ADMIN, regions=[other_region], full_name="外县安全管理员")


@pytest.fixture
def new_liaison(region, security_admin):
    user, _ = account_create(
        username="lx01", full_name="刘联络", role=Role.LIAISON, regions=[region], actor=security_admin
    )
    return user


def fresh(user):
    return User.objects.get(pk=user.pk)


def audits(action: str):
    return AuditEntry.objects.filter(action=action)


# ---- account_create -------------------------------------------------------------------------------------


def test_create_as_admin(region, system_admin, security_admin):
    """The system administrator creates the account without a role; the security administrator gives it."""
    user, password = account_create(
        username="zhang3",
        full_name="张三",
        phone="13800000001",
        department="县委编办",
        regions=[region],
        actor=system_admin,
    )
    user = fresh(user)
    assert user.check_password(password) and len(password) >= 8
    assert user_roles(user) == set() and not user.is_staff and user.is_active
    account_set_role(account=user, role=Role.OFFICE_STAFF, actor=security_admin, reason="新进人员")
    assert user_roles(fresh(user)) == {Role.OFFICE_STAFF}
    given = audits("账号.分配角色").get()
    assert (
        given.actor == security_admin
        and given.after["roles"] == ["编办工作人员"]
        and given.reason == "新进人员"
    )
    profile = user.profile
    assert (profile.full_name, profile.phone, profile.department) == ("张三", "13800000001", "县委编办")
    assert list(profile.regions.all()) == [region] and profile.must_change_password
    entry = audits("账号.新建").get()
    assert entry.actor == system_admin and entry.region == region and entry.target_id == str(user.pk)
    assert entry.after["roles"] == [] and "password" not in str(entry.after)


def test_the_system_administrator_gives_no_role(region, system_admin):
    for role in (Role.OFFICE_STAFF, Role.LIAISON, Role.SECURITY_ADMIN):
        with pytest.raises(ValidationError) as exc:
            account_create(username="x9", full_name="某", role=role, regions=[region], actor=system_admin)
        assert "安全管理员" in str(exc.value)
    assert not User.objects.filter(username="x9").exists()


def test_the_security_administrator_creates_only_liaison_accounts(region, security_admin):
    with pytest.raises(PermissionDenied):
        account_create(
            username="x8", full_name="某", role=Role.OFFICE_STAFF, regions=[region], actor=security_admin
        )
    with pytest.raises(PermissionDenied):
        account_create(username="x8", full_name="某", regions=[region], actor=security_admin)
    user, _ = account_create(
        username="x8", full_name="某", role=Role.LIAISON, regions=[region], actor=security_admin
    )
    assert user_roles(user) == {Role.LIAISON}


def test_create_admin_is_staff_with_holiday_permissions(region, system_admin, security_admin):
    user, _ = account_create(username="adm2", full_name="管理二", regions=[region], actor=system_admin)
    account_set_role(account=user, role=Role.OFFICE_ADMIN, actor=security_admin)
    user = fresh(user)
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("bianzhi.change_calendarday") and user.has_perm("bianzhi.view_auditentry")
    assert not user.has_perm("auth.change_user")


def test_create_typed_password_is_validated(region, system_admin):
    with pytest.raises(ValidationError) as exc:
        account_create(
            username="weak",
            full_name="弱",
            regions=[region],
            password="123",
            actor=system_admin,
        )
    assert "password" in exc.value.error_dict
    user, password = account_create(
        username="typed",
        full_name="打",
        regions=[region],
        password="Zx9!kq2Lw",
        actor=system_admin,
    )
    assert password == "Zx9!kq2Lw" and fresh(user).check_password(password)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"username": "sysadmin1"}, "username"),  # exists (the fixture's admin)
        ({"username": "SYSADMIN1"}, "username"),  # case-insensitively
        ({"username": "a b"}, "username"),
        ({"phone": "2380000000"}, "phone"),
        ({"phone": "1380000000"}, "phone"),
        ({"full_name": " "}, "full_name"),
        ({"regions": []}, "regions"),
    ],
)
def test_create_refusals(region, system_admin, kwargs, field):
    before = User.objects.count()
    args = {"username": "x1", "full_name": "某", "regions": [region]} | kwargs
    with pytest.raises(ValidationError) as exc:
        account_create(**args, actor=system_admin)
    assert field in exc.value.error_dict
    assert User.objects.count() == before and not audits("账号.新建").exists()


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_create_refused_for_other_roles(request, region, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        account_create(username="x2", full_name="某", regions=[region], actor=actor)
    assert not User.objects.filter(username="x2").exists() and not audits("账号.新建").exists()


def test_create_in_another_region_refused(system_admin, other_region):
    with pytest.raises(PermissionDenied):
        account_create(username="x3", full_name="某", regions=[other_region], actor=system_admin)
    assert not User.objects.filter(username="x3").exists()


# ---- account_update -------------------------------------------------------------------------------------


def test_update(region, other_region, system_admin, security_admin, office_staff):
    Profile.objects.get(user=office_staff).regions.add(other_region)  # a region the admin does not run
    account_update(
        account=office_staff,
        full_name="李编办（改）",
        phone="13900000000",
        department="综合股",
        regions=[region],
        actor=system_admin,
    )
    staff = fresh(office_staff)
    assert staff.profile.full_name == "李编办（改）" and staff.profile.phone == "13900000000"
    assert set(staff.profile.regions.all()) == {region, other_region}  # the other county's stays
    entry = audits("账号.修改").get()
    assert entry.actor == system_admin and "regions" not in entry.after and "roles" not in entry.after
    with pytest.raises(ValidationError):  # the role is not the system administrator's
        account_update(
            account=staff, full_name="李", regions=[region], role=Role.SUPERVISOR, actor=system_admin
        )
    with pytest.raises(PermissionDenied):
        account_set_role(account=staff, role=Role.SUPERVISOR, actor=system_admin)
    account_set_role(account=staff, role=Role.SUPERVISOR, actor=security_admin)
    assert user_roles(fresh(staff)) == {Role.SUPERVISOR}
    entry = audits("账号.分配角色").get()
    assert entry.before["roles"] == ["编办工作人员"] and entry.after["roles"] == ["编委/编办领导"]


def test_update_refusals(region, system_admin, security_admin, other_office_staff):
    with pytest.raises(PermissionDenied):  # another county's account
        account_update(account=other_office_staff, full_name="x", regions=[], actor=system_admin)
    with pytest.raises(PermissionDenied):  # nor its role
        account_set_role(account=other_office_staff, role=Role.SUPERVISOR, actor=security_admin)
    with pytest.raises(PermissionDenied):  # one's own role
        account_set_role(account=security_admin, role=Role.OFFICE_ADMIN, actor=security_admin)
    with pytest.raises(ValidationError):  # no region left
        account_update(account=system_admin, full_name="王", regions=[], actor=system_admin)
    assert user_roles(fresh(system_admin)) == {Role.SYSTEM_ADMIN} and not audits("账号.修改").exists()
    assert not audits("账号.分配角色").exists()


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_update_refused_for_other_roles(request, region, persona, new_liaison):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        account_update(account=new_liaison, full_name="改", regions=[region], actor=actor)
    with pytest.raises(PermissionDenied):
        account_set_role(account=new_liaison, role=Role.OFFICE_ADMIN, actor=actor)
    assert user_roles(fresh(new_liaison)) == {Role.LIAISON}


def test_superuser_accounts_are_not_managed_by_admins(region, system_admin):
    root = User.objects.create_superuser("root", password="pass12345")
    Profile.objects.create(user=root, full_name="root").regions.add(region)
    with pytest.raises(PermissionDenied):
        account_disable(account=root, actor=system_admin)
    with pytest.raises(PermissionDenied):
        password_reset(account=root, actor=system_admin)


# ---- disable / enable -----------------------------------------------------------------------------------


def test_disable_and_enable(system_admin, office_staff, client):
    account_disable(account=office_staff, actor=system_admin, reason="调离")
    assert not fresh(office_staff).is_active
    assert not client.login(request=RequestFactory().get("/"), username="staff1", password="pass12345")
    entry = audits("账号.停用").get()
    assert entry.actor == system_admin and entry.reason == "调离" and entry.after == {"is_active": False}
    with pytest.raises(ValidationError):
        account_disable(account=fresh(office_staff), actor=system_admin)
    account_enable(account=fresh(office_staff), actor=system_admin)
    assert fresh(office_staff).is_active and audits("账号.启用").count() == 1
    with pytest.raises(ValidationError):
        account_enable(account=fresh(office_staff), actor=system_admin)


def test_disable_refusals(request, system_admin, other_office_staff, new_liaison):
    with pytest.raises(PermissionDenied):
        account_disable(account=system_admin, actor=system_admin)  # oneself
    with pytest.raises(PermissionDenied):
        account_disable(account=other_office_staff, actor=system_admin)  # another county
    for persona in NOT_ADMINS:
        with pytest.raises(PermissionDenied):
            account_disable(account=new_liaison, actor=request.getfixturevalue(persona))
        with pytest.raises(PermissionDenied):
            account_enable(account=new_liaison, actor=request.getfixturevalue(persona))
    assert (
        fresh(system_admin).is_active and fresh(other_office_staff).is_active and fresh(new_liaison).is_active
    )
    assert not audits("账号.停用").exists()


# ---- passwords ------------------------------------------------------------------------------------------


def test_password_reset(system_admin, office_staff):
    password = password_reset(account=office_staff, actor=system_admin)
    staff = fresh(office_staff)
    assert staff.check_password(password) and not staff.check_password("pass12345")
    assert staff.profile.must_change_password
    entry = audits("账号.重置密码").get()
    assert entry.actor == system_admin and password not in str(entry.after)


def test_password_reset_refusals(request, system_admin, other_office_staff, new_liaison):
    with pytest.raises(PermissionDenied):
        password_reset(account=other_office_staff, actor=system_admin)
    with pytest.raises(PermissionDenied):
        password_reset(account=system_admin, actor=system_admin)
    for persona in NOT_ADMINS:
        with pytest.raises(PermissionDenied):
            password_reset(account=new_liaison, actor=request.getfixturevalue(persona))
    assert fresh(other_office_staff).check_password("pass12345") and not audits("账号.重置密码").exists()


def test_password_change_clears_the_first_password_flag(system_admin, new_liaison):
    first = password_reset(account=new_liaison, actor=system_admin)
    user = fresh(new_liaison)
    with pytest.raises(ValidationError) as exc:
        password_change(user=user, old_password="wrong", new_password="Good-pass-2024", actor=user)
    assert "old_password" in exc.value.error_dict
    for weak in ("short", "password123", first):
        with pytest.raises(ValidationError):
            password_change(user=user, old_password=first, new_password=weak, actor=user)
    assert fresh(user).profile.must_change_password and not audits("账号.修改密码").exists()
    password_change(user=user, old_password=first, new_password="Good-pass-2024", actor=user)
    user = fresh(user)
    assert user.check_password("Good-pass-2024") and not user.profile.must_change_password
    entry = audits("账号.修改密码").get()
    assert entry.actor == user and entry.before == {"must_change_password": True}


def test_password_change_only_by_oneself(system_admin, office_staff):
    with pytest.raises(PermissionDenied):
        password_change(
            user=office_staff, old_password="pass12345", new_password="Good-pass-2024", actor=system_admin
        )
    with pytest.raises(PermissionDenied):
        password_change(
            user=office_staff, old_password="pass12345", new_password="Good-pass-2024", actor=None
        )
    assert fresh(office_staff).check_password("pass12345")


# ---- liaisons -------------------------------------------------------------------------------------------


def test_grant_and_revoke(security_admin, new_liaison, unit_a, unit_b):
    liaison_grant(account=new_liaison, unit=unit_b, actor=security_admin)
    assert liaison_unit_ids(fresh(new_liaison)) == {unit_b.pk}
    entry = audits("联络员.授权").get()
    assert (
        entry.actor == security_admin
        and entry.region == unit_b.region
        and entry.after["unit_id"] == unit_b.pk
    )
    with pytest.raises(ValidationError):
        liaison_grant(account=new_liaison, unit=unit_b, actor=security_admin)  # already
    liaison_revoke(account=new_liaison, unit=unit_b, actor=security_admin)
    assert liaison_unit_ids(fresh(new_liaison)) == set()
    assert audits("联络员.撤销").get().before["unit"] == unit_b.name
    with pytest.raises(ValidationError):
        liaison_revoke(account=new_liaison, unit=unit_b, actor=security_admin)  # not any more


def test_grant_refusals(
    region, other_region, security_admin, system_admin, office_staff, new_liaison, unit_a
):
    division = make_unit(region, "办公室", nature=Nature.DIVISION, parent=unit_a)
    ended = make_unit(region, "已撤销的局")
    Unit.objects.filter(pk=ended.pk).update(status="已撤销")
    ended.refresh_from_db()
    foreign = make_unit(other_region, "安定区财政局")
    for unit in (division, ended):
        with pytest.raises(ValidationError):
            liaison_grant(account=new_liaison, unit=unit, actor=security_admin)
    with pytest.raises(PermissionDenied):
        liaison_grant(account=new_liaison, unit=foreign, actor=security_admin)
    with pytest.raises(ValidationError):  # not a liaison account
        liaison_grant(account=office_staff, unit=unit_a, actor=security_admin)
    account_disable(account=new_liaison, actor=system_admin)
    with pytest.raises(ValidationError):  # disabled
        liaison_grant(account=fresh(new_liaison), unit=unit_a, actor=security_admin)
    assert not audits("联络员.授权").exists()


def test_grant_to_another_countys_liaison_refused(other_region, security_admin, unit_a):
    other_unit = make_unit(other_region, "安定区教育局")
    theirs = make_user("lx_other", Role.LIAISON, units=[other_unit])
    with pytest.raises(PermissionDenied):
        liaison_grant(account=theirs, unit=unit_a, actor=security_admin)


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_grant_and_revoke_refused_for_other_roles(request, persona, new_liaison, unit_a, liaison_b, unit_b):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        liaison_grant(account=new_liaison, unit=unit_a, actor=actor)
    with pytest.raises(PermissionDenied):
        liaison_revoke(account=liaison_b, unit=unit_b, actor=actor)
    assert liaison_unit_ids(fresh(new_liaison)) == set() and liaison_unit_ids(fresh(liaison_b)) == {unit_b.pk}


def test_other_countys_admin_cannot_revoke(other_admin, liaison_b, unit_b):
    with pytest.raises(PermissionDenied):
        liaison_revoke(account=liaison_b, unit=unit_b, actor=other_admin)
    assert liaison_unit_ids(fresh(liaison_b)) == {unit_b.pk}


# ---- liaisons_import ------------------------------------------------------------------------------------

from accounts.services import liaisons_import  # noqa: E402
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes  # noqa: E402

HEAD = ["单位名称", "姓名", "手机", "账号"]


def book(rows, sheet="联络员", head=HEAD) -> bytes:
    return workbook_bytes([SheetSpec("说明", ["说明"], [["这一页不是名单"]]), SheetSpec(sheet, head, rows)])


def test_import_creates_accounts_grants_and_lists_first_passwords(region, security_admin, unit_a, unit_b):
    reuse = make_user("lx_old", Role.LIAISON, units=[unit_a], full_name="老联络")
    data = book(
        [
            ["漳县财政局", "钱一", "13800000001", "qian1"],
            ["漳县疾病预防控制中心", "钱一", "13800000001", "qian1"],  # one person, two units
            ["漳县疾病预防控制中心", "老联络", "13800000009", "lx_old"],  # an existing liaison account
        ]
    )
    report = liaisons_import(data, filename="联络员.xlsx", region=region, actor=security_admin)
    assert report.ok, report.errors
    assert (report.rows_read, report.created, report.reused, report.granted) == (3, 1, 1, 3)
    qian = User.objects.get(username="qian1")
    assert liaison_unit_ids(qian) == {unit_a.pk, unit_b.pk} and liaison_unit_ids(fresh(reuse)) == {
        unit_a.pk,
        unit_b.pk,
    }
    assert qian.profile.must_change_password and qian.profile.phone == "13800000001"
    lines = {(i.unit, i.username): i.password for i in report.issued}
    assert qian.check_password(lines["漳县财政局", "qian1"]) and lines["漳县疾病预防控制中心", "lx_old"] == ""
    assert fresh(reuse).check_password("pass12345")  # a reused account keeps its password
    assert audits("联络员.批量导入").get().after == {"rows": 3, "created": 1, "reused": 1, "granted": 3}
    assert audits("联络员.授权").count() == 3 and audits("账号.新建").count() == 1


def test_import_first_sheet_and_header_aliases(region, security_admin, unit_a):
    data = workbook_bytes(
        [
            SheetSpec(
                "Sheet1",
                ["单位", "姓名", "手机号码", "账号", "备注"],
                [["漳县财政局", "甲", "13800000002", "jia"]],
            )
        ]
    )
    report = liaisons_import(data, filename="名单.xlsx", region=region, actor=security_admin)
    assert report.ok and report.created == 1 and any("备注" in w for w in report.warnings)
    assert liaison_unit_ids(User.objects.get(username="jia")) == {unit_a.pk}


def test_import_errors_write_nothing(region, security_admin, office_staff, unit_a, unit_b):
    division = make_unit(region, "办公室", nature=Nature.DIVISION, parent=unit_a)
    data = book(
        [
            ["漳县财政局", "好人", "13800000003", "ok1"],  # valid, but the file has errors
            ["不存在的局", "乙", "13800000004", "yi"],
            [division.name, "丙", "13800000005", "bing"],
            ["漳县财政局", "丁", "2380000000", "ding"],
            ["漳县财政局", "戊", "13800000006", "ok1"],  # duplicate 账号, another person
            ["漳县财政局", "己", "13800000007", "staff1"],  # an existing account of someone else
            ["", "", "", ""],  # blank: skipped
            ["漳县财政局", "", "13800000008", "geng"],
        ]
    )
    report = liaisons_import(data, filename="bad.xlsx", region=region, actor=security_admin)
    assert not report.ok and report.exit_code == 1
    text = "\n".join(str(e) for e in report.errors)
    assert "联络员 第3行 单位名称" in text and "不存在的局" in text
    assert "联络员 第4行 单位名称" in text  # a 内设机构 never gets a liaison
    assert "联络员 第5行 手机" in text
    assert "联络员 第6行 账号" in text and "第2行重复" in text
    assert "联络员 第7行 账号" in text and "李编办" in text
    assert "联络员 第9行 姓名: 不能为空" in text
    assert not User.objects.filter(username__in=["ok1", "yi", "bing", "ding", "geng"]).exists()
    assert not audits("联络员.授权").exists() and not audits("联络员.批量导入").exists()


def test_import_unreadable_and_missing_headers(region, security_admin):
    report = liaisons_import(b"not a workbook", filename="x.xlsx", region=region, actor=security_admin)
    assert report.exit_code == 2 and report.fatal
    report = liaisons_import(
        book([["a", "b"]], head=["单位名称", "姓名"]), filename="x.xlsx", region=region, actor=security_admin
    )
    assert {e.column for e in report.errors} == {"手机", "账号"}


def test_import_dry_run(region, security_admin, unit_a):
    report = liaisons_import(
        book([["漳县财政局", "甲", "13800000002", "jia"]]),
        filename="x.xlsx",
        region=region,
        actor=security_admin,
        dry_run=True,
    )
    assert report.ok and not User.objects.filter(username="jia").exists()


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_import_refused_for_other_roles(request, region, persona, unit_a):
    with pytest.raises(PermissionDenied):
        liaisons_import(
            book([["漳县财政局", "甲", "13800000002", "jia"]]),
            filename="x.xlsx",
            region=region,
            actor=request.getfixturevalue(persona),
        )
    assert not User.objects.filter(username="jia").exists()


def test_import_into_another_region_refused(other_region, security_admin):
    with pytest.raises(PermissionDenied):
        liaisons_import(
            book([["x", "甲", "13800000002", "jia"]]),
            filename="x.xlsx",
            region=other_region,
            actor=security_admin,
        )
