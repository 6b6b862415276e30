"""Reads of the accounts pages, scoped to the office administrator's regions (404 outside them)."""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from guardian.models import UserObjectPermission
from guardian.shortcuts import get_objects_for_user

from bianzhi.models import AuditEntry, Region
from bianzhi.roles import can, region_ids
from units.choices import Nature, UnitStatus
from units.models import Unit


def administers_accounts(user) -> bool:
    """The system administrator (keeps accounts) or the security administrator (gives their roles and
    unit grants): both work on the accounts of their regions (三员分立)."""
    return can(user, "manage_users") or can(user, "grant_roles")


def manageable_regions(user) -> QuerySet[Region]:
    """Regions whose accounts the user administers (system or security administrator)."""
    if not administers_accounts(user):
        return Region.objects.none()
    ids = region_ids(user)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)


def _liaison_grants(unit_ids) -> QuerySet[UserObjectPermission]:
    return UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Unit),
        permission__codename="liaise_unit",
        object_pk__in=[str(pk) for pk in unit_ids],
    )


def accounts_for(user) -> QuerySet:
    """Accounts of the user's regions: their profile names one, or they are liaison of one of its
    units. Superuser accounts are listed only to superusers."""
    if not administers_accounts(user):
        return get_user_model().objects.none()
    users = get_user_model().objects.all()
    ids = region_ids(user)
    if ids is not None:
        unit_ids = Unit.objects.filter(region_id__in=ids).values_list("pk", flat=True)
        liaisons = _liaison_grants(unit_ids).values("user_id")
        users = users.filter(Q(profile__regions__in=ids) | Q(pk__in=liaisons), is_superuser=False)
    return users.distinct()


def account_for(user, pk) -> object:
    try:
        return accounts_for(user).select_related("profile").get(pk=pk)
    except (get_user_model().DoesNotExist, ValueError):
        raise Http404("没有找到该账号。") from None


def liaison_units(account) -> QuerySet[Unit]:
    """The units an account is liaison of."""
    units = get_objects_for_user(account, "units.liaise_unit", klass=Unit, accept_global_perms=False)
    return units.select_related("region").order_by("name")


def unit_of_regions(user, pk) -> Unit:
    """A unit of the regions whose accounts the user administers (the liaison pages), else 404."""
    try:
        return Unit.objects.select_related("region").get(pk=pk, region__in=manageable_regions(user))
    except (Unit.DoesNotExist, ValueError):
        raise Http404("没有找到该单位。") from None


def grantable_units(user) -> QuerySet[Unit]:
    """Live 法人 units of the administrator's regions (a liaison is never set on a 内设机构)."""
    return (
        Unit.objects.filter(region__in=manageable_regions(user), status=UnitStatus.ACTIVE)
        .exclude(nature=Nature.DIVISION)
        .order_by("region__code", "name")
    )


def unit_liaisons(unit) -> QuerySet:
    """The accounts that are liaison of ``unit``."""
    ids = _liaison_grants([unit.pk]).values("user_id")
    return get_user_model().objects.filter(pk__in=ids).select_related("profile").order_by("username")


def has_region() -> bool:
    """The database holds a region (the set-up of the first county is done)."""
    return Region.objects.exists()


def account_list(user, data: dict) -> QuerySet:
    """The accounts page: the user's accounts searched by name, phone or department, by role and state."""
    users = accounts_for(user).select_related("profile").prefetch_related("groups")
    if q := (data.get("q") or "").strip():
        users = users.filter(
            Q(username__icontains=q)
            | Q(profile__full_name__icontains=q)
            | Q(profile__phone__icontains=q)
            | Q(profile__department__icontains=q)
        )
    if role := data.get("role"):
        users = users.filter(groups__name=role)
    if active := data.get("active"):
        users = users.filter(is_active=active == "1")
    return users.order_by("username")


def account_regions(account) -> QuerySet[Region]:
    """The regions named by an account's profile."""
    profile = getattr(account, "profile", None)
    return profile.regions.order_by("code") if profile else Region.objects.none()


def audit_entries(user, data: dict) -> QuerySet[AuditEntry]:
    """The audit trail page (审计管理员 only; nobody else): the entries of the user's regions, plus those
    without a region made by the system or by an account of those regions, newest first; searched by
    actor (name or account), action, target text, date range and region."""
    if not can(user, "read_audit"):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.select_related("region", "actor")
    ids = region_ids(user)
    if ids is not None:
        own_actors = get_user_model().objects.filter(profile__regions__in=ids).values("pk")
        entries = entries.filter(
            Q(region_id__in=ids)
            | Q(region__isnull=True, actor__isnull=True)
            | Q(region__isnull=True, actor__in=own_actors)
        )
    if actor := (data.get("actor") or "").strip():
        entries = entries.filter(Q(actor_name__icontains=actor) | Q(actor__username__icontains=actor))
    if action := (data.get("action") or "").strip():
        entries = entries.filter(action__icontains=action)
    if target := (data.get("target") or "").strip():
        entries = entries.filter(Q(target_repr__icontains=target) | Q(target_id=target))
    if since := data.get("since"):
        entries = entries.filter(at__date__gte=since)
    if until := data.get("until"):
        entries = entries.filter(at__date__lte=until)
    if region := data.get("region"):
        entries = entries.filter(region=region)
    return entries.order_by("-at", "-id")


def audit_regions(user) -> QuerySet[Region]:
    """The regions an audit administrator may search by."""
    if not can(user, "read_audit"):
        return Region.objects.none()
    ids = region_ids(user)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)


def login_locks(user) -> dict:
    """The current login locks: user names and addresses whose failures within the cool-off time reached
    the limit, each with its failures, last attempt and the end of the lock (administrators only)."""
    if not can(user, "grant_roles"):
        return {"users": [], "addresses": [], "limit": settings.AXES_FAILURE_LIMIT}
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    limit = settings.AXES_FAILURE_LIMIT

    def grouped(field: str) -> list[dict]:
        rows = (
            attempts.exclude(**{field: None})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by("-last")
        )
        return [
            {
                "key": row[field],
                "failures": row["failures"],
                "last": row["last"],
                "until": row["last"] + cool_off if cool_off else None,
            }
            for row in rows
        ]

    return {"users": grouped("username"), "addresses": grouped("ip_address"), "limit": limit}


def region_tree(user) -> list[tuple[Region, int]]:
    """The regions the system administrator keeps (their own and every one below), each with its depth
    under the highest of them, in tree order (a province, its cities, each city's counties)."""
    if not can(user, "manage_users"):
        return []
    regions = list(manageable_regions(user).select_related("parent").order_by("code"))
    ids = {r.pk for r in regions}
    children: dict[int | None, list[Region]] = {}
    for r in regions:
        children.setdefault(r.parent_id if r.parent_id in ids else None, []).append(r)
    out: list[tuple[Region, int]] = []

    def walk(parent_id, depth):
        for r in children.get(parent_id, []):
            out.append((r, depth))
            walk(r.pk, depth + 1)

    walk(None, 0)
    return out
