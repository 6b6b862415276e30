"""三员分立 (issue 13 point 4): 系统管理员, 安全管理员, 审计管理员 are separate roles, no account holds two of
them, and the audit administrator changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services import (
    account_create,
    account_disable,
    account_set_role,
    account_update,
    liaison_grant,
    password_reset,
)
from accounts.services.retention import audit_purge
from accounts.services.users import set_roles
from bianzhi.models import AuditEntry
from bianzhi.roles import ADMIN_TRIO, Role, can, check_separation, ensure_groups, user_roles
from tests.builders.registry import make_user
from units.services import unit_create, unit_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def system_admin(region):
    return make_user("sysadm", Role.SYSTEM_ADMIN, regions=[region], full_name="系统管理")


@pytest.fixture
def security_admin(region):
    return make_user("secadm", Role.SECURITY_ADMIN, regions=[region], full_name="安全管理")


@pytest.fixture
def audit_admin(region):
    return make_user("audadm", Role.AUDIT_ADMIN, regions=[region], full_name="审计管理")


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_each_of_the_three_holds_its_own_capability(system_admin, security_admin, audit_admin):
    assert can(system_admin, "manage_users") and not can(system_admin, "grant_roles")
    assert can(security_admin, "grant_roles") and not can(security_admin, "manage_users")
    assert can(audit_admin, "read_audit")
    assert not can(system_admin, "read_audit") and not can(security_admin, "read_audit")
    for role in ADMIN_TRIO:  # none of them does the office's business
        holder = {Role.SYSTEM_ADMIN: system_admin, Role.SECURITY_ADMIN: security_admin}.get(role, audit_admin)
        for capability in ("view_registry", "edit_registry", "import", "export", "approve", "view_full_id"):
            assert not can(holder, capability), (role, capability)


@pytest.mark.parametrize(
    "roles",
    [
        {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN},
        {Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN},
        {Role.SECURITY_ADMIN, Role.AUDIT_ADMIN},
        {Role.AUDIT_ADMIN, Role.OFFICE_ADMIN},
        {Role.SYSTEM_ADMIN, Role.OFFICE_STAFF},
    ],
)
def test_no_account_holds_two_of_them(roles, system_admin):
    with pytest.raises(ValidationError) as exc:
        check_separation(roles)
    assert "三员分立" in exc.value.message_dict["role"][0]
    with pytest.raises(ValidationError):
        set_roles(system_admin, roles)
    assert user_roles(fresh(system_admin)) == {Role.SYSTEM_ADMIN}


def test_business_roles_may_still_be_combined_by_the_services():
    check_separation({Role.OFFICE_ADMIN})
    check_separation({Role.AUDIT_ADMIN})


def test_two_of_them_set_behind_the_services_count_for_nothing(audit_admin):
    """Groups set by hand (the Django admin) cannot make one account two administrators: fail closed."""
    audit_admin.groups.add(ensure_groups()[Role.SYSTEM_ADMIN])
    user = fresh(audit_admin)
    assert user_roles(user) == frozenset()
    assert not can(user, "read_audit") and not can(user, "manage_users")


def test_the_office_administrator_keeps_no_accounts_and_gives_no_roles(region, office_admin, office_staff):
    """Strict 三员分立: the office's business administrator holds neither administrator's power."""
    assert not can(office_admin, "manage_users") and not can(office_admin, "grant_roles")
    attempts = [
        lambda: account_create(username="x6", full_name="某", regions=[region], actor=office_admin),
        lambda: account_disable(account=office_staff, actor=office_admin),
        lambda: password_reset(account=office_staff, actor=office_admin),
        lambda: account_set_role(account=office_staff, role=Role.SUPERVISOR, actor=office_admin),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert user_roles(fresh(office_staff)) == {Role.OFFICE_STAFF} and fresh(office_staff).is_active


def test_the_three_accounts_are_made_by_two_hands(region, system_admin, security_admin):
    """The system administrator creates the accounts; the security administrator gives their roles."""
    for n, role in enumerate(ADMIN_TRIO):
        user, _ = account_create(
            username=f"trio{n}", full_name=f"三员{n}", regions=[region], actor=system_admin
        )
        assert user_roles(fresh(user)) == frozenset()
        account_set_role(account=user, role=role, actor=security_admin)
        assert user_roles(fresh(user)) == {role}
        assert fresh(user).is_staff == (role == Role.SYSTEM_ADMIN)
    system = Group.objects.get(name=Role.SYSTEM_ADMIN.value)
    assert not system.permissions.filter(codename="view_auditentry").exists()  # the trail is the auditor's
    assert system.permissions.filter(codename="change_calendarday").exists()


def test_system_admin_keeps_accounts_but_gives_no_role(region, system_admin, office_staff):
    user, password = account_create(username="lx9", full_name="联络九", regions=[region], actor=system_admin)
    assert AuditEntry.objects.filter(action="账号.新建", actor=system_admin).exists()
    password_reset(account=user, actor=system_admin)
    account_disable(account=user, actor=system_admin, reason="调离")
    assert not fresh(user).is_active
    for role in (Role.OFFICE_ADMIN, Role.AUDIT_ADMIN, Role.LIAISON):
        with pytest.raises(ValidationError, match="安全管理员"):
            account_create(username="x9", full_name="某", role=role, regions=[region], actor=system_admin)
    with pytest.raises(ValidationError, match="安全管理员"):  # changing a role is role assignment
        account_update(
            account=office_staff, full_name="改", role=Role.SUPERVISOR, regions=[region], actor=system_admin
        )
    with pytest.raises(PermissionDenied):
        account_set_role(account=office_staff, role=Role.SUPERVISOR, actor=system_admin)
    assert user_roles(fresh(office_staff)) == {Role.OFFICE_STAFF}
    account_update(  # keeping the role, the system administrator edits the account
        account=office_staff, full_name="新名", role=Role.OFFICE_STAFF, regions=[region], actor=system_admin
    )


def test_security_admin_does_not_keep_accounts(region, security_admin, office_staff):
    for role in (None, Role.OFFICE_STAFF, Role.SYSTEM_ADMIN):  # only liaison accounts, which carry a grant
        with pytest.raises(PermissionDenied):
            account_create(username="x8", full_name="某", role=role, regions=[region], actor=security_admin)
    with pytest.raises(PermissionDenied):
        password_reset(account=office_staff, actor=security_admin)
    with pytest.raises(PermissionDenied):
        account_disable(account=office_staff, actor=security_admin)


def test_audit_admin_changes_nothing(region, unit_a, audit_admin, office_staff, liaison_a):
    before = AuditEntry.objects.count()
    attempts = [
        lambda: account_create(
            username="x7", full_name="某", role=Role.LIAISON, regions=[region], actor=audit_admin
        ),
        lambda: account_set_role(account=office_staff, role=Role.SUPERVISOR, actor=audit_admin),
        lambda: account_disable(account=office_staff, actor=audit_admin),
        lambda: password_reset(account=office_staff, actor=audit_admin),
        lambda: liaison_grant(account=liaison_a, unit=unit_a, actor=audit_admin),
        lambda: unit_create(
            region=region, name="新单位", nature="行政机关", document=None, actor=audit_admin
        ),
        lambda: unit_update(unit=unit_a, actor=audit_admin, reason="x"),
        lambda: audit_purge(before=dt.date(2000, 1, 1), actor=audit_admin),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert AuditEntry.objects.count() == before
    assert fresh(office_staff).is_active
