"""The ledgers follow every registry service in the same transaction, and check_ledgers finds drift."""

import datetime as dt

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from bianzhi.models import AuditEntry
from ledgers import exports, services
from ledgers.models import EstablishmentRow, LedgerCheck, LimitLedgerEntry, UnitLedgerEntry
from ledgers.selectors import last_check
from ledgers.services import rebuild
from tests.builders.registry import make_document, make_person, make_slip, make_unit
from units import services as unit_services
from units import signals
from units.choices import Nature, UnitStatus
from units.models import Person, Quota


def row(unit) -> EstablishmentRow:
    return EstablishmentRow.objects.get(pk=unit.pk)


def assert_in_step() -> None:
    report = rebuild.differences()
    assert report.differences == []


def test_table_one_follows_unit_quota_and_posts(unit_a):
    r = row(unit_a)
    assert (r.name, r.nature, r.admin_approved, r.support_approved) == ("漳县财政局", "行政机关", 5, 1)
    assert (r.chief_approved, r.deputy_approved, r.division_lead_approved) == (1, 2, 0)
    assert r.admin_occupied == 0 and r.vacancy("行政编制") == 5
    assert_in_step()


def test_table_one_follows_staff_movements(region, unit_a, unit_b, office_staff):
    p = make_person(unit_a, actor=office_staff, leader_post="单位正职")
    q = make_person(unit_a, actor=office_staff)
    r = row(unit_a)
    assert (r.admin_occupied, r.chief_held, r.vacancy("行政编制")) == (2, 1, 3)
    unit_services.person_change_post(
        person=q, leader_post="单位副职", occurred_on=dt.date(2021, 1, 1), actor=office_staff
    )
    assert row(unit_a).deputy_held == 1
    unit_services.person_transfer(
        person=q,
        to_unit=unit_b,
        establishment_type="事业编制",
        occurred_on=dt.date(2021, 2, 1),
        actor=office_staff,
        slip=make_slip(unit_b),
    )
    assert (row(unit_a).admin_occupied, row(unit_a).deputy_held, row(unit_b).public_occupied) == (1, 0, 1)
    unit_services.person_leave(person=p, left_on=dt.date(2021, 3, 1), leave_reason="退休", actor=office_staff)
    assert (row(unit_a).admin_occupied, row(unit_a).chief_held) == (0, 0)
    assert_in_step()


def test_unit_ledger_lines_with_running_balance(region, unit_a, office_staff):
    doc = make_document(region, "漳编发〔2021〕7号")
    unit_services.quota_set(
        unit=unit_a,
        establishment_type="行政编制",
        approved=8,
        document=doc,
        actor=office_staff,
        occurred_on=dt.date(2021, 5, 1),
        reason="职能调整增编",
    )
    unit_services.quota_set(
        unit=unit_a,
        establishment_type="行政编制",
        approved=6,
        document=doc,
        actor=office_staff,
        occurred_on=dt.date(2021, 6, 1),
    )
    unit_services.unit_update(
        unit=unit_a,
        name="漳县财政局（国资局）",
        document=doc,
        actor=office_staff,
        occurred_on=dt.date(2021, 7, 1),
    )
    make_unit(region, "预算股", nature=Nature.DIVISION, parent=unit_a, document=doc)
    lines = list(UnitLedgerEntry.objects.filter(unit=unit_a, establishment_type="行政编制").order_by("id"))
    assert [(e.increase, e.decrease, e.balance) for e in lines] == [(5, 0, 5), (3, 0, 8), (0, 2, 6)]
    assert lines[1].reason == "职能调整增编" and lines[1].doc_number == "漳编发〔2021〕7号"
    kinds = list(UnitLedgerEntry.objects.filter(unit=unit_a).values_list("kind", flat=True))
    assert kinds[0] == "设立" and "更名" in kinds
    division_line = UnitLedgerEntry.objects.get(unit=unit_a, subject__name="预算股")
    assert division_line.reason == "设立内设机构" and "预算股" in division_line.note
    assert row(unit_a).name == "漳县财政局（国资局）"
    assert_in_step()


def test_entries_are_append_only(unit_a):
    entry = UnitLedgerEntry.objects.filter(unit=unit_a).first()
    entry.note = "改"
    with pytest.raises(ValidationError, match="只能追加"):
        entry.save()
    with pytest.raises(ValidationError, match="不能删除"):
        entry.delete()


def test_reversal_writes_red_entry_and_restores_register(region, unit_a, office_staff):
    doc = make_document(region)
    unit_services.quota_set(
        unit=unit_a, establishment_type="行政编制", approved=9, document=doc, actor=office_staff
    )
    wrong = UnitLedgerEntry.objects.filter(unit=unit_a, establishment_type="行政编制").latest("id")
    with pytest.raises(ValidationError, match="原因"):
        services.ledger_entry_reverse(entry=wrong, reason=" ", actor=office_staff)
    reversal = services.ledger_entry_reverse(entry=wrong, reason="录入错误，应为7名", actor=office_staff)
    assert (reversal.increase, reversal.decrease, reversal.balance) == (-4, 0, 5)
    assert reversal.reverses == wrong and "录入错误" in reversal.note
    assert Quota.objects.get(unit=unit_a, establishment_type="行政编制").approved == 5
    assert AuditEntry.objects.filter(action="台账.冲销", reason="录入错误，应为7名").exists()
    with pytest.raises(ValidationError, match="已被冲销"):
        services.ledger_entry_reverse(entry=wrong, reason="再次", actor=office_staff)
    with pytest.raises(ValidationError, match="不能再次冲销"):
        services.ledger_entry_reverse(entry=reversal, reason="再次", actor=office_staff)
    founding = UnitLedgerEntry.objects.get(unit=unit_a, kind="设立")
    with pytest.raises(ValidationError, match="只有编制数"):
        services.ledger_entry_reverse(entry=founding, reason="x", actor=office_staff)
    assert_in_step()


def test_limit_ledger_mirrors_limit_entries(region, office_staff):
    doc = make_document(region, "甘编发〔2020〕1号")
    unit_services.limit_entry_add(
        region=region,
        limit_type="行政编制",
        delta=100,
        document=doc,
        occurred_on=dt.date(2020, 1, 1),
        actor=office_staff,
    )
    unit_services.limit_entry_add(
        region=region,
        limit_type="行政编制",
        delta=-10,
        document=doc,
        occurred_on=dt.date(2020, 6, 1),
        actor=office_staff,
    )
    unit_services.limit_entry_add(
        region=region,
        limit_type="事业编制",
        delta=300,
        document=doc,
        occurred_on=dt.date(2020, 6, 1),
        actor=office_staff,
    )
    lines = list(
        LimitLedgerEntry.objects.order_by("id").values_list("limit_type", "increase", "decrease", "balance")
    )
    assert lines == [("行政编制", 100, 0, 100), ("行政编制", 0, 10, 90), ("事业编制", 300, 0, 300)]
    make_unit(region, "漳县审计局", quotas={"行政编制": 30})
    usage = {u["limit_type"]: u for u in exports.limit_usage([region.pk])}
    assert (usage["行政编制"]["allocated"], usage["行政编制"]["unallocated"]) == (30, 60)
    assert_in_step()


def test_a_failed_service_leaves_no_ledger_trace(unit_a, office_staff):
    before = UnitLedgerEntry.objects.count()
    with pytest.raises(ValidationError):
        for _ in range(6):
            make_person(unit_a, actor=office_staff)
    assert row(unit_a).admin_occupied == 5 and UnitLedgerEntry.objects.count() == before
    assert_in_step()


def test_bulk_loaded_signal_recomputes_each_unit_once(region, unit_a, unit_b, django_assert_max_num_queries):
    # A bulk path writes people directly and announces the load once.
    people = [
        Person(
            unit=unit_a if i % 2 else unit_b,
            name=f"批量{i}",
            id_number=f"62112519900101{i:03d}X"[-18:],
            sex="男",
            birth_date=dt.date(1990, 1, 1),
            establishment_type="行政编制" if i % 2 else "事业编制",
            category="公务员",
            entered_on=dt.date(2015, 1, 1),
        )
        for i in range(40)
    ]
    with transaction.atomic():
        Person.objects.bulk_create(people)
        assert rebuild.differences().differences  # 表一 is behind until the load is announced
        with django_assert_max_num_queries(12):
            signals.registry_bulk_loaded.send(sender=None, region=region, unit_ids={unit_a.pk, unit_b.pk})
    assert (row(unit_a).admin_occupied, row(unit_b).public_occupied) == (20, 20)
    assert_in_step()


def test_staff_moved_costs_a_constant_number_of_queries(unit_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        services.refresh_staff({unit_a.pk})


def test_check_ledgers_exit_codes_and_last_check(unit_a, unit_b, office_staff, capsys):
    make_person(unit_a, actor=office_staff)
    call_command("check_ledgers")
    assert "相符" in capsys.readouterr().out
    assert last_check().ok
    EstablishmentRow.objects.filter(pk=unit_a.pk).update(admin_occupied=3)
    with pytest.raises(CommandError) as err:
        call_command("check_ledgers")
    assert err.value.returncode == 1
    out = capsys.readouterr().out
    assert "表一 漳县财政局 行政编制实有数：台账为3，重算为1" in out
    check = last_check()
    assert not check.ok and check.difference_count == 1 and check.differences == [out.strip()]
    assert LedgerCheck.objects.count() == 2


def test_check_ledgers_finds_a_tampered_entry_and_quota(unit_a, unit_b):
    UnitLedgerEntry.objects.filter(unit=unit_a, establishment_type="行政编制").update(increase=6)
    Quota.objects.filter(unit=unit_b).update(approved=99)
    lines = rebuild.differences().differences
    assert any("增减数为6，变更记录为5" in s for s in lines)
    assert any("结余数为5，按分录累计应为6" in s for s in lines)
    assert any("事业编制：结余数为8，核定数为99" in s for s in lines)
    assert any("事业编制核定数：台账为8，重算为99" in s for s in lines)


def test_ledgers_off_then_fix(region, unit_a, office_staff):
    with override_settings(LEDGERS_ENABLED=False):
        make_person(unit_a, actor=office_staff)
        late = make_unit(region, "漳县统计局")
    assert not EstablishmentRow.objects.filter(pk=late.pk).exists()
    assert rebuild.differences().differences
    with pytest.raises(CommandError):
        call_command("check_ledgers", "--quiet")
    call_command("check_ledgers", "--fix")
    assert row(late).admin_approved == 10 and row(unit_a).admin_occupied == 1
    assert last_check().ok


def test_ended_units_keep_their_row_but_leave_table_one(region, unit_a, office_staff):
    doc = make_document(region)
    gone = make_unit(region, "漳县粮食局")
    unit_services.unit_end(
        unit=gone,
        status=UnitStatus.ABOLISHED,
        occurred_on=dt.date(2021, 1, 1),
        document=doc,
        actor=office_staff,
    )
    assert row(gone).status == "已撤销"
    names = [r[0] for r in exports.table_one_rows(EstablishmentRow.objects.all())]
    assert names == ["漳县财政局"]
    assert_in_step()


def test_export_ledgers_writes_the_three_workbooks(tmp_path, region, unit_a, unit_b, office_staff):
    doc = make_document(region)
    unit_services.limit_entry_add(
        region=region,
        limit_type="行政编制",
        delta=50,
        document=doc,
        occurred_on=dt.date(2020, 1, 1),
        actor=office_staff,
    )
    make_person(unit_a, actor=office_staff, name='=HYPERLINK("x")', leader_post="单位正职")
    call_command("export_ledgers", "--out", str(tmp_path / "out"))
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["单位台账.xlsx", "电子台账.xlsx", "限额台账.xlsx"]
    book = openpyxl.load_workbook(out / "电子台账.xlsx")
    assert book.sheetnames[:3] == ["表一", "表二", "表三"]
    header = [c.value for c in book["表一"][1]]
    assert header == [
        "机构名称",
        "机构性质",
        "行政编制核定数",
        "行政编制实有数",
        "行政编制空编数",
        "政法专项编制核定数",
        "政法专项编制实有数",
        "政法专项编制空编数",
        "参公事业编制核定数",
        "参公事业编制实有数",
        "参公事业编制空编数",
        "事业编制核定数",
        "事业编制实有数",
        "事业编制空编数",
        "工勤编制核定数",
        "工勤编制实有数",
        "工勤编制空编数",
        "单位正职核定数",
        "单位正职实配数",
        "单位副职核定数",
        "单位副职实配数",
        "内设机构领导核定数",
        "内设机构领导实配数",
    ]
    first = [c.value for c in book["表一"][2]]
    assert first[:5] == ["漳县财政局", "行政机关", 5, 1, 4] and first[17:19] == [1, 1]
    roster_header = [c.value for c in book["表三"][1]]
    assert (
        roster_header[:4] == ["单位名称", "内设机构", "姓名", "公民身份号码"] and "入编时间" in roster_header
    )
    roster = [c.value for c in book["表三"][2]]
    assert roster[2] == '\'=HYPERLINK("x")' and roster[13] == "单位正职"
    unit_book = openpyxl.load_workbook(out / "单位台账.xlsx")
    assert [c.value for c in unit_book["单位台账"][1]] == [
        "机构名称",
        "日期",
        "变化原因",
        "批准文号",
        "编制类型",
        "增编数",
        "减编数",
        "结余数",
        "备注",
    ]
    limit_book = openpyxl.load_workbook(out / "限额台账.xlsx")
    assert limit_book.sheetnames[:3] == ["总账", "分账1 行政编制限额", "分账2 事业编制限额"]
    assert [c.value for c in limit_book["分账1 行政编制限额"][2]][4:7] == [50, 0, 50]
    assert AuditEntry.objects.filter(action="台账.导出").exists()


def _workbook(path, sheet, headers, rows):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        ws.append(r)
    book.save(path)
    return path


def test_workbook_imports_keep_the_ledgers_in_step(tmp_path, region, office_staff):
    from bianzhi.lib.idnumbers import make_id
    from units.imports.staff import import_staff_file
    from units.imports.units import import_units_file

    units_file = _workbook(
        tmp_path / "units.xlsx",
        "机构",
        [
            "机构名称",
            "机构性质",
            "系统类别",
            "经费形式",
            "事业单位类别",
            "上级机构",
            "行政编制",
            "事业编制",
            "工勤编制",
            "单位领导正职职数",
            "单位领导副职职数",
            "核定文号",
        ],
        [
            ["漳县水务局", "行政机关", "政府", "全额拨款", "", "", 3, None, 1, 1, 1, "漳编发〔2019〕3号"],
            [
                "漳县水利站",
                "事业单位",
                "政府",
                "全额拨款",
                "公益一类",
                "",
                None,
                2,
                None,
                1,
                0,
                "漳编发〔2019〕3号",
            ],
            ["办公室", "内设机构", "", "", "", "漳县水务局", None, None, None, None, None, ""],
        ],
    )
    report = import_units_file(str(units_file), filename="units.xlsx", region=region, actor=office_staff)
    assert report.exit_code == 0, [str(e) for e in report.errors]
    headers = ["单位名称", "姓名", "公民身份号码", "编制类型", "人员类别", "领导职务", "入编时间"]
    people = [
        [
            "漳县水务局",
            f"水{i}",
            make_id("621125", dt.date(1980, 1, 2), 500 + i),
            "行政编制",
            "公务员",
            "单位副职" if i < 2 else "",
            "2010-01-01",
        ]
        for i in range(4)
    ]  # 4 on 3 slots, 2 on 1 post
    people.append(
        [
            "漳县水利站",
            "站1",
            make_id("621125", dt.date(1981, 1, 2), 600),
            "事业编制",
            "专业技术人员",
            "",
            "2012-05-01",
        ]
    )
    staff_file = _workbook(tmp_path / "staff.xlsx", "实有人员", headers, people)
    heard = []
    signals.registry_bulk_loaded.connect(lambda sender, **kw: heard.append(kw), weak=False, dispatch_uid="t")
    try:
        report = import_staff_file(str(staff_file), filename="staff.xlsx", region=region, actor=office_staff)
    finally:
        signals.registry_bulk_loaded.disconnect(dispatch_uid="t")
    assert report.exit_code == 0, [str(e) for e in report.errors]
    assert len(heard) == 1
    water = EstablishmentRow.objects.get(name="漳县水务局")
    assert (water.admin_approved, water.admin_occupied, water.vacancy("行政编制")) == (3, 4, -1)
    assert (water.deputy_approved, water.deputy_held) == (1, 2)
    assert UnitLedgerEntry.objects.filter(unit=water.unit, establishment_type="行政编制").get().balance == 3
    assert UnitLedgerEntry.objects.filter(unit=water.unit, subject__name="办公室").exists()
    assert_in_step()
