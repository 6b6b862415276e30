"""``TokenAuth``: the API's one authentication (global: ``NinjaAPI(auth=TokenAuth())``, so no endpoint
is reachable without it — default deny).

``Authorization: Bearer bz1_<prefix>_<random>``. The token is found by its prefix and its secret compared
by hash in constant time; it must be neither revoked nor expired, its account active and still allowed
to hold it (``api.rules``: not an administrator of 三员分立 nor a liaison, a role that uses the API, the
token's region among the account's, a partner clerk's own source). Otherwise 401 with the reason in
Chinese. A call that changes something (any method but GET/HEAD/OPTIONS) needs a token issued with
``can_write`` (403 otherwise).

Rate limits (``api.ratelimit``): an address with too many failed authentications this minute is refused
(429) before its token is looked at; a token's calls are counted per minute (429 above the limit).

After it, ``request.auth`` is the ApiToken and ``request.user`` its account.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from api import keys, ratelimit, rules, selectors
from api.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MISSING = "未认证：请在请求头中提供接口令牌（Authorization: Bearer <令牌>）。"
INVALID = "接口令牌无效。"
TOO_MANY_FAILURES = "认证失败次数过多，请一分钟后再试。"
TOO_MANY_CALLS = "本令牌调用过于频繁（每分钟最多{limit}次），请稍后再试。"
READ_ONLY = "本令牌为只读令牌，不能写入。"
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most once a minute per token


def client_ip(request) -> str:
    """The caller's address (``REMOTE_ADDR``, as django-axes reads it; see docs/api.md behind a proxy)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def token_problem(token: ApiToken, now=None) -> str | None:
    """Why this token may not be used now (Chinese), or None."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "接口令牌已吊销。"
    if token.expires_at <= now:
        return f"接口令牌已于{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}过期。"
    problem = rules.scope_problem(token.account, region=token.region_id, source=token.source)
    if problem:
        return f"接口令牌已失效：{problem[1]}"
    return None


def authenticate_request(request) -> ApiToken:
    """The token of this request, or AuthenticationError (401) / RateLimited (429) / AuthorizationError
    (403, a write with a read-only token). Sets ``request.auth`` and ``request.user``."""
    ip = client_ip(request)
    failed_key = f"ip:{ip}"
    ratelimit.check(failed_key, ratelimit.failed_limit(), TOO_MANY_FAILURES)

    def fail(message: str):
        ratelimit.hit(failed_key, ratelimit.failed_limit(), TOO_MANY_FAILURES)
        raise AuthenticationError(401, message)

    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        fail(MISSING)
    request.api_token_prefix = keys.prefix_of(secret) or ""
    token = selectors.token_for_secret(secret)
    if token is None:
        fail(INVALID)
    now = timezone.now()
    if problem := token_problem(token, now):
        fail(problem)
    request.auth = token
    request.user = token.account
    limit = ratelimit.token_limit()
    ratelimit.hit(f"t:{token.pk}", limit, TOO_MANY_CALLS.format(limit=limit))
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    if request.method not in SAFE_METHODS and not token.can_write:
        raise AuthorizationError(403, READ_ONLY)
    return token


class TokenAuth(HttpBearer):
    """Bearer token of an account (see the module docstring)."""

    openapi_bearerFormat = "bz1_<前缀>_<随机串>"
    openapi_description = "安全管理员签发的接口令牌，放在请求头 Authorization: Bearer <令牌> 中。"

    def __call__(self, request):
        return authenticate_request(request)

    def authenticate(self, request, token):  # pragma: no cover - __call__ reads the header itself
        return authenticate_request(request)
