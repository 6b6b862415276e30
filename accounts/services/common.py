"""What the account services share: the scope check, first passwords, phone numbers, the audit copy."""

from __future__ import annotations

import re
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from bianzhi.models import Profile, Region
from bianzhi.roles import Role, authorize, region_ids, user_roles

# No 0/O, 1/l/I: first passwords are read off paper.
_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
PASSWORD_LENGTH = 10
PHONE = re.compile(r"1[0-9]{10}")
USERNAME = re.compile(r"[A-Za-z0-9_.@+-]{2,150}")


def generate_password() -> str:
    """A random first password (letters and digits, never ambiguous characters, always upper-case,
    lower-case and digits: the three classes the password rules ask for)."""
    while True:
        text = "".join(secrets.choice(_LETTERS + _DIGITS) for _ in range(PASSWORD_LENGTH))
        if (
            any(c in _DIGITS for c in text)
            and any(c.isupper() for c in text)
            and any(c.islower() for c in text)
        ):
            return text


def clean_phone(phone: str) -> str:
    text = re.sub(r"[\s-]", "", phone or "")
    if text and not PHONE.fullmatch(text):
        raise ValidationError({"phone": "手机号码应为以1开头的11位数字。"})
    return text


def clean_username(username: str) -> str:
    text = (username or "").strip()
    if not USERNAME.fullmatch(text):
        raise ValidationError({"username": "账号应为2–150个字母、数字或 _ . @ + - 符号。"})
    return text


def profile_of(user) -> Profile:
    profile = Profile.objects.filter(user=user).first()
    return profile or Profile.objects.create(user=user, full_name=user.get_username())


def account_region_ids(account) -> set[int]:
    """The regions an account belongs to: its profile's, and those of the units it is liaison for."""
    from guardian.shortcuts import get_objects_for_user

    from units.models import Unit

    ids = set(Region.objects.filter(profile__user=account).values_list("pk", flat=True))
    if Role.LIAISON in user_roles(account):
        units = get_objects_for_user(account, "units.liaise_unit", klass=Unit, accept_global_perms=False)
        ids |= set(units.values_list("region_id", flat=True))
    return ids


def authorize_account(
    actor, account, *, not_self: str = "", capability: str = "manage_users"
) -> Region | None:
    """The account-level check (like ``units.services.common.authorize_unit`` for a unit): refuse unless
    the actor holds ``capability`` (``manage_users``: the system administrator keeps the account;
    ``grant_roles``: the security administrator gives its role) and works for one of the account's
    regions; never a superuser account unless the actor is one; never their own account when
    ``not_self`` gives the refusal. Returns the shared region (for the audit row), None for the system."""
    authorize(actor, capability)
    if actor is None:
        return None
    if not_self and actor.pk == account.pk:
        raise PermissionDenied(not_self)
    if account.is_superuser and not actor.is_superuser:
        raise PermissionDenied("不能管理系统超级管理员账号。")
    mine = region_ids(actor)
    theirs = account_region_ids(account)
    shared = theirs if mine is None else theirs & mine
    if not shared:
        raise PermissionDenied("您不能管理其他区划的账号。")
    region = Region.objects.get(pk=min(shared))
    authorize(actor, capability, region=region)
    return region


def authorize_self(actor, user) -> None:
    """Only the user themself may change their own password."""
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise PermissionDenied("只能修改自己的密码。")


def check_regions(actor, regions, *, capability: str = "manage_users") -> list[Region]:
    """Regions an actor may hand out: each must be one the actor works for."""
    regions = list(regions)
    for region in regions:
        authorize(actor, capability, region=region)
    return regions


def account_snapshot(account) -> dict:
    profile = Profile.objects.filter(user=account).first()
    return {
        "username": account.get_username(),
        "is_active": account.is_active,
        "is_staff": account.is_staff,
        "roles": sorted(g.name for g in account.groups.all()),
        "full_name": profile.full_name if profile else "",
        "phone": profile.phone if profile else "",
        "department": profile.department if profile else "",
        "regions": sorted(profile.regions.values_list("code", flat=True)) if profile else [],
    }


def user_model():
    return get_user_model()


# What an administrator (is_staff, not a superuser) may do in the Django admin: keep the holiday tables
# (后台 → 节假日安排; the system administrator) and read the audit trail (the office administrator).
# Accounts are kept in the application's own pages.
ADMIN_SITE_PERMISSIONS = (
    ("bianzhi", "calendaryear", ("add", "change", "delete", "view")),
    ("bianzhi", "calendarday", ("add", "change", "delete", "view")),
    ("bianzhi", "auditentry", ("view",)),
)


def grant_admin_site_permissions(group, *, audit_trail: bool = True) -> None:
    """The admin-site permissions of an administrator's group; the system administrator's group gets the
    holiday tables only (``audit_trail=False``: the trail is the audit administrator's, 三员分立)."""
    from django.contrib.auth.models import Permission

    for app, model, verbs in ADMIN_SITE_PERMISSIONS:
        if model == "auditentry" and not audit_trail:
            continue
        codenames = [f"{verb}_{model}" for verb in verbs]
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app, codename__in=codenames))
