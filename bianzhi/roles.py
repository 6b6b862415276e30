"""Roles (DOMAIN.md §1) as Django groups, and what each may do.

Capabilities are checked by views (403) and services; what a user may *see* is decided by the
selectors (404 for anything outside the user's scope).
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    OFFICE_ADMIN = "编办管理员"
    OFFICE_STAFF = "编办工作人员"
    SUPERVISOR = "编委/编办领导"
    LIAISON = "单位联络员"
    PARTNER = "协作部门经办人"


OFFICE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF, Role.SUPERVISOR})

# capability -> roles that have it
CAPABILITIES: dict[str, frozenset[Role]] = {
    "view_registry": OFFICE_ROLES,  # every unit of the user's regions
    "edit_registry": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),
    "import": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),
    "export": OFFICE_ROLES,
    "approve": OFFICE_ROLES,
    "view_full_id": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),
    "override": frozenset({Role.OFFICE_ADMIN}),
    "manage_users": frozenset({Role.OFFICE_ADMIN}),
}


def user_roles(user) -> frozenset[Role]:
    """The user's roles, cached on the user object for the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_bianzhi_roles", None)
    if cached is None:
        names = {g.name for g in user.groups.all()}
        cached = frozenset(r for r in Role if r.value in names)
        if user.is_superuser:
            cached = cached | {Role.OFFICE_ADMIN}
        user._bianzhi_roles = cached
    return cached


def has_capability(user, capability: str) -> bool:
    return bool(user_roles(user) & CAPABILITIES[capability])


def require(user, capability: str) -> None:
    """Raise PermissionDenied (403) unless the user has the capability."""
    if not has_capability(user, capability):
        raise PermissionDenied("您没有执行此操作的权限。")


def ensure_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def actor_name(user) -> str:
    if user is None:
        return "系统"
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile and profile.full_name else "") or user.get_username()
