"""The 统计年报 workbook (one sheet per table: merged two-row headers, 合计 = sum of the rows, A4/A3
landscape page set-up with the header rows repeated) and its print (text, CJK font embedded)."""

from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook

from tests.browser import ARTIFACTS
from tests.builders.yearbook import county_2021
from yearbook.exports import report_workbook
from yearbook.prints import report_pdf
from yearbook.services import report_generate


@pytest.fixture
def report(region, office_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county_2021(region, office_staff)
    return report_generate(region=region, year=2021, actor=office_staff)


def test_the_workbook_layout(report, office_staff):
    book = load_workbook(io.BytesIO(report_workbook(report, actor=office_staff)))
    tables = report.tables["tables"]
    assert len(book.sheetnames) == len(tables) + 1 and book.sheetnames[-1] == "导出说明"
    assert book.sheetnames[0] == "表1 机构情况" and book.sheetnames[2] == "表3 编制核定和使用情况"
    for name, table in zip(book.sheetnames, tables, strict=False):
        ws = book[name]
        merged = {str(r) for r in ws.merged_cells.ranges}
        width = sum(len(subs) or 1 for _g, subs in table["head"])
        assert ws.cell(1, 1).value == table["title"]
        col = 1
        for group, subs in table["head"]:  # the grouped two-row header
            assert ws.cell(3, col).value == group
            if subs:
                assert (
                    ws.cell(3, col).coordinate + ":" + ws.cell(3, col + len(subs) - 1).coordinate in merged
                    or len(subs) == 1
                )
                assert [ws.cell(4, col + i).value for i in range(len(subs))] == subs
                col += len(subs)
            else:
                assert f"{ws.cell(3, col).coordinate}:{ws.cell(4, col).coordinate}" in merged
                col += 1
        assert col - 1 == width
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == (8 if table["paper"] == "A3" else 9)  # 8 = A3, 9 = A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$3:$4"
        if table["total"]:  # 合计 = the sum of the rows above it, column by column
            first, n = 5, len(table["rows"])
            total_row = first + n
            assert ws.cell(total_row, 1).value == "合计" and ws.cell(total_row, 1).font.bold
            for c in range(table["text_cols"] + 1, width + 1):
                column = [ws.cell(r, c).value for r in range(first, total_row)]
                assert ws.cell(total_row, c).value == sum(column), (name, c)
    quotas = book["表3 编制核定和使用情况"]
    assert {"A3:A4", "B3:D3", "Q3:S3", "T3:U3"} <= {str(r) for r in quotas.merged_cells.ranges}
    assert quotas.page_setup.paperSize == 8
    assert book["表1 机构情况"].page_setup.paperSize == 9


def test_the_print_has_the_tables_in_an_embedded_cjk_font(report, office_staff, tmp_path):
    pdf = report_pdf(report, actor=office_staff)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "yearbook_report.pdf"  # kept to look at (pdftoppm -r 50 -png)
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "漳县2021年度机构编制统计年报" in text
    for title in ("机构情况", "编制核定和使用情况", "实有人员增减情况", "本年机构设立、撤销和合并"):
        assert title in text
    assert "合计" in text and "漳编发〔2021〕5号" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "1190.55 x 841.89" in pages  # A3 landscape
