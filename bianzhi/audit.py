"""Writing the audit trail. Services call ``record``; bulk paths call ``record_many``."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from bianzhi.middleware import client_request_id_var, request_id_var
from bianzhi.models import AuditEntry
from bianzhi.roles import actor_name


def user_of(actor):
    """The user to store in a "by" column: the actor, or None for the system (``actor=None``) and for an
    unsaved stand-in."""
    return actor if actor is not None and actor.pk else None


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of obj as JSON-ready values (foreign keys as their id)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        out[name] = jsonable(value)
    return out


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def build(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    region=None,
    target_repr: str = "",
) -> AuditEntry:
    profile = getattr(actor, "profile", None) if actor is not None else None
    if region is None and target is not None:
        region = getattr(target, "region", None)
    return AuditEntry(
        actor=user_of(actor),
        actor_name=actor_name(actor),
        actor_unit=(profile.department if profile else "")[:100],
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:300],
        region=region,
        request_id=request_id_var.get(),
        client_request_id=client_request_id_var.get(),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason or "",
    )


def record(**kwargs) -> AuditEntry:
    """Write one audit row (call inside the service's transaction)."""
    entry = build(**kwargs)
    entry.save()
    return entry


def record_many(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
