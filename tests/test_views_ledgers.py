"""Ledger pages: anonymous → login, other unit → 404, partner → 403, office roles see and export (audited)."""

import datetime as dt

import openpyxl
import pytest
from django.urls import reverse

from bianzhi.models import AuditEntry
from tests.builders.registry import make_document, make_person, make_unit
from units import services as unit_services
from units.choices import Nature

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(region, unit_a, unit_b, office_staff):
    doc = make_document(region)
    unit_services.limit_entry_add(
        region=region,
        limit_type="行政编制",
        delta=400,
        document=doc,
        occurred_on=dt.date(2020, 1, 1),
        actor=office_staff,
    )
    make_person(unit_a, actor=office_staff, name="王五", leader_post="单位正职")
    make_person(unit_b, actor=office_staff, name="赵六")
    make_unit(region, "预算股", nature=Nature.DIVISION, parent=unit_a, document=doc)
    return unit_a, unit_b


def page_urls(unit):
    return [
        reverse("ledgers:index"),
        reverse("ledgers:limit_ledger"),
        reverse("ledgers:unit_ledger", args=[unit.pk]),
        *[reverse("ledgers:table", args=[t]) for t in ("one", "two", "three")],
    ]


def export_urls(unit):
    return [
        reverse("ledgers:limit_export", args=["xlsx"]),
        reverse("ledgers:unit_ledger_export", args=[unit.pk, "xlsx"]),
        *[reverse("ledgers:table_export", args=[t, "xlsx"]) for t in ("one", "two", "three")],
    ]


def test_anonymous_is_sent_to_login(client, county):
    for url in page_urls(county[0]) + export_urls(county[0]):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_liaison_of_another_unit_gets_404_for_the_unit_ledger(client, county, liaison_b):
    client.force_login(liaison_b)
    assert client.get(reverse("ledgers:unit_ledger", args=[county[0].pk])).status_code == 404
    assert client.get(reverse("ledgers:unit_ledger_export", args=[county[0].pk, "xlsx"])).status_code == 404
    own = client.get(reverse("ledgers:unit_ledger", args=[county[1].pk]))
    assert own.status_code == 200 and "漳县疾病预防控制中心" in own.content.decode()


def test_liaison_sees_only_own_unit_in_tables_and_cannot_export_or_see_limits(client, county, liaison_b):
    client.force_login(liaison_b)
    body = client.get(reverse("ledgers:table", args=["one"])).content.decode()
    assert "漳县疾病预防控制中心" in body and "漳县财政局" not in body
    roster = client.get(reverse("ledgers:table", args=["three"])).content.decode()
    assert "赵六" in roster and "王五" not in roster
    assert client.get(reverse("ledgers:limit_ledger")).status_code == 403
    assert client.get(reverse("ledgers:table_export", args=["one", "xlsx"])).status_code == 403


def test_partner_clerk_gets_403(client, county, partner_clerk):
    client.force_login(partner_clerk)
    assert client.get(reverse("ledgers:index")).status_code == 403
    assert client.get(reverse("ledgers:table", args=["one"])).status_code == 403
    assert client.get(reverse("ledgers:unit_ledger", args=[county[0].pk])).status_code == 404


def test_other_county_staff_sees_nothing_of_this_county(client, county, other_office_staff):
    client.force_login(other_office_staff)
    assert client.get(reverse("ledgers:unit_ledger", args=[county[0].pk])).status_code == 404
    assert "漳县财政局" not in client.get(reverse("ledgers:table", args=["one"])).content.decode()


def test_supervisor_views_every_page(client, county, supervisor):
    client.force_login(supervisor)
    for url in page_urls(county[0]):
        response = client.get(url)
        assert response.status_code == 200, url
    body = client.get(reverse("ledgers:unit_ledger", args=[county[0].pk])).content.decode()
    assert "设立内设机构" in body and "行政编制" in body
    division = county[0].children.get()
    assert client.get(reverse("ledgers:unit_ledger", args=[division.pk])).status_code == 302


def test_filters_narrow_the_tables(client, county, office_staff):
    client.force_login(office_staff)
    body = client.get(reverse("ledgers:table", args=["two"]), {"type": "事业编制"}).content.decode()
    assert "漳县疾病预防控制中心" in body and "漳县财政局</a>" not in body
    body = client.get(reverse("ledgers:table", args=["one"]), {"q": "财政"}).content.decode()
    assert "漳县财政局" in body and "疾病预防" not in body
    body = client.get(
        reverse("ledgers:unit_ledger", args=[county[0].pk]), {"start": "2031-01-01"}
    ).content.decode()
    assert "没有台账记录" in body
    assert client.get(reverse("ledgers:table", args=["one"]), {"start": "不是日期"}).status_code == 200


def test_table_pages_have_a_bounded_number_of_queries(
    client, county, office_staff, region, django_assert_max_num_queries
):
    for i in range(15):
        make_unit(region, f"测试局{i}")
    client.force_login(office_staff)
    for t in ("one", "two", "three"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse("ledgers:table", args=[t])).status_code == 200


def test_excel_exports_are_audited_and_match_the_ledger(client, county, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("ledgers:table_export", args=["one", "xlsx"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = openpyxl.load_workbook(__import__("io").BytesIO(response.content))
    # 表一 in the layout offices print (issue 15): title, information line, two header rows, 合计, units
    sheet = book["表一"]
    assert [c.value for c in sheet[3]][:4] == ["序号", "机构名称", "机构性质", "行政编制"]
    assert [c.value for c in sheet[4]][3:6] == ["核定数", "实有数", "空编数"]
    assert [c.value for c in sheet[6]][:6] == [1, "漳县财政局", "行政机关", 5, 1, 4]
    entry = AuditEntry.objects.get(action="台账.导出")
    assert entry.actor == office_staff and "表一" in entry.target_repr
    for url in export_urls(county[0]):
        assert client.get(url).status_code == 200, url
    assert AuditEntry.objects.filter(action="台账.导出").count() == 6


def test_supervisor_roster_export_masks_id_numbers(client, county, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("ledgers:table_export", args=["three", "xlsx"]))
    book = openpyxl.load_workbook(__import__("io").BytesIO(response.content))
    assert "*" in book["表三"]["D2"].value


def test_pdf_export_is_audited(client, county, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("ledgers:unit_ledger_export", args=[county[0].pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="台账.打印", actor=office_staff).exists()
    for t in ("one", "two", "three"):
        assert client.get(reverse("ledgers:table_export", args=[t, "pdf"])).content.startswith(b"%PDF")
    assert client.get(reverse("ledgers:limit_export", args=["pdf"])).content.startswith(b"%PDF")
    assert client.get(reverse("ledgers:table_export", args=["one", "doc"])).status_code == 404


def test_a_long_roster_prints_every_row(client, office_staff, unit_a, tmp_path):
    """The old 1,000-row cut (PDF_MAX_ROWS) is gone: every person is in the PDF (issue 15)."""
    import subprocess

    from tests.builders.registry import make_person

    for _ in range(3):
        make_person(unit_a)
    client.force_login(office_staff)
    response = client.get(reverse("ledgers:table_export", args=["three", "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "t.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "以上共 3 人" in text and "只打印前" not in text
