"""Accounts: create, edit, disable/enable, reset and change passwords (the system administrator), and
give roles (the security administrator) — 三员分立.

Each service checks its caller itself (``authorize_account`` / ``authorize``): an office administrator of
one of the account's regions; ``actor=None`` is the system. Every change writes one audit row. Passwords
set by an administrator are first passwords: the account must change them at its next login
(``Profile.must_change_password``, enforced by ``accounts.middleware``).
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services.common import (
    account_snapshot,
    authorize_account,
    authorize_self,
    check_regions,
    clean_phone,
    clean_username,
    generate_password,
    grant_admin_site_permissions,
    profile_of,
    user_model,
)
from bianzhi import audit
from bianzhi.models import Profile
from bianzhi.roles import Role, authorize, can, check_separation, ensure_groups, user_roles

# The roles that work in the Django admin (holiday tables; the office administrator also reads the trail).
STAFF_ROLES = frozenset({Role.OFFICE_ADMIN, Role.SYSTEM_ADMIN})


def set_role(user, role: Role) -> None:
    set_roles(user, {role})


def set_roles(user, roles) -> None:
    """Give the account exactly these roles (三员分立 checked: ``check_separation``)."""
    roles = {Role(r) for r in roles}
    check_separation(roles)
    groups = ensure_groups()
    user.groups.remove(*groups.values())
    user.groups.add(*(groups[r] for r in roles))
    for role in roles & STAFF_ROLES:
        grant_admin_site_permissions(groups[role], audit_trail=role == Role.OFFICE_ADMIN)
    for attr in ("_bianzhi_roles", "_bianzhi_scope", "_bianzhi_liaison_units"):
        user.__dict__.pop(attr, None)


def check_new_password(password: str, user=None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


ROLE_BY_SECURITY = "三员分立：账号建立后，由安全管理员分配角色。"
ACCOUNT_BY_SYSTEM = "三员分立：账号由系统管理员建立；安全管理员只能建立单位联络员账号。"


def _authorize_create(actor, role: Role | None, regions) -> list:
    """Who creates which account (三员分立): the system administrator creates accounts without a role
    (the security administrator gives it); the security administrator creates only liaison accounts,
    which exist to carry a unit grant (the unit liaison page, the 联络员 workbook)."""
    if role == Role.LIAISON and actor is not None and can(actor, "grant_roles"):
        return check_regions(actor, regions, capability="grant_roles")
    authorize(actor, "manage_users")
    if role is not None and actor is not None and not can(actor, "grant_roles"):
        raise ValidationError({"role": ROLE_BY_SECURITY})
    return check_regions(actor, regions)


@transaction.atomic
def account_create(
    *,
    username: str,
    full_name: str,
    regions,
    role: Role | str | None = None,
    phone: str = "",
    department: str = "",
    password: str | None = None,
    actor,
) -> tuple:
    """Create an account with its regions (and, for the system or a liaison account made by the security
    administrator, its role); returns (user, first password).

    The password is generated when not given; either way it is a first password (must be changed at
    the first login)."""
    role = Role(role) if role else None
    regions = _authorize_create(actor, role, regions)
    if not regions:
        raise ValidationError({"regions": "请至少选择一个所辖区划。"})
    username = clean_username(username)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": "姓名不能为空。"})
    phone = clean_phone(phone)
    if user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"账号“{username}”已存在。"})
    password = password or generate_password()
    check_new_password(password, user_model()(username=username))
    user = user_model().objects.create_user(
        username=username, password=password, is_staff=role in STAFF_ROLES
    )
    set_roles(user, {role} if role else set())
    profile = Profile.objects.create(
        user=user, full_name=full_name, phone=phone, department=department.strip(), must_change_password=True
    )
    profile.regions.set(regions)
    audit.record(
        actor=actor,
        action="账号.新建",
        target=user,
        region=regions[0],
        target_repr=f"{full_name}（{username}）",
        after=account_snapshot(user),
    )
    return user, password


@transaction.atomic
def account_update(
    *, account, full_name: str, regions, phone: str = "", department: str = "", actor, role=None
):
    """Change name, phone, department and regions (the system administrator; the role is
    ``account_set_role``'s: a ``role`` other than the account's own is refused). Only the actor's own
    regions are added or removed; regions the actor does not work for stay as they were."""
    region = authorize_account(actor, account)
    if role is not None and {Role(role)} != set(user_roles(account)):
        raise ValidationError({"role": ROLE_BY_SECURITY})
    regions = check_regions(actor, regions)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": "姓名不能为空。"})
    phone = clean_phone(phone)
    before = account_snapshot(account)
    profile = profile_of(account)
    profile.full_name, profile.phone, profile.department = full_name, phone, (department or "").strip()
    profile.save(update_fields=["full_name", "phone", "department"])
    mine = None if actor is None or actor.is_superuser else {r.pk for r in _actor_regions(actor)}
    kept = [r for r in profile.regions.all() if mine is not None and r.pk not in mine]
    if not kept and not regions:
        raise ValidationError({"regions": "请至少选择一个所辖区划。"})
    profile.regions.set([*kept, *regions])
    b, a = audit.diff(before, account_snapshot(account))
    audit.record(actor=actor, action="账号.修改", target=account, region=region, before=b, after=a)
    return account


@transaction.atomic
def account_set_role(*, account, role: Role | str | None, actor, reason: str = ""):
    """Give the account its role, or none (the security administrator, of one of the account's regions;
    not their own account). 三员分立 is checked (``check_separation``). Audited (账号.分配角色)."""
    region = authorize_account(actor, account, not_self="不能修改自己的角色。", capability="grant_roles")
    roles = {Role(role)} if role else set()
    if roles == set(user_roles(account)):
        raise ValidationError({"role": "角色没有变化。"})
    before = account_snapshot(account)
    set_roles(account, roles)
    account.is_staff = account.is_superuser or bool(roles & STAFF_ROLES)
    account.save(update_fields=["is_staff"])
    b, a = audit.diff(before, account_snapshot(account))
    audit.record(
        actor=actor, action="账号.分配角色", target=account, region=region, before=b, after=a, reason=reason
    )
    return account


def _actor_regions(actor):
    return profile_of(actor).regions.all()


def account_disable(*, account, actor, reason: str = ""):
    """Disable an account (it can no longer log in; its history stays). Not one's own account."""
    return _set_active(account, False, actor=actor, reason=reason)


def account_enable(*, account, actor, reason: str = ""):
    """Enable a disabled account again."""
    return _set_active(account, True, actor=actor, reason=reason)


@transaction.atomic
def _set_active(account, active: bool, *, actor, reason: str):
    region = authorize_account(actor, account, not_self="" if active else "不能停用自己的账号。")
    if account.is_active == active:
        raise ValidationError("该账号已是启用状态。" if active else "该账号已停用。")
    account.is_active = active
    account.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="账号.启用" if active else "账号.停用",
        target=account,
        region=region,
        before={"is_active": not active},
        after={"is_active": active},
        reason=reason,
    )
    return account


@transaction.atomic
def password_reset(*, account, actor) -> str:
    """Give the account a new generated first password (returned once, never stored in clear) that
    must be changed at the next login; the account's open sessions end (Django's session hash)."""
    region = authorize_account(actor, account, not_self="请用“修改密码”修改自己的密码。")
    password = generate_password()
    account.set_password(password)
    account.save(update_fields=["password"])
    profile = profile_of(account)
    profile.must_change_password = True
    profile.save(update_fields=["must_change_password"])
    audit.record(
        actor=actor,
        action="账号.重置密码",
        target=account,
        region=region,
        after={"must_change_password": True},
    )
    return password


@transaction.atomic
def password_change(*, user, old_password: str, new_password: str, actor):
    """The user changes their own password (Django's password validation); clears the first-password
    flag. Only the user themself may call it."""
    authorize_self(actor, user)
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": "原密码不正确。"})
    if new_password == old_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同。"})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    profile = profile_of(user)
    was_first = profile.must_change_password
    profile.must_change_password = False
    profile.save(update_fields=["must_change_password"])
    audit.record(
        actor=actor,
        action="账号.修改密码",
        target=user,
        region=profile.regions.order_by("pk").first(),
        before={"must_change_password": was_first},
        after={"must_change_password": False},
    )
    return user
