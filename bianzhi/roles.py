"""Roles (DOMAIN.md §1) as Django groups, and what each may do.

This module is the one permission vocabulary. Each role's capabilities are named once, in
``CAPABILITIES``, and everything asks the same question the same way:

- a predicate: ``can(user, "capability", region=…)`` (views, selectors, forms; templates read the
  ``can`` dict that ``bianzhi.context_processors.roles`` puts in every page: ``{% if can.export %}``);
- a view's guard: ``require(user, "capability", region=…)`` raises PermissionDenied (403) with the
  capability's Chinese refusal;
- a service's guard: ``authorize(actor, "capability", region=…)``, the same with ``actor=None`` (the
  system) allowed.

What a user may *see* is decided by the selectors (404 for anything outside the user's scope); which
units a liaison acts for is object-level (guardian's ``units.liaise_unit``, read by
``units.selectors.liaison_unit_ids``).

``actor=None`` is the system: a management command or the demo loader run on the server by its
operator (who holds the database anyway). Every request carries a user (anonymous included), never None.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError


class Role(StrEnum):
    OFFICE_ADMIN = "编办管理员"
    OFFICE_STAFF = "编办工作人员"
    SUPERVISOR = "编委/编办领导"
    LIAISON = "单位联络员"
    PARTNER = "协作部门经办人"
    # 三员分立 (GB/T 22239-2019): three administrators, never one account holding two of them
    SYSTEM_ADMIN = "系统管理员"  # accounts and settings
    SECURITY_ADMIN = "安全管理员"  # roles, grants, login locks
    AUDIT_ADMIN = "审计管理员"  # reads and exports the audit trail, changes nothing


OFFICE_ROLES = frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF, Role.SUPERVISOR})
ADMIN_TRIO = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
SEPARATION = "三员分立：系统管理员、安全管理员、审计管理员须由不同账号担任，且不能兼任其他角色。"

# capability -> roles that have it
CAPABILITIES: dict[str, frozenset[Role]] = {
    "view_registry": OFFICE_ROLES,  # every unit of the user's regions
    "edit_registry": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),
    "import": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),
    "export": OFFICE_ROLES,
    "approve": OFFICE_ROLES,
    "view_full_id": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),
    "override": frozenset({Role.OFFICE_ADMIN}),
    # 三员分立 (docs/decisions.md): accounts are the system administrator's, roles and grants the security
    # administrator's; the office's business roles hold neither
    "manage_users": frozenset({Role.SYSTEM_ADMIN}),  # create/disable accounts, passwords, regions, settings
    "grant_roles": frozenset({Role.SECURITY_ADMIN}),  # roles, liaison grants (and liaison accounts), locks
    "read_audit": frozenset({Role.AUDIT_ADMIN}),  # the audit trail page and its export
    "run_comparison": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),  # upload any source, run, decide
    "run_campaign": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),  # the 核查 campaign's office work
    "liaise": frozenset({Role.LIAISON}),  # act for the units granted to them (object-level)
    "send_source": frozenset({Role.PARTNER}),  # a partner department's clerk sends its source
    "register_units": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),  # 事业单位登记: review, certificates
    "supervise": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),  # 监督检查: 举报, inspections, 整改
    "view_reporter": OFFICE_ROLES,  # a 举报's reporter and contact, unmasked
    # issue 16: 编制使用单 and 人员编制管理卡 checked by code; a partner department records its own act on a slip
    "verify_slips": OFFICE_ROLES | {Role.PARTNER},
    "record_slip_acts": frozenset({Role.PARTNER}),
    # a finding's answer: its unit's liaison, or a clerk of the partner department whose data it is on
    "answer_findings": frozenset({Role.LIAISON, Role.PARTNER}),
    # units, quotas and posts of the region without people (the API's registry and budget export)
    "read_establishment": OFFICE_ROLES | {Role.PARTNER},
    # issue 17: a city's (or province's) office pre-reviews the report of each county directly below it
    "review_reports": frozenset({Role.OFFICE_ADMIN, Role.OFFICE_STAFF}),
    # issue 16: API tokens are grants of access, so the 安全管理员 issues and revokes them (三员分立)
    "issue_tokens": frozenset({Role.SECURITY_ADMIN}),
}

# Capabilities whose ``region=`` check reaches the regions below the user's own (reading, and the
# administrators of 三员分立 keeping the accounts below them). Every other capability acts only in the
# user's own regions: a city's office reads and rolls up its counties but does not change their registry.
REACH_BELOW: frozenset[str] = frozenset(
    {
        "view_registry",
        "export",
        "view_full_id",
        "view_reporter",
        "read_audit",
        "manage_users",
        "grant_roles",
        "issue_tokens",  # like grant_roles: the 安全管理员 of a city issues tokens to the accounts below it
    }
)

# What a refusal says, per capability (services raise PermissionDenied with it; views show 403).
REFUSALS: dict[str, str] = {
    "view_registry": "只有编办人员可以查看本区划的机构编制数据。",
    "edit_registry": "只有编办管理员或编办工作人员可以办理此项变更。",
    "import": "只有编办管理员或编办工作人员可以导入数据。",
    "export": "只有编办人员可以导出数据。",
    "approve": "不准越权审批：只有编办可以审批。",
    "view_full_id": "您不能查看完整的公民身份号码。",
    "override": "只有编办管理员可以特批或建账。",
    "manage_users": "三员分立：账号由系统管理员管理。",
    "grant_roles": "三员分立：角色和授权由安全管理员分配。",
    "read_audit": "只有审计管理员可以查阅审计日志。",
    "run_comparison": "只有编办管理员和工作人员可以执行此操作。",
    "run_campaign": "只有本区划的编办工作人员可以进行此操作。",
    "liaise": "只有单位联络员可以进行此操作。",
    "send_source": "只有协作部门经办人可以报送本部门数据。",
    "register_units": "只有编办管理员或编办工作人员可以办理事业单位登记。",
    "supervise": "只有编办管理员或编办工作人员可以办理监督检查事项。",
    "view_reporter": "只有编办人员可以查看举报人信息。",
    "verify_slips": "只有编办人员和协作部门经办人可以核验编制使用单。",
    "record_slip_acts": "只有协作部门经办人可以登记本部门的办理情况。",
    "answer_findings": "只有单位联络员或报送数据的协作部门经办人可以答复比对问题。",
    "read_establishment": "只有编办人员和协作部门经办人可以读取机构和编制数据。",
    "review_reports": "只有上级编办的管理员或工作人员可以预审核县级报告。",
    "issue_tokens": "三员分立：接口令牌是一种授权，由安全管理员签发和吊销。",
}
REFUSE_REGION = "您不能办理其他区划的事项。"
REFUSE_BELOW = "{name}的机构编制数据由该{word}编办维护。"


def user_roles(user) -> frozenset[Role]:
    """The user's roles, cached on the user object for the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_bianzhi_roles", None)
    if cached is None:
        names = {g.name for g in user.groups.all()}
        cached = frozenset(r for r in Role if r.value in names)
        if len(cached & ADMIN_TRIO) > 1 or (cached & ADMIN_TRIO and cached - ADMIN_TRIO):
            cached = cached - ADMIN_TRIO  # two of the three (e.g. groups set in the admin): none counts
        if user.is_superuser:  # the installer's break-glass account (createsuperuser), outside 三员分立
            cached = cached | {Role.OFFICE_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}
        user._bianzhi_roles = cached
    return cached


def check_separation(roles) -> None:
    """三员分立: an account holds at most one of the three administrators' roles, and then no other
    role. Raises a Chinese ValidationError (the account services call it before setting roles)."""
    roles = frozenset(Role(r) for r in roles)
    if len(roles & ADMIN_TRIO) > 1 or (roles & ADMIN_TRIO and roles - ADMIN_TRIO):
        raise ValidationError({"role": SEPARATION})


def can(user, capability: str, *, region=None) -> bool:
    """The user holds ``capability`` and, when ``region`` (a Region or its id) is given, works for it:
    reads it (``REACH_BELOW`` capabilities: the user's regions and those below) or acts in it (the
    others: the user's own regions only)."""
    if not user_roles(user) & CAPABILITIES[capability]:
        return False
    return region is None or works_in(user, region, acting=capability not in REACH_BELOW)


def require(user, capability: str, *, region=None) -> None:
    """A view's guard: PermissionDenied (403, the capability's Chinese refusal) unless ``can``. A region
    the user reads but does not act in is refused with its own words (``漳县的机构编制数据由该县编办维护。``)."""
    if not user_roles(user) & CAPABILITIES[capability]:
        raise PermissionDenied(REFUSALS[capability])
    if region is None:
        return
    acting = capability not in REACH_BELOW
    if works_in(user, region, acting=acting):
        return
    if acting and works_in(user, region):
        raise PermissionDenied(refuse_below(region))
    raise PermissionDenied(REFUSE_REGION)


def capabilities(user, *, region=None) -> dict[str, bool]:
    """``{capability: can(user, capability, region=…)}`` — the ``can`` dict of every page
    (``bianzhi.context_processors``); a page about one region's record (a unit, a person) passes its
    region, so a city's office reading a county's unit is offered no button that would change it."""
    out = {cap: can(user, cap) for cap in CAPABILITIES}
    if region is not None and user_roles(user) & OFFICE_ROLES:  # an office user's, in this region
        for cap, holders in CAPABILITIES.items():
            if out[cap] and holders & OFFICE_ROLES:
                out[cap] = works_in(user, region, acting=cap not in REACH_BELOW)
    return out


def refuse_below(region) -> str:
    """The refusal for acting in a region below the user's own: it is kept by its own office."""
    from bianzhi.models import Region

    if not isinstance(region, Region):
        region = Region.objects.filter(pk=region).first()
    if region is None:
        return REFUSE_REGION
    return REFUSE_BELOW.format(name=region.name, word=region.office_word)


def _scope(user) -> tuple[frozenset[int], frozenset[int]]:
    """(own region ids, own ids and every region below them), read once per request and cached on the
    user. A county user costs one query (their regions); a city or province user one more, reading the
    whole region table's (id, parent) pairs — about 120 rows for a province of 100 counties — and
    walking it in memory (no per-region query, decision #13)."""
    cached = getattr(user, "_bianzhi_scope", None)
    if cached is None:
        from bianzhi.models import Region, RegionLevel

        rows = list(Region.objects.filter(profile__user=user).values_list("pk", "level"))
        own = frozenset(pk for pk, _ in rows)
        below = set(own)
        if any(level != RegionLevel.COUNTY for _, level in rows):
            children: dict[int, list[int]] = {}
            for pk, parent_id in Region.objects.exclude(parent=None).values_list("pk", "parent_id"):
                children.setdefault(parent_id, []).append(pk)
            stack = list(own)
            while stack:
                for child in children.get(stack.pop(), ()):
                    if child not in below:
                        below.add(child)
                        stack.append(child)
        cached = user._bianzhi_scope = (own, frozenset(below))
    return cached


def region_ids(user) -> frozenset[int] | None:
    """Ids of the regions an office user reads: the regions of their profile and every region below
    them (a city's counties, a province's cities and counties); None means every region (superuser)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    return _scope(user)[1]


def acting_region_ids(user) -> frozenset[int] | None:
    """Ids of the regions a user acts in: only the regions of their profile (never those below);
    None means every region (superuser)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    return _scope(user)[0]


def works_in(user, region, *, acting: bool = False) -> bool:
    """The user reads this region (their own or one below it) or, with ``acting=True``, acts in it (their
    own only). Superusers cover every region."""
    ids = acting_region_ids(user) if acting else region_ids(user)
    return ids is None or getattr(region, "pk", region) in ids


def authorize(actor, capability: str, *, region=None) -> None:
    """The one check every service makes of its caller: refuse (PermissionDenied, a Chinese message)
    unless the actor holds ``capability`` and, when ``region`` is given, works for that region (acts in
    it, for every capability outside ``REACH_BELOW``).

    ``actor=None`` is the system (see the module docstring) and is allowed."""
    if actor is not None:
        require(actor, capability, region=region)


def ensure_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def actor_name(user) -> str:
    if user is None:
        return "系统"
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile and profile.full_name else "") or user.get_username()
