"""Hostile workbooks (issue 13 point 1): refused with a Chinese message and exit 2, nothing stored,
and read within bounded memory and time (one test runs the reads under RLIMIT_AS)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from bianzhi.lib.xlsx import UnreadableWorkbook, read_sheet
from bianzhi.models import AuditEntry
from units.models import Person, Unit
from verification.compare.sources import read_partner
from verification.findings.models import PartnerUpload

ROOT = Path(__file__).resolve().parent.parent
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats'
    '-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships"><sheets><sheet name="实有人员" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c></row>'


def workbook(sheet_parts, *, prolog: str = HEAD, dimension: str = "A1") -> bytes:
    """An .xlsx whose one sheet's <sheetData> is the concatenation of ``sheet_parts`` (streamed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'{prolog}<worksheet xmlns="{NS}"><dimension ref="{dimension}"/><sheetData>'.encode())
            for part in sheet_parts:
                sheet.write(part.encode() if isinstance(part, str) else part)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def sparse_far_cell() -> bytes:
    """The 1.7 KB file of the issue: cells only at A1 and XFD1048576 (512 GiB for calamine)."""
    return workbook([HEADER_ROW, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])


def huge_dimension() -> bytes:
    return workbook(
        [HEADER_ROW, '<row r="200000"><c r="GR200000"><v>1</v></c></row>'], dimension="A1:XFD1048576"
    )


def bomb_by_rows(megabytes: int) -> bytes:
    row = "".join(f'<c r="{c}{{n}}"><v>1</v></c>' for c in "ABCDEFGHIJ")
    rows_per_mb = (1024 * 1024) // len(f'<row r="100000">{row.format(n=100000)}</row>')

    def parts():
        yield HEADER_ROW
        for n in range(2, megabytes * rows_per_mb):
            yield f'<row r="{n}">{row.format(n=n)}</row>'

    return workbook(parts())


def bomb_by_one_cell(megabytes: int) -> bytes:
    def parts():
        yield HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = "甲" * (1024 * 1024 // 3)
        for _ in range(megabytes):
            yield block
        yield "</t></is></c></row>"

    return workbook(parts())


def entity_xml() -> bytes:
    prolog = HEAD + '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    return workbook(
        [HEADER_ROW, '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t></is></c></row>'], prolog=prolog
    )


def deep_xml() -> bytes:
    return workbook([HEADER_ROW, "<x>" * 5000, "</x>" * 5000])


def csv_bad_encoding() -> bytes:
    return "单位名称,姓名\n".encode() + b"\xff\xfe\xfa\xfb,\x80\x81\xff\n"


def csv_blank_lines() -> bytes:
    return "单位名称,姓名\n".encode() + b"\n" * 2_000_000


def csv_long_line() -> bytes:
    return "单位名称,姓名\n".encode() + b"a" * (2 * 1024 * 1024) + b"\n"


HOSTILE = {
    "sparse_far_cell.xlsx": (sparse_far_cell, "超过"),
    "huge_dimension.xlsx": (huge_dimension, "单元格的上限"),
    "bomb_by_rows.xlsx": (lambda: bomb_by_rows(12), "压缩"),
    "bomb_by_one_cell.xlsx": (lambda: bomb_by_one_cell(3), "压缩|32767"),
    "entity.xlsx": (entity_xml, "DTD"),
    "deep.xlsx": (deep_xml, "嵌套"),
    "broken.xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 5000, r"\.xls 工作簿"),
    "bad_encoding.csv": (csv_bad_encoding, "编码"),
    "blank_lines.csv": (csv_blank_lines, "上限"),
    "long_line.csv": (csv_long_line, "上限"),
}


@pytest.fixture
def small_bounds(settings):
    """Bounds low enough that the hostile files stay small and the tests fast."""
    settings.XLSX_MAX_UNCOMPRESSED = 10 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 200_000


@pytest.fixture(params=sorted(HOSTILE))
def hostile(request, tmp_path, small_bounds):
    build, message = HOSTILE[request.param]
    path = tmp_path / request.param
    path.write_bytes(build())
    return path, message


def _state():
    return (Unit.objects.count(), Person.objects.count(), PartnerUpload.objects.count())


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """This module's own media folder: "no file left behind" must not see what a test running beside it
    (another xdist worker) uploads into the shared one."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _leftovers(settings) -> set[str]:
    media = Path(settings.MEDIA_ROOT)
    return {str(p) for p in media.rglob("*") if p.is_file()} if media.exists() else set()


def test_library_reader_refuses(hostile):
    path, message = hostile
    with pytest.raises(UnreadableWorkbook, match=message):
        read_sheet(path, filename=path.name)
    with pytest.raises(UnreadableWorkbook, match=message):
        read_partner(path, "org", filename=path.name)


@pytest.mark.parametrize("command", ["import_units", "import_staff"])
def test_import_commands_exit_2(hostile, command, region, capsys, settings):
    path, message = hostile
    before, files = _state(), _leftovers(settings)
    with pytest.raises(SystemExit) as exc:
        call_command(command, str(path), "--region", region.code)
    output = capsys.readouterr()
    assert exc.value.code == 2
    assert re.search(message, output.out + output.err) and "Traceback" not in output.err
    assert _state() == before and _leftovers(settings) == files
    assert not list(path.parent.glob("*.errors.xlsx"))


def test_compare_command_exit_2(hostile, db, tmp_path, settings):
    from tests.test_compare_command import compare

    path, message = hostile
    before = _state()
    code, out, err = compare("--org", str(path), "--out", str(tmp_path / "r.xlsx"))
    assert code == 2 and re.search(message, out + err) and "Traceback" not in err
    assert _state() == before and not (tmp_path / "r.xlsx").exists()


def test_units_import_page_refuses(hostile, client, office_admin, region, settings):
    path, message = hostile
    client.force_login(office_admin)
    before, files = _state(), _leftovers(settings)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("units:import_units"), {"file": upload, "region": region.pk})
    assert response.status_code in (200, 400) and re.search(message, response.content.decode())
    assert _state() == before and _leftovers(settings) == files
    assert not AuditEntry.objects.filter(action__startswith="导入").exists()


def test_partner_upload_page_refuses(hostile, client, office_staff, region, settings):
    path, message = hostile
    client.force_login(office_staff)
    before, files = _state(), _leftovers(settings)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(
        reverse("verification:upload_create"), {"source": "org", "region": region.pk, "file": upload}
    )
    assert response.status_code == 400 and re.search(message, response.content.decode())
    assert _state() == before and _leftovers(settings) == files
    assert not AuditEntry.objects.filter(action="比对数据.上传").exists()


def test_good_workbook_still_reads(small_bounds):
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>单位{n}</t></is></c></row>' for n in range(2, 50)
    )
    sheet = read_sheet(workbook([HEADER_ROW, rows]), filename="good.xlsx")
    assert sheet.header == ["单位名称"] and len(sheet.rows) == 48


CHILD = textwrap.dedent(
    """
    import os, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.settings")
    import django
    django.setup()
    from bianzhi.lib.xlsx import UnreadableWorkbook, read_sheet
    from verification.compare.reader import partner_sheets
    path = sys.argv[1]
    for reader in ("read_sheet", "partner_sheets"):
        try:
            if reader == "read_sheet":
                read_sheet(path, filename=os.path.basename(path))
            else:
                for _name, rows in partner_sheets(path, filename=os.path.basename(path))[1]:
                    for _row in rows:
                        pass
        except UnreadableWorkbook as exc:
            print("refused", reader, exc)
        else:
            print("READ", reader)
    """
)


@pytest.mark.parametrize(
    "name, build",
    [
        ("sparse_far_cell.xlsx", sparse_far_cell),
        ("bomb_by_rows.xlsx", lambda: bomb_by_rows(250)),
        ("bomb_by_one_cell.xlsx", lambda: bomb_by_one_cell(250)),
        ("blank_lines.csv", lambda: b"a,b\n" + b"\n" * 15_000_000),
    ],
)
def test_hostile_reads_under_a_memory_limit(tmp_path, name, build):
    """Default settings, 1.5 GiB of address space and 10 s: a regression dies or times out here."""
    path = tmp_path / name
    path.write_bytes(build())
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        capture_output=True,
        timeout=10,
        check=False,
        env={"PATH": "/usr/bin:/bin", "BIANZHI_DATA_DIR": str(tmp_path / "data")},
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert out.count("refused") == 2 and "READ" not in out, out
