"""Exports: the FORMATS §1/§2 workbooks, audited, neutralised, and re-importable without any change."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import make_credit_code
from bianzhi.models import AuditEntry
from tests.builders.registry import make_document, make_person, make_unit
from units import services
from units.choices import Nature
from units.exports import filter_units, staff_workbook, units_workbook
from units.imports import STAFF_HEADERS, UNIT_HEADERS, import_staff_file, import_units_file
from units.models import LeaderPostQuota, Movement, Person, Quota, QuotaLimitEntry, Unit, UnitAlias, UnitEvent


def grid(data: bytes, sheet: str):
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()


def snapshot():
    tables = (Unit, UnitAlias, Quota, LeaderPostQuota, QuotaLimitEntry, UnitEvent, Person, Movement)
    state = {m.__name__: m.objects.count() for m in tables}
    state["people"] = list(Person.objects.order_by("pk").values())
    state["units"] = list(Unit.objects.order_by("pk").values())
    state["quotas"] = list(Quota.objects.order_by("pk").values())
    for rows in (state["people"], state["units"]):
        for row in rows:
            row.pop("updated_at")
    return state


@pytest.fixture
def county(region, unit_a, unit_b, office_staff):
    doc = make_document(region, "甘编发〔2020〕1号")
    services.limit_entry_add(
        region=region,
        limit_type="行政编制",
        delta=100,
        document=doc,
        occurred_on=dt.date(2020, 1, 1),
        actor=None,
        note="下达",
    )
    center = make_unit(
        region,
        "=漳县检验检测中心",
        nature=Nature.CIVIL_PI,
        quotas={"参公事业编制": 3, "工勤编制": 1},
        parent=unit_a,
        aliases=["检测中心"],
        credit_code=make_credit_code(8, "12621125"),
        township="三岔镇",
        is_confidential=True,
        duties="负责检验检测。\n第二行",
    )
    office = make_unit(region, "办公室", nature=Nature.DIVISION, parent=unit_a)
    services.quota_set(
        unit=unit_a, establishment_type="行政编制", approved=5, military_earmark=1, document=doc, actor=None
    )
    make_person(
        unit_a,
        name="-张三",
        division=office,
        leader_post="单位正职",
        title="@局长",
        ethnicity="汉族",
        is_military_transfer=True,
        entry_method="军转安置",
        work_started_on=dt.date(2001, 1, 1),
    )
    make_person(unit_b, name="李四", sex="女", birth=dt.date(1992, 2, 29))
    wang = make_person(center, name="王五")
    services.person_update(person=wang, entry_doc_number="+12", actor=None)  # a slip number by default
    gone = make_person(unit_b, name="离开的人")
    services.person_leave(person=gone, left_on=dt.date(2021, 1, 1), leave_reason="退休", actor=None)
    return {"center": center, "office": office}


def test_staff_export_headers_neutralised_and_audited(county, region, office_staff):
    data = staff_workbook(Person.objects.filter(unit__region=region), actor=office_staff, filters={"q": "x"})
    rows = grid(data, "实有人员")
    assert rows[0] == STAFF_HEADERS
    assert len(rows) == 4  # people in establishment only
    names = {r[2] for r in rows[1:]}
    assert names == {"'-张三", "李四", "王五"}
    zhang = next(r for r in rows[1:] if r[2] == "'-张三")
    assert zhang[9] == "'@局长" and zhang[1] == "办公室" and zhang[17] == "是"
    assert next(r for r in rows[1:] if r[2] == "王五")[15] == "'+12"
    info = grid(data, "导出说明")
    assert info[0] == ["导出人", "李编办"]
    entry = AuditEntry.objects.get(action="导出.实有人员")
    assert entry.actor == office_staff and entry.after == {"rows": 3, "filters": {"q": "x"}, "full_ids": True}
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["实有人员", "导出说明"]


def test_units_export_headers_and_audit(county, region, office_staff):
    data = units_workbook(Unit.objects.filter(region=region, status="正常"), actor=office_staff)
    rows = grid(data, "机构")
    assert rows[0] == UNIT_HEADERS
    center = next(r for r in rows[1:] if r[0] == "'=漳县检验检测中心")
    assert center[2] == "检测中心" and center[3] == "漳县财政局" and center[10] == "是"
    assert grid(data, "限额")[1][1:4] == ["甘编发〔2020〕1号", "行政编制", 100]
    assert AuditEntry.objects.get(action="导出.机构").after["rows"] == 4


def test_round_trip_changes_nothing(county, region, office_staff):
    units = units_workbook(Unit.objects.filter(region=region, status="正常"), actor=office_staff)
    staff = staff_workbook(Person.objects.filter(unit__region=region), actor=office_staff)
    before = snapshot()
    audits = AuditEntry.objects.count()
    report = import_units_file(units, filename="units.xlsx", region=region, actor=office_staff)
    assert report.exit_code == 0, [str(e) for e in report.errors]
    assert (report.created, report.updated) == (0, 0) and report.unchanged == 5  # 4 units, 1 limit
    report = import_staff_file(staff, filename="staff.xlsx", region=region, actor=office_staff)
    assert report.exit_code == 0, [str(e) for e in report.errors]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert snapshot() == before and AuditEntry.objects.count() == audits


def test_round_trip_into_an_empty_region(county, region, other_region, office_staff):
    """An exported county loads into another region with the same shape (建账 from an export)."""
    units = units_workbook(Unit.objects.filter(region=region, status="正常"), actor=None)
    report = import_units_file(units, filename="u.xlsx", region=other_region, actor=None)
    # credit codes are unique across live units, so the copy is refused on exactly those rows
    assert {e.column for e in report.errors} == {"统一社会信用代码"}


def test_export_commands(county, region, tmp_path, capsys):
    call_command("export_units", "--out", str(tmp_path / "u.xlsx"))
    call_command("export_staff", "--out", str(tmp_path / "s.xlsx"), "--region", region.code)
    assert grid((tmp_path / "s.xlsx").read_bytes(), "实有人员")[0] == STAFF_HEADERS
    assert AuditEntry.objects.filter(action__startswith="导出.", actor=None).count() == 2


def test_filter_units(county, region):
    units = Unit.objects.filter(region=region)
    assert set(filter_units(units, {"q": "检测中心"})[0]) == {county["center"]}
    assert set(filter_units(units, {"nature": "内设机构"})[0]) == {county["office"]}
    assert set(filter_units(units, {"township": "三岔镇"})[0]) == {county["center"]}
    assert filter_units(units, {"q": "财政", "funding": "全额拨款"})[1] == {
        "q": "财政",
        "funding": "全额拨款",
    }
