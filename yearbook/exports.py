"""The 统计年报 as one Excel workbook: one sheet per table, with the title, a two-row grouped header
(merged cells), the 合计 row, and the page set-up offices print with (A4 or A3 landscape, fit to the page
width, the header rows repeated on every page). Built from the kept tables only."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from bianzhi import audit
from bianzhi.lib.text import neutralise_formula
from bianzhi.roles import actor_name
from yearbook.models import YearReport
from yearbook.selectors.tables import leaves

TITLE_ROW, INFO_ROW, HEAD_ROW = 1, 2, 3  # the header takes rows 3 and 4
THIN = Side(style="thin", color="333333")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def sheet_name(index: int, table: dict) -> str:
    short = table["title"].split("（")[0]
    return f"表{index} {short}"[:31]


def _header(ws, table: dict) -> None:
    col = 1
    for group, subs in table["head"]:
        if subs:
            ws.merge_cells(
                start_row=HEAD_ROW, start_column=col, end_row=HEAD_ROW, end_column=col + len(subs) - 1
            )
            ws.cell(HEAD_ROW, col, group)
            for i, sub in enumerate(subs):
                ws.cell(HEAD_ROW + 1, col + i, sub)
            col += len(subs)
        else:
            ws.merge_cells(start_row=HEAD_ROW, start_column=col, end_row=HEAD_ROW + 1, end_column=col)
            ws.cell(HEAD_ROW, col, group)
            col += 1
    for row in ws.iter_rows(min_row=HEAD_ROW, max_row=HEAD_ROW + 1, max_col=col - 1):
        for c in row:
            c.font, c.fill, c.alignment, c.border = Font(bold=True), HEAD_FILL, CENTER, BOX


def _page_setup(ws, table: dict, width: int, last_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if table["paper"] == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW + 1}"
    ws.print_area = f"A1:{get_column_letter(width)}{last_row}"
    ws.freeze_panes = f"{get_column_letter(min(table['text_cols'] + 1, width))}{HEAD_ROW + 2}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_table(ws, report: YearReport, table: dict) -> None:
    width = len(leaves(table))
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    ws.cell(TITLE_ROW, 1, table["title"]).font = Font(bold=True, size=14)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=INFO_ROW, start_column=1, end_row=INFO_ROW, end_column=width)
    info = f"填报单位：{report.region.name}机构编制委员会办公室　统计时点：{report.as_of:%Y-%m-%d}　第{report.version}版"
    ws.cell(INFO_ROW, 1, info)
    _header(ws, table)
    r = HEAD_ROW + 2
    rows = [*table["rows"], *([table["total"]] if table.get("total") else [])]
    for i, values in enumerate(rows):
        is_total = table.get("total") and i == len(rows) - 1
        for j, value in enumerate(values, start=1):
            c = ws.cell(r, j, neutralise_formula(value))
            c.border = BOX
            if j > table["text_cols"]:
                c.alignment = Alignment(horizontal="right")
            if is_total:
                c.font = Font(bold=True)
        r += 1
    if not table["rows"]:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(r, 1, "本年无记录。")
        r += 1
    if table.get("note"):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(r, 1, "说明：" + table["note"]).alignment = Alignment(wrap_text=True)
        r += 1
    for j in range(1, width + 1):
        text_col = j <= table["text_cols"]
        ws.column_dimensions[get_column_letter(j)].width = 16 if text_col else 8
    ws.row_dimensions[HEAD_ROW + 1].height = 42
    _page_setup(ws, table, width, r - 1)


def report_workbook(report: YearReport, *, actor, progress=None) -> bytes:
    """The kept report as one workbook (one sheet per table, then 导出说明); the export is audited.
    ``progress`` (a background job's) is advanced by each table's rows written."""
    book = Workbook()
    book.remove(book.active)
    tables = report.tables["tables"]
    if progress is not None:
        progress.stage("写入Excel", total=sum(len(t["rows"]) + bool(t.get("total")) for t in tables))
    for i, table in enumerate(tables, start=1):
        write_table(book.create_sheet(sheet_name(i, table)), report, table)
        if progress is not None:
            progress.advance(len(table["rows"]) + bool(table.get("total")))
    info = book.create_sheet("导出说明")
    for row in (
        ["年报", report.title],
        ["版本", f"第{report.version}版（{report.get_status_display()}）"],
        ["生成", f"{report.generated_by_name} {report.generated_at:%Y-%m-%d %H:%M}"],
        ["导出人", actor_name(actor)],
    ):
        info.append(row)
    book.properties.creator = actor_name(actor)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    audit.record(
        actor=actor,
        action="统计年报.导出",
        target=report,
        region=report.region,
        after={"format": "xlsx", "bytes": len(data)},
    )
    return data
