"""Writes of the verification app: recording a comparison run, moving a finding through its statuses."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from archives.services import check_scan
from bianzhi import audit
from bianzhi.lib import xlsx
from bianzhi.lib.text import clean_cell
from bianzhi.lib.xlsx import UnreadableWorkbook
from bianzhi.roles import authorize
from units.models import Unit
from units.selectors import liaison_unit_ids, regions_for
from verification.compare.data import PARTNER_SOURCES, SOURCE_LABEL
from verification.compare.engine import CODES, Result, compare
from verification.compare.matching import UnitMatcher
from verification.compare.register import load_register
from verification.compare.sources import read_partner
from verification.compare.workbook import FINDING_HEADERS, findings_sheet, write_result
from verification.compare.xlsxout import write_fast_workbook
from verification.findings import selectors
from verification.findings.models import (
    TRANSITIONS,
    ComparisonRun,
    Decision,
    Finding,
    FindingAnswer,
    FindingAttachment,
    FindingEvent,
    FindingStatus,
    PartnerUpload,
    UploadStatus,
)

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
    Called by the compare page and command; office administrators and staff of the region; audited."""
    authorize(actor, "edit_registry", region=region)
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
    The liaison's answer is 待核实 → 已说明 with a text; the office accepts or returns it.
    Office administrators and staff of the finding's region; the unit's liaison only to explain."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not (to_status == FindingStatus.EXPLAINED and finding.unit_id in liaison_unit_ids(actor)):
        authorize(actor, "edit_registry", region=finding.region_id)
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


# ---- partner uploads, runs, answers and decisions (the web side) ------------------------------------

PREVIEW_ROWS = 20
KEPT_ERRORS = 5000
MAX_ATTACHMENTS = 10


def _fail(message: str, field: str | None = None) -> None:
    raise ValidationError({field: message} if field else message)


def _check_upload_allowed(actor, region, source: str) -> None:
    if source not in selectors.upload_sources(actor):
        _fail("您只能上传本部门的数据。" if selectors.partner_source(actor) else "您没有上传比对数据的权限。")
    if not selectors.upload_regions(actor).filter(pk=region.pk).exists():
        _fail("您不能为该区划上传数据。")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def partner_upload(*, region, source: str, upload: UploadedFile, actor) -> PartnerUpload:
    """Check a partner file with the rules of ``manage.py compare`` (FORMATS.md §0, §3) and keep it.

    A valid file becomes the region's 有效 upload of its source (the previous one 已替换); a file with row
    errors is kept as 未通过校验 with its errors (never used by a run). An unreadable or too large file
    raises ValidationError and nothing is kept. Office administrators and staff may upload any source;
    a partner clerk only their department's (selectors.partner_source). Audited."""
    _check_upload_allowed(actor, region, source)
    if source not in PARTNER_SOURCES:
        _fail("未知的数据来源。", "source")
    name = Path(upload.name or "upload.xlsx").name[-200:]
    if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
        _fail(f"文件过大：上限为 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB。", "file")
    upload.seek(0)
    data = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    try:
        read = read_partner(data, source, filename=name, max_bytes=settings.UPLOAD_MAX_BYTES)
        preview = upload_preview(data, name)
    except UnreadableWorkbook as exc:
        raise ValidationError({"file": str(exc)}) from None
    item = PartnerUpload(
        region=region,
        source=source,
        uploaded_by=actor if actor and actor.pk else None,
        uploaded_by_name=_actor_name(actor),
        original_name=name,
        sha256=_sha256(data),
        size=len(data),
        rows_read=len(read.rows) if read.rows is not None else 0,
        error_count=len(read.errors),
        errors=[[e.sheet, e.row, e.column, e.message] for e in read.errors[:KEPT_ERRORS]],
        warnings=read.warnings[:200],
        preview={"header": preview["header"], "rows": preview["rows"]},
        status=UploadStatus.INVALID if read.errors else UploadStatus.VALID,
    )
    if item.status == UploadStatus.VALID:
        replaced = PartnerUpload.objects.select_for_update().filter(
            region=region, source=source, status=UploadStatus.VALID
        )
        replaced.update(status=UploadStatus.REPLACED)
    item.file.save(name, ContentFile(data), save=False)
    item.save()
    audit.record(
        actor=actor,
        action="比对数据.上传",
        target=item,
        region=region,
        after={
            "source": source,
            "file": name,
            "sha256": item.sha256,
            "rows": item.rows_read,
            "errors": item.error_count,
            "status": item.status,
        },
    )
    return item


def upload_preview(data: bytes, filename: str, limit: int = PREVIEW_ROWS) -> dict:
    """The header and the first ``limit`` non-blank rows of the sheet the reader uses, as text."""
    ext = Path(filename).suffix.lower()
    if ext == ".csv":
        grids = xlsx._csv_sheets(data)
    else:
        book = xlsx._calamine_sheets(data, ext)
        grids = []
        for sheet_name in book.sheet_names:
            try:
                grids.append((sheet_name, book.get_sheet_by_name(sheet_name).iter_rows()))
            except Exception:
                raise UnreadableWorkbook(f"无法读取工作表“{sheet_name}”：文件已损坏或格式不正确。") from None
    for _sheet_name, grid in grids:
        header, rows = None, []
        for line, values in enumerate(grid, start=1):
            if all(clean_cell(v) == "" for v in values):
                continue
            if header is None:
                header = [clean_cell(v) for v in values]
                continue
            rows.append([line, *(clean_cell(v) for v in values[: len(header)])])
            if len(rows) >= limit:
                break
        if header:
            return {"header": header, "rows": rows}
    return {"header": [], "rows": []}


def _source_rows(upload: PartnerUpload):
    with upload.file.open("rb") as handle:
        data = handle.read()
    read = read_partner(data, upload.source, filename=upload.original_name)
    if read.errors:
        _fail(f"{upload.get_source_display()}数据“{upload.original_name}”未通过校验，请重新上传。")
    return read.rows


@transaction.atomic
def comparison_run(
    *, region, actor, cutoff: dt.date | None = None, rows: dict | None = None, annex=None
) -> ComparisonRun:
    """Compare the register (now, or at ``cutoff``) with the region's latest valid upload of each source
    (or with ``rows``, partner rows already read, as the compare command does).

    Records the run with ``comparison_record`` (new / still open / gone findings), keeps the unmatched
    partner units with their closest register units and the partner head counts per unit, and stores the
    result workbook (问题清单, 比对概况, 附件2–5; ``annex(run)`` gives the 附件2–5 sheets when a campaign's
    snapshots are the figures). Office administrators and staff only (``actor=None``: the system, a
    command). Audited (by comparison_record)."""
    if actor is not None and (
        not selectors.is_office_writer(actor) or not regions_for(actor).filter(pk=region.pk).exists()
    ):
        _fail("只有本区划的编办工作人员可以运行比对。")
    uploads = []
    if rows is None:
        uploads = list(
            PartnerUpload.objects.filter(region=region, status=UploadStatus.VALID).order_by("source")
        )
        if not uploads:
            _fail("尚无有效的部门数据，请先上传组织、财政或人社部门的数据。")
        try:
            rows = {u.source: _source_rows(u) for u in sorted(uploads, key=lambda u: SOURCE_ORDER[u.source])}
        except (UnreadableWorkbook, FileNotFoundError):
            _fail("已上传的数据文件无法读取，请重新上传。")
    elif not rows:
        _fail("至少需要一个部门的数据。")
    register = load_register(region=region, cutoff=cutoff)
    result = compare(register, rows)
    run = comparison_record(region=region, result=result, sources=list(rows), cutoff=cutoff, actor=actor)
    run.uploads.set(uploads)
    matcher = UnitMatcher(register)
    run.unmatched = {
        source: [[name, credit, n, matcher.suggest(name)] for name, credit, n in items]
        for source, items in result.unmatched.items()
    }
    run.counts = {
        "by_code": dict(result.count_by_code()),
        "by_source": dict(result.count_by_source()),
        "register_people": result.register_people,
        # partner head counts per 法人 unit (附件2–4 read them back for a campaign's run)
        "units": {s: {str(u): n for u, n in result.unit_counts[s].items()} for s in rows},
    }
    buffer = io.BytesIO()
    annexes = annex(run) if annex is not None else None
    write_result(buffer, result, register, list(rows), exported_by=_actor_name(actor), annexes=annexes)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    run.result_file.save(f"比对结果{region.code}_{stamp}.xlsx", ContentFile(buffer.getvalue()), save=False)
    run.save(update_fields=["unmatched", "counts", "result_file"])
    return run


@transaction.atomic
def finding_answer(
    *, finding: Finding, text: str, files: Sequence[UploadedFile] = (), actor
) -> FindingAnswer:
    """A unit liaison explains a finding of their unit (待核实 → 已说明), optionally with attachments
    (PDF or images, checked by content and size like document scans). Office roles and partner clerks
    never answer. Audited (the answer, and the status change by finding_transition)."""
    if finding.unit_id is None or finding.unit_id not in liaison_unit_ids(actor):
        _fail("只有该单位的联络员可以答复此问题。")
    text = (text or "").strip()
    if not text:
        _fail("请填写说明。", "text")
    if len(files) > MAX_ATTACHMENTS:
        _fail(f"附件最多 {MAX_ATTACHMENTS} 个。", "files")
    checked = []
    for upload in files:
        try:
            checked.append((upload, *check_scan(upload)))
        except ValidationError as exc:
            raise ValidationError({"files": f"{upload.name}：{exc.messages[0]}"}) from None
    finding = finding_transition(finding=finding, to_status=FindingStatus.EXPLAINED, actor=actor, text=text)
    answer = FindingAnswer.objects.create(
        finding=finding,
        author=actor if actor and actor.pk else None,
        author_name=_actor_name(actor),
        text=text,
    )
    for upload, sha, ctype in checked:
        item = FindingAttachment(
            answer=answer,
            original_name=Path(upload.name or "附件").name[-200:],
            sha256=sha,
            size=upload.size,
            content_type=ctype,
        )
        item.file.save(item.original_name, upload, save=False)
        item.save()
    audit.record(
        actor=actor,
        action="比对问题.答复",
        target=finding,
        region=finding.region,
        after={"text": text, "files": [[u.name, sha] for u, sha, _ in checked]},
    )
    return answer


@transaction.atomic
def finding_decide(
    *, finding: Finding, accept: bool, note: str = "", actor, outcome: str = FindingStatus.FIXED
) -> Finding:
    """The office's decision on a finding: accept (→ ``outcome``, 已整改 or 不属实) or return the
    liaison's answer (→ 待核实, a note is required). Office administrators and staff of the finding's
    region only — liaisons, partner clerks and supervisors never decide. Audited."""
    if not selectors.is_office_writer(actor) or not regions_for(actor).filter(pk=finding.region_id).exists():
        _fail("只有编办工作人员可以审核答复。")
    note = (note or "").strip()
    if accept and outcome not in (FindingStatus.FIXED, FindingStatus.UNFOUNDED):
        _fail("审核结果应为“已整改”或“不属实”。", "outcome")
    if not accept and not note:
        _fail("退回时请填写意见。", "note")
    to_status = outcome if accept else FindingStatus.OPEN
    finding = finding_transition(finding=finding, to_status=to_status, actor=actor, text=note)
    answer = finding.answers.filter(decision="").order_by("-at", "-id").first()
    if answer is not None:
        answer.decision = Decision.ACCEPTED if accept else Decision.RETURNED
        answer.decision_status = to_status
        answer.decision_note = note
        answer.decided_by = actor if actor and actor.pk else None
        answer.decided_by_name = _actor_name(actor)
        answer.decided_at = timezone.now()
        answer.save()
    audit.record(
        actor=actor,
        action="比对问题.审核",
        target=finding,
        region=finding.region,
        after={"decision": "接受" if accept else "退回", "status": to_status, "answer": answer and answer.pk},
        reason=note,
    )
    return finding


def findings_export(*, findings, actor, filters: dict) -> bytes:
    """The filtered findings as 问题清单 (FORMATS.md §3 columns, plus 状态), carrying the exporter's
    name and time. Audited (who, which filters, how many rows)."""
    authorize(actor, "export")
    for region_id in findings.order_by().values_list("region_id", flat=True).distinct():
        authorize(actor, "export", region=region_id)
    rows = (
        [
            f.code,
            CODES.get(f.code, f.code),
            SOURCE_LABEL.get(f.source, f.source),
            f.unit_name,
            f.person_name,
            f.id_number,
            f.category,
            f.reg_info,
            f.cmp_info,
            f.note,
            f.status,
        ]
        for f in findings.iterator(chunk_size=2000)
    )
    sheet = xlsx.SheetSpec("问题清单", [*FINDING_HEADERS, "状态"], rows, widths=findings_sheet([]).widths)
    buffer = io.BytesIO()  # the fast writer: a province's 150,000 findings in seconds, not half a minute
    write_fast_workbook(buffer, [sheet], exported_by=_actor_name(actor))
    data = buffer.getvalue()
    audit.record(actor=actor, action="比对问题.导出", target_repr="问题清单", after={"filters": filters})
    return data


def run_result_download(*, run: ComparisonRun, actor) -> None:
    """Record that the run's full result workbook (with 附件2–5) was downloaded."""
    authorize(actor, "export", region=run.region_id)
    audit.record(actor=actor, action="比对结果.下载", target=run, region=run.region)
