"""Reads of the api app, scoped to the user: the token pages (the 安全管理员's regions), the token a
secret names, and the regions a token reaches."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from api import keys
from api.models import ApiToken
from bianzhi.models import Region
from bianzhi.roles import Role, can, region_ids


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is (prefix looked up, hash compared in constant time), or None."""
    prefix = keys.prefix_of(secret)
    if prefix is None:
        return None
    token = (
        ApiToken.objects.select_related("account", "account__profile", "region").filter(prefix=prefix).first()
    )
    if token is None or not keys.matches(secret, token.key_hash):
        return None
    return token


def region_subtree(region_id: int) -> frozenset[int]:
    """The region and every region below it (one query of the (id, parent) pairs, walked in memory)."""
    children: dict[int, list[int]] = {}
    for pk, parent_id in Region.objects.exclude(parent=None).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = {region_id}, [region_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)


def _scoped(user) -> QuerySet[ApiToken]:
    if not can(user, "issue_tokens"):
        return ApiToken.objects.none()
    tokens = ApiToken.objects.select_related("account", "account__profile", "region", "issued_by")
    ids = region_ids(user)
    return tokens if ids is None else tokens.filter(region_id__in=ids)


def token_list(user, data: dict) -> QuerySet[ApiToken]:
    """The token page: tokens of the user's regions, searched by name, prefix or account, by status."""
    tokens = _scoped(user)
    if q := (data.get("q") or "").strip():
        tokens = tokens.filter(
            Q(name__icontains=q)
            | Q(prefix__istartswith=q)
            | Q(account__username__icontains=q)
            | Q(account__profile__full_name__icontains=q)
        )
    now = timezone.now()
    status = data.get("status")
    if status == ApiToken.Status.ACTIVE:
        tokens = tokens.filter(revoked_at__isnull=True, expires_at__gt=now)
    elif status == ApiToken.Status.EXPIRED:
        tokens = tokens.filter(revoked_at__isnull=True, expires_at__lte=now)
    elif status == ApiToken.Status.REVOKED:
        tokens = tokens.filter(revoked_at__isnull=False)
    return tokens.order_by("-issued_at", "-id")


def token_or_404(user, pk: int) -> ApiToken:
    token = _scoped(user).filter(pk=pk).first()
    if token is None:
        raise Http404("接口令牌不存在，或不在您的管理范围内。")
    return token


def issuable_accounts(user) -> QuerySet:
    """Active accounts of the user's regions with a role that may use the API (office roles, partner
    clerks); the issue service checks each rule again."""
    if not can(user, "issue_tokens"):
        return get_user_model().objects.none()
    ids = region_ids(user)
    accounts = get_user_model().objects.filter(
        is_active=True,
        is_superuser=False,
        groups__name__in=[Role.OFFICE_ADMIN, Role.OFFICE_STAFF, Role.SUPERVISOR, Role.PARTNER],
    )
    if ids is not None:
        accounts = accounts.filter(profile__regions__in=ids)
    return accounts.select_related("profile").distinct().order_by("username")


def issuable_regions(user) -> QuerySet[Region]:
    if not can(user, "issue_tokens"):
        return Region.objects.none()
    ids = region_ids(user)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)


def account_role_names(account) -> list[str]:
    """The names of the account's roles (for ``GET /api/v1/me``)."""
    names = set(account.groups.values_list("name", flat=True))
    return [role.value for role in Role if role.value in names]


def regions_by_ids(ids) -> list[Region]:
    return list(Region.objects.filter(pk__in=ids).order_by("code"))
