"""Issuing and revoking API tokens: the 安全管理员's work (capability ``issue_tokens``, 三员分立 — a token
is a grant of access, like a role). The secret is returned once by ``token_issue`` and never stored, not
even in the audit row (only its prefix is)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api import keys, rules
from api.models import ApiToken
from bianzhi import audit
from bianzhi.roles import authorize

FIELDS = ("account", "name", "prefix", "region", "source", "can_write", "personal_data", "expires_at")


def _snapshot(token: ApiToken) -> dict:
    data = audit.snapshot(token, FIELDS)
    data["account"] = token.account.get_username()
    data["region"] = token.region.code
    return data


def token_issue(
    *,
    account,
    name: str,
    region,
    expires_at: dt.datetime,
    source: str = "",
    can_write: bool = False,
    personal_data: bool = False,
    actor,
) -> tuple[ApiToken, str]:
    """A new token of ``account``; returns (token, secret) — the secret is shown once and never kept.

    Refused (ValidationError, Chinese, per field) unless the account may hold a token of this region and
    source (``api.rules``), ``can_write`` only for a role that writes, ``personal_data`` only for an
    account that sees full ID numbers, and the expiry lies ahead within API_TOKEN_MAX_DAYS."""
    authorize(actor, "issue_tokens", region=region)
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写令牌名称（用途）。"
    if problem := rules.scope_problem(account, region=region, source=source or ""):
        errors[problem[0]] = problem[1]
    if can_write and not rules.may_write(account):
        errors["can_write"] = rules.WRITE_REFUSED
    if personal_data and not rules.full_ids(account):
        errors["personal_data"] = rules.PERSONAL_REFUSED
    now = timezone.now()
    longest = now + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS)
    if expires_at is None or expires_at <= now:
        errors["expires_at"] = "有效期必须晚于现在。"
    elif expires_at > longest:
        errors["expires_at"] = (
            f"有效期最长{settings.API_TOKEN_MAX_DAYS}天（至{timezone.localtime(longest):%Y-%m-%d}）。"
        )
    if errors:
        raise ValidationError(errors)
    prefix, secret = keys.new_secret()
    while ApiToken.objects.filter(
        prefix=prefix
    ).exists():  # 8 hex characters: a clash is rare, not impossible
        prefix, secret = keys.new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            account=account,
            name=name,
            prefix=prefix,
            key_hash=keys.hash_secret(secret),
            region=region,
            source=source or "",
            can_write=can_write,
            personal_data=personal_data,
            issued_by=audit.user_of(actor),
            issued_at=now,
            expires_at=expires_at,
        )
        audit.record(actor=actor, action="接口令牌.签发", target=token, after=_snapshot(token))
    return token, secret


def token_revoke(*, token: ApiToken, reason: str, actor) -> ApiToken:
    """Revoke a token (at once: its next call is refused with 401). A reason is required."""
    authorize(actor, "issue_tokens", region=token.region)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写吊销原因。"})
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationError("该令牌已经吊销。")
        token.revoked_at = timezone.now()
        token.revoked_by = audit.user_of(actor)
        token.revoke_reason = reason[:200]
        token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record(
            actor=actor,
            action="接口令牌.吊销",
            target=token,
            before={"status": "有效"},
            after={"status": "已吊销", "prefix": token.prefix},
            reason=token.revoke_reason,
        )
    return token
