"""Roles (DOMAIN.md §1) as Django groups, and what each may do.

Capabilities are checked by views (403) and by the services themselves (``authorize``), so a call that
skips the view is refused the same way; what a user may *see* is decided by the selectors (404 for
anything outside the user's scope).

``actor=None`` is the system: a management command or the demo loader run on the server by its
operator (who holds the database anyway). Every request carries a user (anonymous included), never None.
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

# What a refusal says, per capability (services raise PermissionDenied with it; views show 403).
REFUSALS: dict[str, str] = {
    "view_registry": "只有编办人员可以查看本区划的机构编制数据。",
    "edit_registry": "只有编办管理员或编办工作人员可以办理此项变更。",
    "import": "只有编办管理员或编办工作人员可以导入数据。",
    "export": "只有编办人员可以导出数据。",
    "approve": "不准越权审批：只有编办可以审批。",
    "view_full_id": "您不能查看完整的公民身份号码。",
    "override": "只有编办管理员可以特批或建账。",
    "manage_users": "只有编办管理员可以管理账号。",
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


def region_ids(user) -> frozenset[int] | None:
    """Ids of the regions an office user works for; None means every region (superuser)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, "_bianzhi_region_ids", None)
    if cached is None:
        from bianzhi.models import Region

        cached = frozenset(Region.objects.filter(profile__user=user).values_list("pk", flat=True))
        user._bianzhi_region_ids = cached
    return cached


def works_in(user, region) -> bool:
    """The user's profile covers this region (superusers cover every region)."""
    ids = region_ids(user)
    return ids is None or getattr(region, "pk", region) in ids


def authorize(actor, capability: str, *, region=None) -> None:
    """The one check every service makes of its caller: refuse (PermissionDenied, a Chinese message)
    unless the actor holds ``capability`` and, when ``region`` is given, works for that region.

    ``actor=None`` is the system (see the module docstring) and is allowed."""
    if actor is None:
        return
    if not has_capability(actor, capability):
        raise PermissionDenied(REFUSALS[capability])
    if region is not None and not works_in(actor, region):
        raise PermissionDenied("您不能办理其他区划的事项。")


def ensure_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def actor_name(user) -> str:
    if user is None:
        return "系统"
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile and profile.full_name else "") or user.get_username()
