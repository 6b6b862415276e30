"""Login security (等保三级): the audit rows of logins, failures, locks and logouts (written from the
signals in ``accounts.signals``), and lifting a login lock (django-axes) by the administrator."""

from __future__ import annotations

from django.db import transaction

from bianzhi import audit
from bianzhi.roles import authorize

USERNAME_MAX = 150


def _address(request) -> str:
    address = getattr(request, "axes_ip_address", None) or (
        request.META.get("REMOTE_ADDR") if request else ""
    )
    return (address or "")[:45]


def _region_of(user):
    profile = getattr(user, "profile", None)
    return profile.regions.order_by("pk").first() if profile is not None else None


@transaction.atomic
def login_recorded(*, user, request) -> None:
    audit.record(
        actor=user, action="登录", target=user, region=_region_of(user), after={"ip": _address(request)}
    )


@transaction.atomic
def logout_recorded(*, user, request) -> None:
    audit.record(
        actor=user, action="退出登录", target=user, region=_region_of(user), after={"ip": _address(request)}
    )


@transaction.atomic
def login_failure_recorded(*, username: str, request) -> None:
    """A failed login (wrong password, unknown name, or refused because locked): by the system."""
    username = (username or "")[:USERNAME_MAX]
    audit.record(
        actor=None,
        action="登录失败",
        target_repr=f"账号 {username}",
        after={"username": username, "ip": _address(request)},
    )


@transaction.atomic
def lock_recorded(*, username: str, ip_address: str) -> None:
    username = (username or "")[:USERNAME_MAX]
    audit.record(
        actor=None,
        action="账号锁定",
        target_repr=f"账号 {username}（地址 {ip_address or '未知'}）",
        after={"username": username, "ip": ip_address or ""},
    )


@transaction.atomic
def lock_lift(*, username: str = "", ip_address: str = "", actor) -> int:
    """Lift the lock of a user name or of an address (axes' reset); returns how many attempt rows went."""
    from axes.utils import reset

    authorize(actor, "grant_roles")
    username, ip_address = (username or "").strip(), (ip_address or "").strip()
    if not username and not ip_address:
        return 0
    if username:
        removed = reset(username=username)
        label = f"账号 {username}"
    else:
        removed = reset(ip=ip_address)
        label = f"地址 {ip_address}"
    audit.record(
        actor=actor,
        action="解除登录锁定",
        target_repr=label,
        before={"username": username, "ip": ip_address, "attempts": removed},
        after={"locked": False},
    )
    return removed
