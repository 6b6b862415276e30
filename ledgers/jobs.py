"""The ledgers' downloads made in the background (issue 17): 电子台账 表一/表二/表三 as PDF or Excel over
``JOBS_INLINE_MAX_ROWS`` rows run as a job of the task queue (``jobs``); smaller ones are made in the
request by the same function (``table_file``).

The job keeps only what the page asked for (the table, the format, the filters of the query string) and
makes the file as its owner: the owner's rights are checked again when it runs (a role taken away
meanwhile fails the job with the Chinese refusal), the rows are the owner's scope at that moment, and the
audit row (台账.导出 / 台账.打印) is written when the file is produced, naming the owner."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from bianzhi.lib.idnumbers import full_ids
from bianzhi.lib.xlsx import SheetSpec
from bianzhi.roles import require
from jobs.registry import job
from jobs.results import JobResult
from ledgers import exports, prints, selectors
from ledgers.forms import LedgerFilterForm
from units.jobs import OWNER_ONLY
from units.selectors import liaison_unit_ids

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
