"""The flat exports' writer (bianzhi.lib.xlsx.write_workbook, XlsxWriter): what goes in reads back the
same with openpyxl and with calamine — text as text (never a formula or a link), numbers, dates and
times with their formats — under a frozen, shaded header, with the 导出说明 sheet last."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from python_calamine import CalamineWorkbook

from bianzhi.lib.xlsx import SheetSpec, workbook_bytes, write_workbook

ROW = [
    "漳县财政局",
    "=SUM(A1:A2)",
    "http://example.invalid/a",
    12,
    Decimal("3.5"),
    dt.date(2021, 12, 31),
    dt.datetime(2021, 12, 31, 8, 30, 5, tzinfo=dt.UTC),
    None,
    True,
    "",
]
HEADERS = ["名称", "公式样", "网址样", "人数", "比例", "日期", "时间", "空", "是否", "空文本"]


def test_values_read_back_the_same():
    data = workbook_bytes([SheetSpec("机构", HEADERS, [ROW])], exported_by="李编办", note="测试")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["机构", "导出说明"]
    ws = book["机构"]
    assert [c.value for c in ws[1]] == HEADERS
    values = [c.value for c in ws[2]]
    assert values[:5] == ["漳县财政局", "'=SUM(A1:A2)", "http://example.invalid/a", 12, 3.5]
    assert values[5] == dt.datetime(2021, 12, 31) and ws["F2"].number_format == "yyyy-mm-dd"
    assert values[6] == dt.datetime(2021, 12, 31, 8, 30, 5) and ws["G2"].number_format == "yyyy-mm-dd h:mm:ss"
    assert values[7] is None and values[8] == "是" and values[9] == ""
    assert ws["B2"].data_type == "s" and not ws["C2"].hyperlink  # text, not a formula or a link
    assert ws.freeze_panes == "A2" and ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.column_dimensions["A"].width > 8
    info = book["导出说明"]
    assert info["A1"].value == "导出人" and info["B1"].value == "李编办" and info["B3"].value == "测试"
    assert book.properties.creator == "李编办"
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("机构").to_python()
    assert rows[1][:4] == ["漳县财政局", "'=SUM(A1:A2)", "http://example.invalid/a", 12]


def test_a_path_and_an_empty_sheet(tmp_path):
    path = tmp_path / "空.xlsx"
    write_workbook(path, [SheetSpec("Sheet1", [], [])])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Sheet1"] and book["Sheet1"].max_row == 1
