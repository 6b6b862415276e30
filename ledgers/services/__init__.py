"""Keeping the ledgers in step with the registry, and the one correcting write (a reversing entry).

The functions here run inside the transaction of the ``units`` service that sent the signal (see
``ledgers.receivers``). They touch only the units named in the signal: 表一 rows are recounted for
those units with grouped queries, and each change record becomes one 明细账 line.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import authorize
from ledgers.models import (
    INFO_FIELDS,
    POST_PREFIX,
    QUOTA_FIELDS,
    STAFF_FIELDS,
    TYPE_PREFIX,
    EstablishmentRow,
    LimitLedgerEntry,
    UnitLedgerEntry,
)
from units.choices import POST_CATEGORY_OF, Nature, UnitEventKind
from units.models import LeaderPostQuota, Person, Quota, QuotaLimitEntry, Unit, UnitEvent

CHUNK = 500
# Set while ledger_entry_reverse runs the units service, so the receiver writes a reversing line.
_reversing: contextvars.ContextVar[tuple[UnitLedgerEntry, str] | None] = contextvars.ContextVar(
    "ledgers_reversing", default=None
)


def enabled() -> bool:
    """Whether the receivers keep the ledgers (setting LEDGERS_ENABLED, env BIANZHI_LEDGERS, default on)."""
    value = getattr(settings, "LEDGERS_ENABLED", None)
    if value is None:
        value = os.environ.get("BIANZHI_LEDGERS", "1").strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# ---- 表一 ---------------------------------------------------------------------------------------------


def _zero_row() -> dict[str, int]:
    return dict.fromkeys(QUOTA_FIELDS + STAFF_FIELDS, 0)


def _add_staff(out: dict[int, dict[str, Any]], rows: Iterable[tuple[int, str, str, int]]) -> None:
    for unit_id, etype, post, n in rows:
        values = out.get(unit_id)
        if values is None:
            continue
        if etype in TYPE_PREFIX:
            values[f"{TYPE_PREFIX[etype]}_occupied"] += n
        category = POST_CATEGORY_OF.get(post)
        if category:
            values[f"{POST_PREFIX[category]}_held"] += n


def _staff_rows(unit_ids: Sequence[int] | None):
    qs = Person.objects.filter(in_establishment=True)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs.order_by().values_list("unit_id", "establishment_type", "leader_post").annotate(n=Count("id"))


def compute_rows(unit_ids: Sequence[int] | None = None) -> dict[int, dict[str, Any]]:
    """表一 values of the given 法人 units (all when None) computed from the registry, in four queries."""
    units = Unit.objects.exclude(nature=Nature.DIVISION).order_by()
    quotas, posts = Quota.objects.order_by(), LeaderPostQuota.objects.order_by()
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
        quotas, posts = quotas.filter(unit_id__in=unit_ids), posts.filter(unit_id__in=unit_ids)
    out: dict[int, dict[str, Any]] = {}
    for pk, region_id, name, nature, status in units.values_list(*(["pk"] + INFO_FIELDS)).iterator(
        chunk_size=2000
    ):
        out[pk] = {"region_id": region_id, "name": name, "nature": nature, "status": status} | _zero_row()
    if not out:
        return out
    for unit_id, etype, approved in quotas.values_list("unit_id", "establishment_type", "approved").iterator(
        chunk_size=5000
    ):
        if unit_id in out and etype in TYPE_PREFIX:
            out[unit_id][f"{TYPE_PREFIX[etype]}_approved"] = approved
    for unit_id, category, approved in posts.values_list("unit_id", "category", "approved").iterator(
        chunk_size=5000
    ):
        if unit_id in out and category in POST_PREFIX:
            out[unit_id][f"{POST_PREFIX[category]}_approved"] = approved
    _add_staff(out, _staff_rows(unit_ids).iterator(chunk_size=5000))
    return out


def refresh_rows(unit_ids: Iterable[int]) -> int:
    """Recompute the 表一 rows of these units (each once, grouped queries per chunk); returns rows written.

    A few changed rows are updated field by field; many (a bulk load) are replaced in two statements,
    since a CASE-per-field ``bulk_update`` costs more than the recount itself.
    """
    written = 0
    now = timezone.now()
    for chunk in chunks(unit_ids):
        values = compute_rows(chunk)
        existing = {row.pk: row for row in EstablishmentRow.objects.filter(pk__in=list(values))}
        new, changed = [], {}
        for pk, vals in values.items():
            row = existing.get(pk)
            if row is None:
                new.append(EstablishmentRow(unit_id=pk, updated_at=now, **vals))
                continue
            diff = {k: v for k, v in vals.items() if getattr(row, k) != v}
            if diff:
                changed[pk] = diff
        if len(changed) > 20:
            EstablishmentRow.objects.filter(pk__in=list(changed)).delete()
            new += [EstablishmentRow(unit_id=pk, updated_at=now, **values[pk]) for pk in changed]
        else:
            for pk, diff in changed.items():
                EstablishmentRow.objects.filter(pk=pk).update(updated_at=now, **diff)
        EstablishmentRow.objects.bulk_create(new, batch_size=1000)
        written += len(new) + (0 if len(changed) > 20 else len(changed))
    return written


def refresh_staff(unit_ids: Iterable[int]) -> None:
    """After staff moved: recount occupied slots and posts held of these units only (one grouped query)."""
    ids = sorted(set(unit_ids))
    if not ids:
        return
    counts = {pk: dict.fromkeys(STAFF_FIELDS, 0) for pk in ids}
    _add_staff(counts, _staff_rows(ids))
    now = timezone.now()
    missing = [
        pk
        for pk, vals in counts.items()
        if not EstablishmentRow.objects.filter(pk=pk).update(updated_at=now, **vals)
    ]
    if missing:
        refresh_rows(missing)


def legal_unit_ids(unit_ids: Iterable[int]) -> set[int]:
    """The 法人 units that the given units count for (an internal division counts for its parent)."""
    ids = set(unit_ids)
    if not ids:
        return set()
    out = set()
    for pk, nature, parent_id in Unit.objects.filter(pk__in=ids).values_list("pk", "nature", "parent_id"):
        out.add(parent_id if nature == Nature.DIVISION else pk)
    return out


# ---- 明细账 -------------------------------------------------------------------------------------------


def _describe(event: UnitEvent) -> str:
    """备注: what changed, from the record's before/after."""
    before, after = event.before or {}, event.after or {}
    parts = []
    for key in after:
        if key in ("approved", "military_earmark"):
            continue
        old, new = before.get(key), after.get(key)
        if old is None and event.kind in (UnitEventKind.FOUNDED, UnitEventKind.IMPORTED):
            continue
        if old != new:
            parts.append(
                f"{key}：{old if old not in (None, '') else '（空）'}→{new if new not in (None, '') else '（空）'}"
            )
    if event.unit.nature == Nature.DIVISION:
        parts.insert(0, f"内设机构“{event.unit.name}”")
    if (
        event.kind == UnitEventKind.QUOTA
        and "military_earmark" in after
        and before.get("military_earmark") != after.get("military_earmark")
    ):
        parts.append(f"其中军转行政编制：{before.get('military_earmark', 0)}→{after['military_earmark']}")
    return "；".join(parts)[:500]


def _reason(event: UnitEvent) -> str:
    reason = (event.reason or "").strip()
    if event.unit.nature == Nature.DIVISION and event.kind in (
        UnitEventKind.FOUNDED,
        UnitEventKind.ABOLISHED,
        UnitEventKind.MERGED,
        UnitEventKind.RENAMED,
    ):
        prefix = f"{event.kind}内设机构"
        return (prefix if not reason or reason == event.kind else f"{prefix}：{reason}")[:500]
    return (reason or event.kind)[:500]


def _last_balances(unit_ids: Sequence[int]) -> dict[tuple[int, str, str], int]:
    balances: dict[tuple[int, str, str], int] = {}
    for chunk in chunks(unit_ids):
        rows = (
            UnitLedgerEntry.objects.filter(unit_id__in=chunk, balance__isnull=False)
            .order_by("id")
            .values_list("unit_id", "establishment_type", "post_category", "balance")
        )
        for unit_id, etype, category, balance in rows.iterator(chunk_size=5000):
            balances[(unit_id, etype, category)] = balance
    return balances


def append_entries(events: Sequence[UnitEvent]) -> list[UnitLedgerEntry]:
    """One 明细账 line per change record not yet in the ledger, with running balances per type."""
    if not events:
        return []
    done = set(
        UnitLedgerEntry.objects.filter(event_id__in=[e.pk for e in events]).values_list("event_id", flat=True)
    )
    events = sorted((e for e in events if e.pk not in done), key=lambda e: e.pk)
    if not events:
        return []
    ledger_of = {e.pk: (e.unit.parent_id if e.unit.nature == Nature.DIVISION else e.unit_id) for e in events}
    balances = _last_balances(sorted(set(ledger_of.values())))
    reversing = _reversing.get()
    entries = []
    for event in events:
        unit_id = ledger_of[event.pk]
        entry = UnitLedgerEntry(
            unit_id=unit_id,
            subject_id=event.unit_id,
            region_id=event.unit.region_id,
            event=event,
            occurred_on=event.occurred_on,
            kind=event.kind,
            reason=_reason(event),
            doc_number=event.document.number if event.document_id else "",
            establishment_type=event.establishment_type or "",
            post_category=event.post_category or "",
            increase=max(event.delta, 0),
            decrease=max(-event.delta, 0),
            note=_describe(event),
        )
        if reversing is not None and _reverses(reversing[0], entry):
            original, why = reversing
            entry.reverses = original
            entry.increase, entry.decrease = -original.increase, -original.decrease
            entry.note = f"冲销{original.occurred_on:%Y-%m-%d} {original.doc_number}分录：{why}"[:500]
        if entry.establishment_type or entry.post_category:
            key = (unit_id, entry.establishment_type, entry.post_category)
            entry.balance = balances.get(key, 0) + entry.net
            balances[key] = entry.balance
        entries.append(entry)
    return UnitLedgerEntry.objects.bulk_create(entries, batch_size=1000)


def _reverses(original: UnitLedgerEntry, entry: UnitLedgerEntry) -> bool:
    return (
        original.unit_id == entry.unit_id
        and original.establishment_type == entry.establishment_type
        and original.post_category == entry.post_category
        and entry.increase - entry.decrease == -original.net
    )


def sync_events(unit_ids: Iterable[int] | None = None) -> int:
    """Append lines for every change record (of these units and their divisions) not yet in the ledger."""
    qs = UnitEvent.objects.filter(ledger_entry__isnull=True).select_related("unit", "document").order_by("id")
    written = 0
    if unit_ids is None:
        return len(append_entries(list(qs)))
    for chunk in chunks(unit_ids):
        written += len(append_entries(list(qs.filter(Q(unit_id__in=chunk) | Q(unit__parent_id__in=chunk)))))
    return written


# ---- 限额台账 ------------------------------------------------------------------------------------------


def sync_limit_entries(region=None) -> int:
    """Mirror every limit entry not yet in the limit ledger, with running balances per region and type."""
    qs = QuotaLimitEntry.objects.filter(ledger_entry__isnull=True).select_related("document").order_by("id")
    if region is not None:
        qs = qs.filter(region=region)
    pending = list(qs)
    if not pending:
        return 0
    balances: dict[tuple[int, str], int] = {}
    for region_id, limit_type, balance in LimitLedgerEntry.objects.order_by("id").values_list(
        "region_id", "limit_type", "balance"
    ):
        balances[(region_id, limit_type)] = balance
    lines = []
    for src in pending:
        key = (src.region_id, src.limit_type)
        balances[key] = balances.get(key, 0) + src.delta
        lines.append(
            LimitLedgerEntry(
                source=src,
                region_id=src.region_id,
                limit_type=src.limit_type,
                occurred_on=src.occurred_on,
                doc_number=src.document.number,
                increase=max(src.delta, 0),
                decrease=max(-src.delta, 0),
                balance=balances[key],
                note=src.note,
            )
        )
    LimitLedgerEntry.objects.bulk_create(lines)
    return len(lines)


# ---- corrections --------------------------------------------------------------------------------------


def _fail(message: str) -> None:
    raise ValidationError(message)


@transaction.atomic
def ledger_entry_reverse(*, entry: UnitLedgerEntry, reason: str, actor, document=None) -> UnitLedgerEntry:
    """红字冲销: undo a quota or post line of a unit ledger with a reason.

    The registry is changed back through ``units.services`` (so the ledger still agrees with the
    register) and the receiver writes the reversing line, with the reversed line's amounts negated.
    The Document is the reversed line's unless one is given (of the unit's region). Office
    administrators and staff of the unit's region. Audited as ``台账.冲销``.
    """
    from units import services as unit_services
    from units.services.common import check_document_of

    entry = (
        UnitLedgerEntry.objects.select_for_update(of=("self",))
        .select_related("unit", "event__document")
        .get(pk=entry.pk)
    )
    authorize(actor, "edit_registry", region=entry.unit.region_id)
    check_document_of(document, entry.unit.region_id, "冲销")
    reason = (reason or "").strip()
    if not reason:
        _fail("冲销分录必须填写原因。")
    if not enabled():
        _fail("台账功能未启用，不能冲销。")
    if entry.reverses_id is not None:
        _fail("冲销分录不能再次冲销。")
    if UnitLedgerEntry.objects.filter(reverses=entry).exists():
        _fail("该分录已被冲销。")
    if not (entry.establishment_type or entry.post_category) or entry.net == 0:
        _fail("只有编制数或领导职数有增减的分录可以冲销；机构名称、规格等信息请通过机构变更更正。")
    document = document or entry.event.document
    if entry.establishment_type:
        current = Quota.objects.filter(unit=entry.unit, establishment_type=entry.establishment_type).first()
    else:
        current = LeaderPostQuota.objects.filter(unit=entry.unit, category=entry.post_category).first()
    target = (current.approved if current else 0) - entry.net
    if target < 0:
        _fail(f"冲销后{entry.item}将为{target}，不能为负数；请先处理其后的变动。")
    token = _reversing.set((entry, reason))
    try:
        common = {
            "unit": entry.unit,
            "approved": target,
            "document": document,
            "actor": actor,
            "occurred_on": timezone.localdate(),
            "reason": f"冲销：{reason}",
        }
        if entry.establishment_type:
            unit_services.quota_set(establishment_type=entry.establishment_type, **common)
        else:
            unit_services.leader_posts_set(category=entry.post_category, **common)
    finally:
        _reversing.reset(token)
    reversal = UnitLedgerEntry.objects.get(reverses=entry)
    audit.record(
        actor=actor,
        action="台账.冲销",
        target=reversal,
        region=entry.unit.region,
        before={"分录": entry.pk, "增编数": entry.increase, "减编数": entry.decrease},
        after={
            "分录": reversal.pk,
            "增编数": reversal.increase,
            "减编数": reversal.decrease,
            "结余数": reversal.balance,
        },
        reason=reason,
    )
    return reversal
