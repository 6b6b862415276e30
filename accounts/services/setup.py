"""The first run: while the database holds no region and no user, anyone who reaches the server may
either load the demo county or set up their own county with its first administrator. Afterwards the
set-up is closed (404); a real county's further regions come from ``add_region``."""

from __future__ import annotations

import io
import time

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services.common import clean_username, profile_of, user_model
from accounts.services.regions import region_add
from accounts.services.users import check_new_password, set_role
from bianzhi import audit
from bianzhi.models import Profile, Region
from bianzhi.roles import Role, authorize, region_ids


def setup_open() -> bool:
    """The database holds no region and no user: the first page offers the set-up without a login."""
    return not Region.objects.exists() and not user_model().objects.exists()


def _refuse_unless_open() -> None:
    if not setup_open():
        raise ValidationError("系统已完成初始设置。")


@transaction.atomic
def county_setup(*, code: str, name: str, username: str, full_name: str, password: str):
    """Create the county (``region_add``) and its first office administrator (group 编办管理员, the
    region in Profile.regions, ``is_staff`` for the holiday tables in the admin; not a superuser).
    Only while the set-up is open; the password is the administrator's own (no forced change)."""
    _refuse_unless_open()
    username = clean_username(username)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": "姓名不能为空。"})
    check_new_password(password, user_model()(username=username))
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
    return region, user


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
        actor.__dict__.pop("_bianzhi_region_ids", None)
    return region
