"""The ledgers' downloads made in the background (issue 17): 电子台账 表一/表二/表三, 限额台账 and a
unit's 单位台账 as PDF or Excel over ``JOBS_INLINE_MAX_ROWS`` rows run as a job of the task queue
(``jobs``); smaller ones are made in the request by the same functions (``table_file``, ``limit_file``,
``unit_file``).

The job keeps only what the page asked for (the table, the format, the filters of the query string) and
makes the file as its owner: the owner's rights are checked again when it runs (a role taken away
meanwhile fails the job with the Chinese refusal), the rows are the owner's scope at that moment, and the
audit row (台账.导出 / 台账.打印) is written when the file is produced, naming the owner."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.utils import timezone

from bianzhi.lib.idnumbers import full_ids
from bianzhi.lib.xlsx import SheetSpec
from bianzhi.roles import require
from jobs.registry import job
from jobs.results import JobResult
from ledgers import exports, prints, selectors
from ledgers.forms import LedgerFilterForm
from units.jobs import OWNER_ONLY
from units.selectors import liaison_unit_ids, unit_for

TABLE_KIND = "ledgers.table"
FORMAT_LABEL = {"xlsx": "Excel", "pdf": "PDF"}


def query_of(params) -> dict[str, str]:
    """The filters of a page's query string, JSON-able for a job (paging and print switches dropped)."""
    return {k: v for k, v in params.items() if k not in ("page", "print", "inline") and v}


def _filters(query: dict[str, str]) -> dict:
    data = QueryDict(mutable=True)
    data.update(query)
    form = LedgerFilterForm(data or None)
    return {"form": form, **form.values()}


def require_exporter(user) -> None:
    """Who may download a ledger table: a reader of the ledgers (office roles, a unit's liaison) who may
    export (office roles); PermissionDenied with the Chinese refusal otherwise."""
    if not liaison_unit_ids(user):
        require(user, "view_registry")
    require(user, "export")


def table_title(table: str) -> str:
    if table not in selectors.TABLES:
        raise ValidationError("没有这张表。")
    return f"电子台账{selectors.TABLES[table]}"


def table_size(user, table: str, query: dict[str, str]) -> int:
    """How many rows the table's download holds for ``user`` under the filters."""
    return selectors.size(selectors.table(user, table, _filters(query)))


def _counted(rows: Iterable, progress) -> Iterator:
    for row in rows:
        yield row
        progress.advance()


def table_file(user, table: str, fmt: str, query: dict[str, str], *, progress=None) -> bytes:
    """表一, 表二 or 表三 of the units ``user`` sees, filtered, as ``fmt`` (xlsx or pdf), stamped with the
    user's name and audited. ``progress``: a job's progress, advanced by each row written or drawn."""
    title = table_title(table)
    require_exporter(user)
    f = _filters(query)
    qs = selectors.table(user, table, f)
    masked = not full_ids(user)  # the one rule (bianzhi.lib.idnumbers)
    region = selectors.region_label(user)
    rows = 0
    if progress is not None:
        rows = selectors.size(qs)
        progress.stage("绘制PDF" if fmt == "pdf" else "写入Excel", total=rows)
    if fmt == "pdf":
        return prints.table_pdf(table, qs, title, masked=masked, actor=user, region=region, progress=progress)
    if table == "one":

        def sheets(exported_by: str) -> bytes:
            data = exports.table_one_workbook(
                qs, region=region, as_of=selectors.today(), exported_by=exported_by
            )
            if progress is not None:
                progress.advance(rows)
            return data

    else:
        sheet = exports.table_sheet(table, qs, masked=masked)
        if progress is not None:
            sheet = SheetSpec(sheet.name, sheet.headers, _counted(sheet.rows, progress), sheet.widths)
        sheets = [sheet]
    return exports.download_bytes(sheets, title, actor=user, filters=f)


def stamped(name: str, fmt: str) -> str:
    return f"{name}_{timezone.localtime():%Y%m%d%H%M}.{fmt}"


@job(TABLE_KIND, label="导出电子台账")
def table_job(job, progress) -> JobResult:
    """The background download of one 电子台账 table (params: table, fmt, query)."""
    p = job.params
    data = table_file(job.owner, p["table"], p["fmt"], p.get("query", {}), progress=progress)
    filename = stamped(table_title(p["table"]), p["fmt"])
    return JobResult(file=data, filename=filename, message=f"共 {job.done} 行。{OWNER_ONLY}")


# ---- 限额台账 and 单位台账 (weasyprint prints: about 8 s per 1,000 rows, so the queue matters) ---------------

LIMIT_KIND = "ledgers.limit"
UNIT_KIND = "ledgers.unit"
LIMIT_TITLE = "机构编制限额台账"
UNIT_GONE = "该单位已不在您的查看范围内，任务未执行。"


def limit_size(user, query: dict[str, str]) -> int:
    return selectors.size(selectors.limit_list(user, _filters(query)))


def limit_file(user, fmt: str, query: dict[str, str], *, progress=None) -> bytes:
    """The county limit ledger (office roles who export) of the user's regions, filtered, as xlsx or PDF;
    stamped and audited as the user."""
    require(user, "view_registry")
    require(user, "export")
    f = _filters(query)
    qs = selectors.limit_list(user, f)
    region_ids = selectors.region_ids(user)
    rows = _stage(progress, qs, fmt)
    if fmt == "xlsx":
        data = exports.download_bytes(
            exports.limit_sheets(qs, region_ids), LIMIT_TITLE, actor=user, filters=f
        )
    else:
        data = prints.limit_pdf(qs, region_ids, LIMIT_TITLE, actor=user)
    if progress is not None:
        progress.advance(rows)
    return data


def unit_title(unit) -> str:
    return f"{unit.name}机构编制台账"


def unit_size(unit, query: dict[str, str]) -> int:
    return selectors.size(selectors.unit_entries(unit, _filters(query)))


def unit_file(user, unit, fmt: str, query: dict[str, str], *, progress=None) -> bytes:
    """A 法人 unit's ledger (``unit`` already read in the user's scope), filtered, as xlsx or PDF; stamped
    and audited as the user."""
    require_exporter(user)
    f = _filters(query)
    qs = selectors.unit_entries(unit, f)
    rows = _stage(progress, qs, fmt)
    name = unit_title(unit)
    if fmt == "xlsx":
        data = exports.download_bytes(
            exports.unit_ledger_sheets(qs), name, actor=user, target=unit, filters=f
        )
    else:
        data = prints.unit_ledger_pdf(unit, qs, selectors.row_of(unit), name, actor=user)
    if progress is not None:
        progress.advance(rows)
    return data


def _stage(progress, qs, fmt: str) -> int:
    if progress is None:
        return 0
    rows = selectors.size(qs)
    progress.stage("排版PDF" if fmt == "pdf" else "写入Excel", total=rows)
    return rows


@job(LIMIT_KIND, label="导出限额台账")
def limit_job(job, progress) -> JobResult:
    """The background limit ledger (params: fmt, query)."""
    p = job.params
    data = limit_file(job.owner, p["fmt"], p.get("query", {}), progress=progress)
    return JobResult(
        file=data, filename=stamped(LIMIT_TITLE, p["fmt"]), message=f"共 {job.done} 行。{OWNER_ONLY}"
    )


@job(UNIT_KIND, label="导出单位台账")
def unit_job(job, progress) -> JobResult:
    """The background ledger of one unit (params: unit, fmt, query), the unit read in the owner's scope."""
    p = job.params
    try:
        unit = unit_for(job.owner, p["unit"]).legal_unit
    except Http404:
        raise ValidationError(UNIT_GONE) from None
    data = unit_file(job.owner, unit, p["fmt"], p.get("query", {}), progress=progress)
    filename = stamped(unit_title(unit), p["fmt"])
    return JobResult(file=data, filename=filename, message=f"共 {job.done} 行。{OWNER_ONLY}")
