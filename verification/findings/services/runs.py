"""A comparison run: the register against the region's partner data, its findings recorded under their
stable keys (new / still open / gone), the unmatched units and the result workbook kept."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.lib.xlsx import UnreadableWorkbook
from bianzhi.roles import actor_name, authorize
from units.models import Unit
from verification.compare.data import PARTNER_SOURCES
from verification.compare.engine import Result, compare
from verification.compare.matching import UnitMatcher
from verification.compare.sources import read_partner
from verification.compare.workbook import write_result
from verification.findings.models import (
    ComparisonRun,
    Finding,
    FindingEvent,
    FindingStatus,
    PartnerUpload,
    UploadStatus,
)
from verification.findings.register import load_register

SOURCE_ORDER = {s: i for i, s in enumerate(PARTNER_SOURCES)}

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


def _values(f) -> tuple[str, ...]:
    """The finding's FIELDS, in that order, as text cut to the columns' lengths."""
    return tuple(str(getattr(f, name) or "")[: LIMITS.get(name, 10_000)] for name in FIELDS)


class _Silent:
    """Progress for a comparison run outside a job (the command, a campaign's compare): reports nothing."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@transaction.atomic
def comparison_record(
    *, region, result: Result, sources: Sequence[str], cutoff: dt.date | None, actor, progress=None
) -> ComparisonRun:
    """Store a run's findings under their stable keys: new keys are created (待核实), known keys get this
    run as ``last_run`` (their status is kept), keys not found again are gone (an event says so).
    Called by the compare page and command; office administrators and staff of the region; audited.
    ``progress`` (a job's ``jobs.progress.Progress``) counts the findings written."""
    progress = progress or _Silent()
    authorize(actor, "run_comparison", region=region)
    run = ComparisonRun.objects.create(
        region=region,
        cutoff=cutoff,
        sources=list(sources),
        finding_count=len(result.findings),
        actor=audit.user_of(actor),
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
            (
                region.pk,
                f.key[:300],
                f.unit_id if f.unit_id in townships else None,
                townships.get(f.unit_id, ""),
                run.pk,
                run.pk,
                FindingStatus.OPEN.value,
                False,
                *_values(f),
            )
        )
    _write_new(new, progress)
    for i in range(0, len(seen), BATCH):
        Finding.objects.filter(pk__in=seen[i : i + BATCH]).update(last_run=run)
        progress.advance(len(seen[i : i + BATCH]))
    gone = list(
        Finding.objects.filter(region=region)
        .exclude(last_run=run)
        .exclude(status__in=[FindingStatus.FIXED, FindingStatus.UNFOUNDED])
        .filter(last_run__in=_previous_run(region, run))
        .values_list("pk", flat=True)
    )
    name = actor_name(actor)
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


NEW_COLUMNS = (
    "region",
    "key",
    "unit",
    "township",
    "first_run",
    "last_run",
    "status",
    "shared_with_partner",
    *FIELDS,
)  # every column of a Finding but its id, in the order of the rows comparison_record builds


def _write_new(rows: list[tuple], progress) -> None:
    """Insert new findings (tuples in NEW_COLUMNS order): with COPY on PostgreSQL — a province's run writes
    100,000, and building as many model instances and INSERT statements cost the worker more than
    comparing — in batches of model instances elsewhere."""
    if connection.vendor == "postgresql":
        opts = Finding._meta
        columns = ", ".join(connection.ops.quote_name(opts.get_field(name).column) for name in NEW_COLUMNS)
        with connection.cursor() as cursor:
            with cursor.copy(
                f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN"
            ) as copy:
                for i, row in enumerate(rows, 1):
                    copy.write_row(row)
                    if i % BATCH == 0:
                        progress.advance(BATCH)
        progress.advance(len(rows) % BATCH)
        return
    attnames = [Finding._meta.get_field(name).attname for name in NEW_COLUMNS]
    for i in range(0, len(rows), BATCH):
        batch = rows[i : i + BATCH]
        Finding.objects.bulk_create([Finding(**dict(zip(attnames, row, strict=True))) for row in batch])
        progress.advance(len(batch))


def _previous_run(region, run: ComparisonRun) -> list[int]:
    previous = (
        ComparisonRun.objects.filter(region=region, pk__lt=run.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    return list(previous[:1])


def _source_rows(upload: PartnerUpload):
    with upload.file.open("rb") as handle:
        data = handle.read()
    read = read_partner(data, upload.source, filename=upload.original_name)
    if read.errors:
        raise ValidationError(
            f"{upload.get_source_display()}数据“{upload.original_name}”未通过校验，请重新上传。"
        )
    return read.rows


def comparison_precheck(*, region, actor) -> None:
    """Refuse at once what the run would refuse for want of data (the page checks before queueing the
    job): a Chinese ValidationError when the region has no valid upload."""
    authorize(actor, "run_comparison", region=region)
    if not PartnerUpload.objects.filter(region=region, status=UploadStatus.VALID).exists():
        raise ValidationError(NO_UPLOADS)


NO_UPLOADS = "尚无有效的部门数据，请先上传组织、财政或人社部门的数据。"


def comparison_run(
    *,
    region,
    actor,
    cutoff: dt.date | None = None,
    rows: dict | None = None,
    annex=None,
    progress=None,
    on_record=None,
) -> ComparisonRun:
    """Compare the register (now, or at ``cutoff``) with the region's latest valid upload of each source
        (or with ``rows``, partner rows already read, as the compare command does).

        Records the run with ``comparison_record`` (new / still open / gone findings), keeps the unmatched
        partner units with their closest register units and the partner head counts per unit, and stores the
        result workbook (问题清单, 比对概况, 附件2–5; ``annex(run)`` gives the 附件2–5 sheets when a campaign's
        snapshots are the figures; ``on_record(run)`` is called last in the write transaction — a campaign
    keeps the run as its own there). Office administrators and staff only (``actor=None``: the system, a
        command). Audited (by comparison_record).

        Reading and comparing write nothing; everything written is written in one transaction at the end
        (all-or-nothing). ``progress`` (the comparison job's ``jobs.progress.Progress``) is told the stages
        读取部门数据, 读取实名制名册, 比对 and 写入结果 with their counts."""
    authorize(actor, "run_comparison", region=region)
    progress = progress or _Silent()
    uploads = []
    if rows is None:
        uploads = list(
            PartnerUpload.objects.filter(region=region, status=UploadStatus.VALID).order_by("source")
        )
        if not uploads:
            raise ValidationError(NO_UPLOADS)
        progress.stage("读取部门数据", total=len(uploads))
        rows = {}
        try:
            for upload in sorted(uploads, key=lambda u: SOURCE_ORDER[u.source]):
                rows[upload.source] = _source_rows(upload)
                progress.advance()
        except (UnreadableWorkbook, FileNotFoundError):
            raise ValidationError("已上传的数据文件无法读取，请重新上传。") from None
    elif not rows:
        raise ValidationError("至少需要一个部门的数据。")
    progress.stage("读取实名制名册")
    register = load_register(region=region, cutoff=cutoff)
    partner_rows = sum(len(r) for r in rows.values())
    progress.stage("比对", total=partner_rows)
    result = compare(register, rows, on_rows=progress.advance)  # per source: rows linked, rows checked
    matcher = UnitMatcher(register)  # the closest register units of each unmatched partner unit
    unmatched = {
        source: [[name, credit, n, matcher.suggest(name)] for name, credit, n in items]
        for source, items in result.unmatched.items()
    }
    progress.stage("写入结果", total=len(result.findings))
    with transaction.atomic():
        run = comparison_record(
            region=region, result=result, sources=list(rows), cutoff=cutoff, actor=actor, progress=progress
        )
        run.uploads.set(uploads)
        run.unmatched = unmatched
        run.counts = {
            "by_code": dict(result.count_by_code()),
            "by_source": dict(result.count_by_source()),
            "register_people": result.register_people,
            # partner head counts per 法人 unit (附件2–4 read them back for a campaign's run)
            "units": {s: {str(u): n for u, n in result.unit_counts[s].items()} for s in rows},
        }
        buffer = io.BytesIO()
        annexes = annex(run) if annex is not None else None
        write_result(buffer, result, register, list(rows), exported_by=actor_name(actor), annexes=annexes)
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
        run.result_file.save(
            f"比对结果{region.code}_{stamp}.xlsx", ContentFile(buffer.getvalue()), save=False
        )
        run.save(update_fields=["unmatched", "counts", "result_file"])
        if on_record is not None:
            on_record(run)
    return run
