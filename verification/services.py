"""Writes of the verification app: recording a comparison run, moving a finding through its statuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from bianzhi import audit
from units.models import Unit
from verification.compare.engine import Result
from verification.models import TRANSITIONS, ComparisonRun, Finding, FindingEvent, FindingStatus

BATCH = 2000
FIELDS = (
    "code",
    "source",
    "unit_name",
    "person_name",
    "id_number",
    "category",
    "reg_info",
    "cmp_info",
    "note",
)


LIMITS = {"unit_name": 200, "person_name": 100, "id_number": 60, "category": 20}


def _actor_name(actor) -> str:
    return audit.actor_name(actor) or "系统"


def _values(f) -> dict:
    return {name: str(getattr(f, name) or "")[: LIMITS.get(name, 10_000)] for name in FIELDS}


@transaction.atomic
def comparison_record(
    *, region, result: Result, sources: Sequence[str], cutoff: dt.date | None, actor
) -> ComparisonRun:
    """Store a run's findings under their stable keys: new keys are created (待核实), known keys get this
    run as ``last_run`` (their status is kept), keys not found again are gone (an event says so).
    Called by the compare page and command; audited."""
    run = ComparisonRun.objects.create(
        region=region,
        cutoff=cutoff,
        sources=list(sources),
        finding_count=len(result.findings),
        actor=actor if actor and actor.pk else None,
        stats={s: vars(v) for s, v in result.stats.items()},
    )
    known = dict(Finding.objects.filter(region=region).values_list("key", "id"))
    unit_ids = {f.unit_id for f in result.findings if f.unit_id}
    townships = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "township"))
    new, seen = [], []
    for f in result.findings:
        pk = known.get(f.key[:300])
        if pk is not None:
            seen.append(pk)
            continue
        new.append(
            Finding(
                region=region,
                key=f.key[:300],
                unit_id=f.unit_id if f.unit_id in townships else None,
                township=townships.get(f.unit_id, ""),
                first_run=run,
                last_run=run,
                **_values(f),
            )
        )
    Finding.objects.bulk_create(new, batch_size=BATCH)
    for i in range(0, len(seen), BATCH):
        Finding.objects.filter(pk__in=seen[i : i + BATCH]).update(last_run=run)
    gone = list(
        Finding.objects.filter(region=region)
        .exclude(last_run=run)
        .exclude(status__in=[FindingStatus.FIXED, FindingStatus.UNFOUNDED])
        .filter(last_run__in=_previous_run(region, run))
        .values_list("pk", flat=True)
    )
    name = _actor_name(actor)
    FindingEvent.objects.bulk_create(
        [FindingEvent(finding_id=pk, run=run, actor_name=name, text="本次比对未再发现此问题") for pk in gone],
        batch_size=BATCH,
    )
    run.new_count, run.gone_count = len(new), len(gone)
    run.save(update_fields=["new_count", "gone_count"])
    audit.record(
        actor=actor,
        action="比对.运行",
        target=run,
        region=region,
        after={
            "sources": list(sources),
            "findings": len(result.findings),
            "new": len(new),
            "gone": len(gone),
        },
    )
    return run


def _previous_run(region, run: ComparisonRun) -> list[int]:
    previous = (
        ComparisonRun.objects.filter(region=region, pk__lt=run.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    return list(previous[:1])


@transaction.atomic
def finding_transition(*, finding: Finding, to_status: str, actor, text: str = "") -> Finding:
    """Move a finding to another status (TRANSITIONS); records the event and an audit row.
    The liaison's answer is 待核实 → 已说明 with a text; the office accepts or returns it."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if to_status not in TRANSITIONS.get(finding.status, ()):
        raise ValidationError(f"问题状态不能从“{finding.status}”改为“{to_status}”。")
    if to_status == FindingStatus.EXPLAINED and not text.strip():
        raise ValidationError({"text": "请填写说明。"})
    before = finding.status
    finding.status = to_status
    finding.save(update_fields=["status"])
    FindingEvent.objects.create(
        finding=finding,
        actor=actor if actor and actor.pk else None,
        actor_name=_actor_name(actor),
        from_status=before,
        to_status=to_status,
        text=text,
    )
    audit.record(
        actor=actor,
        action="比对问题.状态",
        target=finding,
        region=finding.region,
        before={"status": before},
        after={"status": to_status},
        reason=text,
    )
    return finding
