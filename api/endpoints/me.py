"""``GET /api/v1/me``: who the token speaks for — the partner's first call."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema

from api import scoping, selectors
from api.ratelimit import token_limit
from bianzhi.roles import CAPABILITIES, actor_name, can

TAG = "令牌信息"
PREFIX = "/"  # mounted at the API's root: the operation is /api/v1/me
router = Router(tags=[TAG])


class RegionOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    account: str
    name: str
    roles: list[str]
    capabilities: list[str]
    token: str
    token_name: str
    region: RegionOut
    regions: list[RegionOut]
    source: str
    can_write: bool
    personal_data: bool
    expires_at: dt.datetime
    rate_per_minute: int


@router.get(
    "/me",
    response=MeOut,
    summary="查询本令牌的账号和范围",
    description="返回令牌所属账号、角色、区划（含下级区划）、数据来源、是否可写入、是否可查看个人信息和有效期。"
    "个人信息范围取令牌设置与账号权限的交集。",
)
def me(request):
    token = scoping.need(request)
    regions = selectors.regions_by_ids(scoping.token_region_ids(request))
    scoping.rows(request, 1)
    account = token.account
    return {
        "account": account.get_username(),
        "name": actor_name(account),
        "roles": selectors.account_role_names(account),
        "capabilities": sorted(cap for cap in CAPABILITIES if can(account, cap)),
        "token": token.prefix,
        "token_name": token.name,
        "region": {"code": token.region.code, "name": token.region.name},
        "regions": [{"code": r.code, "name": r.name} for r in regions],
        "source": token.source,
        "can_write": token.can_write,
        "personal_data": scoping.personal(request),
        "expires_at": timezone.localtime(token.expires_at),
        "rate_per_minute": token_limit(),
    }
