"""Rebuild every ledger from the source records and compare with what the receivers kept.

``differences()`` returns one Chinese line per disagreement: 表一 against the registry (账实相符),
each 明细账 line against its change record, running balances, final balances against the approved
quotas and posts, and the limit ledger against the limit entries and the allocated quotas.
All reads are grouped queries streamed with ``iterator``, so 100,000 people is a few queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from bianzhi.models import Region
from ledgers.models import (
    INFO_FIELDS,
    QUOTA_FIELDS,
    STAFF_FIELDS,
    EstablishmentRow,
    LedgerCheck,
    LimitLedgerEntry,
    UnitLedgerEntry,
)
from ledgers.services import compute_rows, refresh_rows, sync_events, sync_limit_entries
from units.choices import LIMIT_COVERS, Nature, UnitStatus
from units.models import LeaderPostQuota, Quota, QuotaLimitEntry, Unit, UnitEvent

FIELD_LABELS = {f.attname: f.verbose_name for f in EstablishmentRow._meta.concrete_fields}
FIELD_LABELS["region_id"] = "区划"
ITER = 5000


@dataclass
class Report:
    """What a rebuild found: the differences and a few counts for the record."""

    differences: list[str] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differences


def _names() -> dict[int, str]:
    return dict(Unit.objects.order_by().values_list("pk", "name").iterator(chunk_size=ITER))


def check_rows(report: Report, names: dict[int, str]) -> None:
    """表一 against a full recount of quotas, posts and people (账实相符)."""
    expected = compute_rows(None)
    columns = ["pk"] + INFO_FIELDS + QUOTA_FIELDS + STAFF_FIELDS
    seen = set()
    for values in EstablishmentRow.objects.order_by().values_list(*columns).iterator(chunk_size=ITER):
        pk, stored = values[0], dict(zip(columns[1:], values[1:], strict=True))
        seen.add(pk)
        want = expected.get(pk)
        if want is None:
            report.differences.append(f"表一 {stored['name']}：不是法人单位，不应有表一行")
            continue
        for key, value in want.items():
            if stored[key] != value:
                report.differences.append(
                    f"表一 {names.get(pk, pk)} {FIELD_LABELS[key]}：台账为{stored[key]}，重算为{value}"
                )
    for pk in expected.keys() - seen:
        report.differences.append(f"表一 缺少 {names.get(pk, pk)} 的行")
    report.summary["表一行数"] = len(expected)


def check_unit_ledger(report: Report, names: dict[int, str]) -> None:
    """Each change record has its 明细账 line with the same amount; balances run and end at the register."""
    missing = (
        UnitEvent.objects.filter(ledger_entry__isnull=True)
        .order_by("id")
        .values_list("unit_id", "occurred_on", "kind")
    )
    for unit_id, occurred_on, kind in missing.iterator(chunk_size=ITER):
        report.differences.append(
            f"单位台账 {names.get(unit_id, unit_id)}：缺少{occurred_on:%Y-%m-%d}“{kind}”的分录"
        )
    columns = (
        "id",
        "unit_id",
        "establishment_type",
        "post_category",
        "increase",
        "decrease",
        "balance",
        "occurred_on",
        "event__unit_id",
        "event__unit__nature",
        "event__unit__parent_id",
        "event__establishment_type",
        "event__post_category",
        "event__delta",
        "event__balance",
    )
    running: dict[tuple[int, str, str], int] = defaultdict(int)
    count = 0
    for row in UnitLedgerEntry.objects.order_by("id").values_list(*columns).iterator(chunk_size=ITER):
        (
            pk,
            unit_id,
            etype,
            category,
            inc,
            dec,
            balance,
            day,
            ev_unit,
            ev_nature,
            ev_parent,
            ev_type,
            ev_cat,
            ev_delta,
            ev_balance,
        ) = row
        count += 1
        label = f"单位台账 {names.get(unit_id, unit_id)} {day:%Y-%m-%d}分录（第{pk}号）"
        legal = ev_parent if ev_nature == Nature.DIVISION else ev_unit
        if unit_id != legal or (etype, category) != (ev_type or "", ev_cat or ""):
            report.differences.append(f"{label}：所属单位或编制类型与变更记录不符")
        if inc - dec != ev_delta:
            report.differences.append(f"{label}：增减数为{inc - dec}，变更记录为{ev_delta}")
        if not (etype or category):
            continue
        key = (unit_id, etype, category)
        running[key] += inc - dec
        if balance != running[key]:
            report.differences.append(f"{label}：结余数为{balance}，按分录累计应为{running[key]}")
        if ev_balance is not None and balance != ev_balance:
            report.differences.append(f"{label}：结余数为{balance}，变更记录为{ev_balance}")
    _check_final_balances(report, names, running)
    report.summary["单位台账分录数"] = count


def _check_final_balances(
    report: Report, names: dict[int, str], running: dict[tuple[int, str, str], int]
) -> None:
    approved: dict[tuple[int, str, str], int] = {}
    for unit_id, etype, n in Quota.objects.order_by().values_list(
        "unit_id", "establishment_type", "approved"
    ):
        approved[(unit_id, etype, "")] = n
    for unit_id, category, n in LeaderPostQuota.objects.order_by().values_list(
        "unit_id", "category", "approved"
    ):
        approved[(unit_id, "", category)] = n
    for key in sorted(approved.keys() | running.keys()):
        have, want = running.get(key, 0), approved.get(key, 0)
        if have != want:
            unit_id, etype, category = key
            item = etype or f"{category}职数"
            report.differences.append(
                f"单位台账 {names.get(unit_id, unit_id)} {item}：结余数为{have}，核定数为{want}"
            )


def check_limit_ledger(report: Report) -> None:
    """Limit lines mirror the limit entries with running balances; allocated quotas stay within limits."""
    region_names = dict(Region.objects.values_list("pk", "name"))
    missing = QuotaLimitEntry.objects.filter(ledger_entry__isnull=True).order_by("id")
    for region_id, limit_type, day in missing.values_list("region_id", "limit_type", "occurred_on"):
        report.differences.append(
            f"限额台账 {region_names.get(region_id)} {limit_type}：缺少{day:%Y-%m-%d}的分录"
        )
    running: dict[tuple[int, str], int] = defaultdict(int)
    columns = (
        "id",
        "region_id",
        "limit_type",
        "increase",
        "decrease",
        "balance",
        "occurred_on",
        "source__region_id",
        "source__limit_type",
        "source__delta",
    )
    for (
        pk,
        region_id,
        ltype,
        inc,
        dec,
        balance,
        day,
        s_region,
        s_type,
        s_delta,
    ) in LimitLedgerEntry.objects.order_by("id").values_list(*columns):
        label = f"限额台账 {region_names.get(region_id)} {ltype} {day:%Y-%m-%d}分录（第{pk}号）"
        if (region_id, ltype) != (s_region, s_type) or inc - dec != s_delta:
            report.differences.append(f"{label}：与限额记录不符")
        running[(region_id, ltype)] += inc - dec
        if balance != running[(region_id, ltype)]:
            report.differences.append(
                f"{label}：结余数为{balance}，按分录累计应为{running[(region_id, ltype)]}"
            )
    for (region_id, ltype), limit in sorted(running.items()):
        allocated = (
            Quota.objects.filter(
                unit__region_id=region_id,
                unit__status=UnitStatus.ACTIVE,
                establishment_type__in=LIMIT_COVERS[ltype],
            ).aggregate(n=Sum("approved"))["n"]
            or 0
        )
        if allocated > limit:
            report.differences.append(
                f"限额台账 {region_names.get(region_id)} {ltype}：已核定{allocated}名，超出限额{limit}名"
            )


def differences() -> Report:
    """Rebuild every ledger from the source records and list every difference."""
    report = Report()
    names = _names()
    check_limit_ledger(report)
    check_unit_ledger(report, names)
    check_rows(report, names)
    return report


def run_check(*, actor=None, limit: int = 2000) -> tuple[LedgerCheck, Report]:
    """Run ``differences`` and record the result (the first ``limit`` lines) for the dashboard."""
    started = timezone.now()
    report = differences()
    check = LedgerCheck.objects.create(
        started_at=started,
        ok=report.ok,
        difference_count=len(report.differences),
        differences=report.differences[:limit],
        summary=report.summary | {"耗时毫秒": int((timezone.now() - started) / dt.timedelta(milliseconds=1))},
        actor=actor if actor is not None and actor.pk else None,
    )
    return check, report


def repair() -> dict[str, int]:
    """Bring the ledgers back in step after the receivers were off: append missing lines, refresh 表一.

    Append-only: nothing is edited or deleted; a wrong line still shows in the check and must be
    reversed by hand.
    """
    ids = list(Unit.objects.exclude(nature=Nature.DIVISION).values_list("pk", flat=True))
    return {"限额台账": sync_limit_entries(), "单位台账": sync_events(None), "表一": refresh_rows(ids)}
