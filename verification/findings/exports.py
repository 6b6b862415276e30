"""The comparison's xlsx downloads: the filtered findings as 问题清单, a run's result workbook.

Each download is audited (who, which filters, how many). The code column (问题代码) stays in the
workbooks for scripts; pages show only the finding type's Chinese name.
"""

from __future__ import annotations

import io

from bianzhi import audit
from bianzhi.lib.idnumbers import full_ids, show_id
from bianzhi.lib.xlsx import SheetSpec
from bianzhi.roles import actor_name, authorize
from verification.compare.data import SOURCE_LABEL
from verification.compare.engine import CODES
from verification.compare.workbook import FINDING_HEADERS, findings_sheet
from verification.compare.xlsxout import write_fast_workbook
from verification.findings.models import ComparisonRun
from verification.findings.selectors import finding_region_ids_of

STATUS_HEADER = "状态"


# the columns of 问题清单 after 问题代码, 问题类型 and 数据来源 (FORMATS.md §3)
DETAIL_FIELDS = ("unit_name", "person_name", "id_number", "category", "reg_info", "cmp_info", "note")
ID_AT = DETAIL_FIELDS.index("id_number")


def _row(f, *, full: bool) -> list:
    details = [getattr(f, name) for name in DETAIL_FIELDS]
    details[ID_AT] = show_id(details[ID_AT], full=full)
    return [f.code, CODES.get(f.code, f.code), SOURCE_LABEL.get(f.source, f.source), *details, f.status]


def _rows(findings, *, full: bool, progress):
    for f in findings.iterator(chunk_size=2000):
        yield _row(f, full=full)
        if progress is not None:
            progress.advance()


def findings_export(*, findings, actor, filters: dict, progress=None) -> bytes:
    """The filtered findings as 问题清单 (FORMATS.md §3 columns, plus 状态), carrying the exporter's
    name and time. Office roles of every region the findings belong to. Audited (who, which filters).
    ``progress`` (a background job's) is advanced by each row written."""
    authorize(actor, "export")
    for region_id in finding_region_ids_of(findings):
        authorize(actor, "export", region=region_id)
    full = full_ids(actor)
    rows = _rows(findings, full=full, progress=progress)
    sheet = SheetSpec("问题清单", [*FINDING_HEADERS, STATUS_HEADER], rows, widths=findings_sheet([]).widths)
    buffer = io.BytesIO()  # the fast writer: a province's 150,000 findings in seconds, not half a minute
    write_fast_workbook(buffer, [sheet], exported_by=actor_name(actor))
    data = buffer.getvalue()
    audit.record(
        actor=actor,
        action="比对问题.导出",
        target_repr="问题清单",
        after={"filters": filters, "full_ids": full},
    )
    return data


def run_result_download(*, run: ComparisonRun, actor) -> bytes | None:
    """Record that the run's full result workbook (问题清单, 比对概况, 附件2–5) was downloaded.

    None: the stored workbook is served as it is (``full_ids(actor)``); else the bytes of a copy with
    the ID numbers masked, which is what the actor gets."""
    authorize(actor, "export", region=run.region_id)
    full = full_ids(actor)
    # no stored file (removed from disk or never written): the view answers 404, nothing to mask
    data = (
        None
        if full or not run.result_file
        else masked_workbook(run.result_file, exported_by=actor_name(actor))
    )
    audit.record(actor=actor, action="比对结果.下载", target=run, region=run.region, after={"full_ids": full})
    return data


ID_HEADER = "公民身份号码"


def masked_workbook(stored, *, exported_by: str) -> bytes:
    """A stored result workbook's sheets (but its 导出说明) with every 公民身份号码 column masked."""
    from openpyxl import load_workbook

    buffer = io.BytesIO()
    with stored.open("rb") as handle:
        book = load_workbook(handle, read_only=True)
        try:
            sheets = [_masked_sheet(ws) for ws in book.worksheets if ws.title != "导出说明"]
            write_fast_workbook(buffer, sheets, exported_by=exported_by)
        finally:
            book.close()
    return buffer.getvalue()


def _masked_sheet(ws) -> SheetSpec:
    rows = ws.iter_rows(values_only=True)
    headers = list(next(rows, ()))
    at = [i for i, h in enumerate(headers) if h == ID_HEADER]

    def masked():
        for row in rows:
            values = list(row)
            for i in at:
                if i < len(values):
                    values[i] = show_id(values[i], full=False) if values[i] else values[i]
            yield values

    return SheetSpec(ws.title, headers, masked())
