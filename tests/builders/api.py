"""API tokens and calls for the API tests (issue 16).

token, secret = make_token(user, region=region, write=True)
response = api_get(client, "/api/v1/me", secret)
response = api_post(client, "/api/v1/…/", secret, {"field": "value"})   # JSON body
"""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from api import keys
from api.models import ApiToken
from bianzhi.models import AuditEntry, Region


def make_token(
    user,
    *,
    region=None,
    source: str = "",
    write: bool = False,
    personal: bool = False,
    name: str = "测试令牌",
    expires_at=None,
    issued_by=None,
) -> tuple[ApiToken, str]:
    """A token of ``user`` stored directly (no rule is checked: tests of the rules go through
    ``api.services.token_issue``). ``region`` defaults to the user's first region; a partner clerk's
    ``source`` defaults to their department's."""
    if region is None:
        region = Region.objects.filter(profile__user=user).order_by("code").first()
    if not source:
        from verification.findings.selectors import partner_source

        if not user.groups.filter(name="编办管理员").exists():
            source = partner_source(user) or ""
    prefix, secret = keys.new_secret()
    now = timezone.now()
    token = ApiToken.objects.create(
        account=user,
        name=name,
        prefix=prefix,
        key_hash=keys.hash_secret(secret),
        region=region,
        source=source,
        can_write=write,
        personal_data=personal,
        issued_by=issued_by,
        issued_at=now - dt.timedelta(days=1),
        expires_at=expires_at or now + dt.timedelta(days=365),
    )
    return token, secret


def bearer(secret: str) -> dict:
    """The header of a call with this secret (for ``client.get(url, headers=bearer(secret))``)."""
    return {"Authorization": f"Bearer {secret}"}


def api_get(client, url: str, secret: str | None = None, **params):
    headers = bearer(secret) if secret else {}
    return client.get(url, params or None, headers=headers)


def api_post(client, url: str, secret: str | None, data=None, *, method: str = "post"):
    """A JSON call (POST, or ``method="put"/"patch"/"delete"``)."""
    headers = bearer(secret) if secret else {}
    call = getattr(client, method)
    return call(
        url, json.dumps(data if data is not None else {}), content_type="application/json", headers=headers
    )


def api_calls(**filters):
    """The audit rows of API calls (newest first)."""
    return AuditEntry.objects.filter(action__startswith="接口.", **filters).order_by("-id")


def partner_of(user, department: str = "人社局"):
    """Give a partner clerk a department that maps to a source (人社局 → si, 财政局 → finance, 组织部 → org)."""
    user.profile.department = department
    user.profile.save(update_fields=["department"])
    return user


# ---- the URL walk (tests/test_url_walk.py) --------------------------------------------------------------

URL_PK_KIND = {"tokens:token_detail": "api_token", "tokens:token_revoke": "api_token"}


def url_objects(unit) -> dict:
    """A token of an office account of the unit's region (its prefix digits only: the Chinese walk reads
    the pages' text, and a prefix is data, not interface)."""
    from bianzhi.roles import Role
    from tests.builders.registry import make_user

    account = make_user("api_walk", Role.OFFICE_STAFF, regions=[unit.region], full_name="接口走查")
    token, _ = make_token(account, region=unit.region, name="走查令牌")
    ApiToken.objects.filter(pk=token.pk).update(prefix="20261207")
    token.refresh_from_db()
    return {"api_token": token}
