"""The first run: while the database holds no region and no user, anyone who reaches the server may
either load the demo county or set up their own county with its first administrator. Afterwards the
set-up is closed (404); a real county's further regions come from ``add_region``."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services.common import clean_username, profile_of, user_model
from accounts.services.regions import region_add
from accounts.services.users import account_create, check_new_password, set_role
from bianzhi import audit
from bianzhi.models import Profile, Region
from bianzhi.roles import Role, authorize, region_ids


def setup_open() -> bool:
    """The database holds no region and no user: the first page offers the set-up without a login."""
    return not Region.objects.exists() and not user_model().objects.exists()


def _refuse_unless_open() -> None:
    if not setup_open():
        raise ValidationError("系统已完成初始设置。")


# The three administrators every installation starts with (三员分立), with their set-up form fields.
ADMIN_ACCOUNTS = (
    (Role.SYSTEM_ADMIN, "system_admin", "sysadmin"),
    (Role.SECURITY_ADMIN, "security_admin", "secadmin"),
    (Role.AUDIT_ADMIN, "audit_admin", "auditor"),
)


@dataclass(frozen=True)
class IssuedAccount:
    role: Role
    username: str
    password: str  # a first password, shown once on the set-up's result page


@transaction.atomic
def county_setup(
    *,
    code: str,
    name: str,
    username: str,
    full_name: str,
    password: str,
    admins: dict[str, str] | None = None,
):
    """Create the county (``region_add``), its first office administrator (group 编办管理员, the region
    in Profile.regions, ``is_staff`` for the holiday tables in the admin; not a superuser) and the three
    administrators of 三员分立 — 系统管理员, 安全管理员, 审计管理员 — named by ``admins`` (form field →
    user name; defaults sysadmin, secadmin, auditor), each with a generated first password.

    Only while the set-up is open; the office administrator's password is their own (no forced change).
    Returns (region, office administrator, the three issued accounts)."""
    _refuse_unless_open()
    username = clean_username(username)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": "姓名不能为空。"})
    check_new_password(password, user_model()(username=username))
    names = {
        field: clean_admin_name((admins or {}).get(field) or default, field)
        for _, field, default in ADMIN_ACCOUNTS
    }
    if len({username.lower(), *(n.lower() for n in names.values())}) != 1 + len(names):
        raise ValidationError("编办管理员和三个管理员的账号不能相同（三员分立）。")
    region, _ = region_add(code, name, actor=None)
    user = user_model().objects.create_user(username=username, password=password, is_staff=True)
    set_role(user, Role.OFFICE_ADMIN)
    profile = Profile.objects.create(user=user, full_name=full_name, department="县委编办")
    profile.regions.add(region)
    audit.record(
        actor=user,
        action="初始设置.设置本县",
        target=user,
        region=region,
        target_repr=f"{region} 管理员 {full_name}（{username}）",
        after={"region": region.code, "username": username, "role": Role.OFFICE_ADMIN.value},
    )
    issued = []
    for role, field, _ in ADMIN_ACCOUNTS:
        admin, first = account_create(
            username=names[field],
            full_name=role.value,
            regions=[region],
            role=role,
            department="县委编办",
            actor=None,
        )
        issued.append(IssuedAccount(role, admin.get_username(), first))
    return region, user, issued


def clean_admin_name(value: str, field: str) -> str:
    try:
        return clean_username(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def demo_load(seed: int | None = None) -> tuple[str, float]:
    """Load the demo county with ``seed_demo`` (the same loader as the command). Returns its output and
    the seconds it took. Only while the set-up is open."""
    from django.core.management import call_command

    _refuse_unless_open()
    out = io.StringIO()
    started = time.monotonic()
    call_command("seed_demo", *([f"--seed={seed}"] if seed else []), stdout=out)
    return out.getvalue(), time.monotonic() - started


@transaction.atomic
def region_setup(*, code: str, name: str, actor) -> Region:
    """An administrator who logs in to a database without any region (e.g. made by ``createsuperuser``)
    adds the county here; it is added to their own regions unless they are a superuser."""
    authorize(actor, "manage_users")
    if Region.objects.exists():
        raise ValidationError("已有行政区划，请用 add_region 命令登记其他区划。")
    region, _ = region_add(code, name, actor=actor)
    if region_ids(actor) is not None:
        profile_of(actor).regions.add(region)
        actor.__dict__.pop("_bianzhi_scope", None)
    return region
