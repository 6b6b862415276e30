"""电子台账 prints and workbooks in the layout offices know, printed whole (issue 15, point 5).

表一: two header rows per 编制类型, a 合计 row equal to the sum, A3 landscape with print titles in Excel,
A3 landscape PDF with the CJK font embedded; 表三 of more rows than the old 1,000-row limit prints every
row; 打印PDF's waiting page (no script) and who may see it."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from ledgers import exports, selectors
from tests.builders.registry import make_person, make_unit
from units.choices import Nature
from units.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(region, unit_a, unit_b, office_staff):
    make_person(unit_a, actor=office_staff, name="王五", leader_post="单位正职")
    make_person(unit_b, actor=office_staff, name="赵六")
    long_name = "漳县县委机构编制委员会办公室机关后勤服务中心（县机构编制电子政务中心）"
    make_unit(region, long_name, nature=Nature.PUBLIC_INSTITUTION, quotas={"事业编制": 3})
    return unit_a, unit_b


def pdf_run(tool: str, data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "print.pdf"
    path.write_bytes(data)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def get_pdf(client, table: str, **params) -> bytes:
    response = client.get(reverse("ledgers:table_export", args=[table, "pdf"]), params)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


# ---- 表一 ------------------------------------------------------------------------------------------------


def test_table_one_workbook_layout(client, county, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("ledgers:table_export", args=["one", "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = book["表一"]
    # two header rows: the fixed columns span both, each 编制类型 spans its 核定/实有/空编
    assert [c.value for c in ws[3]][:4] == ["序号", "机构名称", "机构性质", "行政编制"]
    assert [c.value for c in ws[4]][3:6] == ["核定数", "实有数", "空编数"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "C3:C4", "D3:F3"} <= merged
    groups = [ws.cell(row=3, column=c).value for c in range(4, ws.max_column + 1)]
    assert [g for g in groups if g] == [g for g, _ in exports.TABLE_ONE_GROUPS[1:]]
    # 合计 equals the sum of the units below it, column by column
    assert ws["B5"].value == "合计"
    units = [row for row in ws.iter_rows(min_row=6, values_only=True) if row[0] is not None]
    assert len(units) == 3 and {u[1] for u in units} >= {"漳县财政局", "漳县疾病预防控制中心"}
    for c in range(3, ws.max_column):
        assert ws.cell(row=5, column=c + 1).value == sum(u[c] or 0 for u in units), c
    assert ws["D5"].value == 5 and ws["E5"].value == 1 and ws["F5"].value == 4
    # print set-up: A3 landscape, one page wide, header rows on every page, panes frozen
    assert ws.print_title_rows.replace("$", "") == "3:4"
    assert int(ws.page_setup.paperSize) == 8  # A3
    assert ws.page_setup.orientation == "landscape"
    # one page wide (fitToWidth absent is its default, 1), as many pages down as it takes
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.freeze_panes == "D5"
    assert ws["B6"].alignment.wrap_text  # names wrapped, not cut
    # the title over the whole width; widths, the header's height, borders and the 合计's shading
    last = openpyxl.utils.get_column_letter(ws.max_column)
    assert f"A1:{last}1" in merged and f"A2:{last}2" in merged
    assert ws["A1"].font.b and ws["A1"].font.sz == 16 and "共 3 个单位" in ws["A2"].value
    assert abs(ws.column_dimensions["B"].width - 32) < 1 and abs(ws.column_dimensions["D"].width - 7.5) < 1
    assert ws.row_dimensions[3].height == 30
    assert ws["D3"].fill.fgColor.rgb.endswith("DDEBF7") and ws["D4"].border.top.style == "thin"
    assert ws["E5"].fill.fgColor.rgb.endswith("F2F2F2") and ws["E5"].font.b
    assert all(ws.cell(row=6, column=c).border.left.style == "thin" for c in range(1, ws.max_column + 1))
    assert ws.oddFooter.right.text == "第 &P 页 共 &N 页"
    assert book["导出说明"]["B1"].value == "李编办"
    assert AuditEntry.objects.filter(action="台账.导出", actor=office_staff).count() == 1


def test_table_one_pdf_layout(client, county, office_staff, tmp_path):
    client.force_login(office_staff)
    data = get_pdf(client, "one")
    info = pdf_run("pdfinfo", data, tmp_path)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    width, height = float(size.group(1)), float(size.group(2))
    assert round(width) == 1191 and round(height) == 842  # A3 landscape
    fonts = pdf_run("pdffonts", data, tmp_path)
    line = next(x for x in fonts.splitlines() if "NotoSansCJK" in x)
    assert re.search(r"CID Type 0C\s+\S+\s+yes\s+yes\s+yes", line), fonts  # embedded, subset, mapped
    text = pdf_run("pdftotext", data, tmp_path, "-layout")
    for words in (
        "机构编制电子台账",
        "表一 机构编制基本情况",
        "区划：漳县",
        "数据截至",
        "打印：李编办",
    ):
        assert words in text, words
    assert re.search(r"第\s*1\s*页\s*共\s*1\s*页", text)
    for group, _labels in exports.TABLE_ONE_GROUPS[1:]:
        assert group in text
    # the 合计 row: the sums, in column order
    total = next(x for x in text.splitlines() if "合计" in x)
    expected = exports.table_one_totals(list(exports.table_one_rows(selectors.rows_for(office_staff))))
    assert [int(n) for n in re.findall(r"-?\d+", total)] == expected
    # the long name is wrapped over lines, all of it printed
    flat = re.sub(r"\s+", "", pdf_run("pdftotext", data, tmp_path))
    assert "漳县疾病预防控制中心" in flat and "电子政务中心" in flat
    assert AuditEntry.objects.filter(action="台账.打印", actor=office_staff).exists()


def test_table_one_page_has_grouped_headers_and_the_total_of_all_units(client, county, office_staff):
    client.force_login(office_staff)
    body = client.get(reverse("ledgers:table", args=["one"])).content.decode()
    assert 'colspan="3"' in body and ">行政编制</th>" in body and 'rowspan="2"' in body
    assert "合计" in body and "3 个单位" in body
    assert 'target="_blank"' in body and "print=pdf" in body  # 打印PDF opens the waiting page
    # 合计 covers the filtered table, not only the page
    body = client.get(reverse("ledgers:table", args=["one"]), {"q": "财政"}).content.decode()
    assert "1 个单位" in body


# ---- 表三: every row ------------------------------------------------------------------------------------


def test_table_three_prints_more_rows_than_the_old_limit(client, unit_a, office_staff, tmp_path):
    n = 1234  # the old print stopped at 1,000 with a note
    Person.objects.bulk_create(
        Person(
            unit=unit_a,
            name=f"人员{k:04d}",
            id_number=make_id("621125", dt.date(1980, 1, 1) + dt.timedelta(days=k // 500), k % 500),
            sex="男",
            birth_date=dt.date(1980, 1, 1),
            establishment_type="行政编制",
            category="公务员",
            entered_on=dt.date(2010, 1, 1),
        )
        for k in range(n)
    )
    client.force_login(office_staff)
    data = get_pdf(client, "three")
    text = pdf_run("pdftotext", data, tmp_path, "-layout")
    names = set(re.findall(r"人员\d{4}", text))
    assert names == {f"人员{k:04d}" for k in range(n)}
    assert f"以上共 {n} 人" in text and "只打印前" not in text
    pages = int(re.search(r"Pages:\s+(\d+)", pdf_run("pdfinfo", data, tmp_path)).group(1))
    with_rows = [p for p in text.split("\f") if re.search(r"人员\d{4}", p)]
    assert pages > 1 and len(with_rows) >= pages - 1
    assert all("公民身份号码" in p for p in with_rows)  # the header repeated on every page of rows
    assert re.search(rf"第\s*{pages}\s*页\s*共\s*{pages}\s*页", text)
    entry = AuditEntry.objects.filter(action="台账.打印").latest("id")
    assert entry.after["行数"] == n and entry.after["页数"] == pages


def test_table_three_pdf_masks_for_the_supervisor(client, county, supervisor, tmp_path):
    client.force_login(supervisor)
    text = pdf_run("pdftotext", get_pdf(client, "three"), tmp_path)
    person = Person.objects.get(name="王五")
    assert person.id_number not in text and person.id_number[:6] in text


def test_table_two_pdf_prints_the_change_records(client, county, office_staff, tmp_path):
    client.force_login(office_staff)
    text = pdf_run("pdftotext", get_pdf(client, "two"), tmp_path)
    assert "表二 机构编制变更记录" in text and "漳县财政局" in text and "以上共" in text


def test_an_empty_table_prints_a_page_that_says_so(client, region, office_staff, tmp_path):
    client.force_login(office_staff)
    assert "没有在编人员" in pdf_run("pdftotext", get_pdf(client, "three"), tmp_path)
    assert "没有单位" in pdf_run("pdftotext", get_pdf(client, "one"), tmp_path)


# ---- 打印PDF: the waiting page ------------------------------------------------------------------------------


def wait_url(table: str) -> str:
    return reverse("ledgers:table", args=[table]) + "?print=pdf&q=财政"


def test_waiting_page_refreshes_to_the_pdf_with_the_filters(client, county, office_staff):
    client.force_login(office_staff)
    response = client.get(wait_url("three"))
    body = response.content.decode()
    assert response.status_code == 200 and "正在生成，请稍候…" in body
    refresh = re.search(r'http-equiv="refresh" content="1;url=([^"]+)"', body).group(1)
    assert refresh.startswith(reverse("ledgers:table_export", args=["three", "pdf"]))
    assert "inline=1" in refresh and "print=" not in refresh and "q=" in refresh
    assert "本表共 <strong>1</strong> 行" in body  # only 王五 (财政局) under the filter
    pdf = client.get(refresh.replace("&amp;", "&"))
    assert pdf["Content-Disposition"].startswith("inline;") and pdf.content.startswith(b"%PDF")


def test_waiting_page_access(client, county, liaison_a, supervisor, partner_clerk):
    assert "/accounts/login/" in client.get(wait_url("one"))["Location"]
    client.force_login(partner_clerk)
    assert client.get(wait_url("one")).status_code == 403
    client.force_login(liaison_a)  # reads the tables of their unit, may not export
    assert client.get(wait_url("one")).status_code == 403
    assert client.get(reverse("ledgers:table_export", args=["three", "pdf"])).status_code == 403
    client.force_login(supervisor)  # read-only role with export
    assert client.get(wait_url("one")).status_code == 200


def test_prints_in_one_process_do_not_share_a_font_subset(office_staff, tmp_path):
    """The parsed font is kept per process (ledgers.prints._add_font); each PDF embeds its own glyphs."""
    from ledgers.prints import Column, grid_pdf

    texts = []
    for words in ("甲乙丙丁", "戊己庚辛"):
        data = grid_pdf(
            [Column("名称", 10)], [[words]], title="测试", subtitle="", info="", actor=office_staff, name="t"
        )
        texts.append(pdf_run("pdftotext", data, tmp_path))
        assert "CID Type 0C" in pdf_run("pdffonts", data, tmp_path)
    assert "甲乙丙丁" in texts[0] and "戊己庚辛" in texts[1]
    assert "戊" not in texts[0] and "甲" not in texts[1]
