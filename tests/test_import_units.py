"""Importing the units workbook (FORMATS.md §1): sheet 机构 and the optional 限额, all-or-nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from bianzhi.lib.idnumbers import make_credit_code
from bianzhi.models import AuditEntry
from tests.builders.registry import make_document, make_person
from units import services, signals
from units.imports import LIMIT_HEADERS, UNIT_HEADERS, import_units_file
from units.models import LeaderPostQuota, Movement, Person, Quota, QuotaLimitEntry, Unit, UnitEvent

GOOD_CODE = make_credit_code(3, "11621125")
BAD_CODE = GOOD_CODE[:17] + ("0" if GOOD_CODE[17] != "0" else "1")


def xlsx(path: Path, rows: list[list], *, header=UNIT_HEADERS, limits: list[list] | None = None) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "机构"
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    if limits is not None:
        lim = book.create_sheet("限额", 0)  # the limits sheet may come first
        lim.append(LIMIT_HEADERS)
        for row in limits:
            lim.append(row)
    book.save(path)
    return path


def unit_row(name, nature="行政机关", *, system="政府", funding="全额拨款", **kw):
    values = {"机构名称": name, "机构性质": nature, "系统类别": system, "经费形式": funding} | kw
    if nature == "内设机构":
        values.pop("系统类别"), values.pop("经费形式")
    if nature == "事业单位":
        values.setdefault("事业单位类别", "公益一类")
    return [values.get(h) for h in UNIT_HEADERS]


def counts():
    return (
        Unit.objects.count(),
        Quota.objects.count(),
        UnitEvent.objects.count(),
        Person.objects.count(),
        Movement.objects.count(),
        AuditEntry.objects.count(),
        QuotaLimitEntry.objects.count(),
    )


def run(path, region, actor=None, **kw):
    return import_units_file(path, filename=Path(path).name, region=region, actor=actor, **kw)


@pytest.fixture
def heard():
    got = []

    def listener(sender, **kwargs):
        got.append(kwargs)

    signals.registry_bulk_loaded.connect(listener)
    yield got
    signals.registry_bulk_loaded.disconnect(listener)


def test_valid_file_with_children_before_parent(tmp_path, region, office_staff, heard):
    rows = [
        unit_row("办公室", "内设机构", 上级机构="漳县应急管理局"),
        unit_row(
            "漳县应急管理局",
            统一社会信用代码=make_credit_code(7, "11621125"),
            其他名称="县应急局；应急局",
            机构规格="正科级",
            设立文号="漳编发[2019]3号",
            设立日期="2019-03-01",
            行政编制="12",
            其中军转行政编制=2,
            工勤编制=1,
            单位领导正职职数=1,
            单位领导副职职数=3,
            核定文号="漳编发〔2021〕9号",
        ),
        unit_row(
            "漳县地震台", "事业单位", 上级机构="漳县应急管理局", 事业编制=5, 核定文号="漳编发〔2021〕9号"
        ),
    ]
    report = run(xlsx(tmp_path / "units.xlsx", rows), region, office_staff)
    assert report.exit_code == 0, [str(e) for e in report.errors]
    assert (report.rows_read, report.created, report.updated) == (3, 3, 0)
    bureau = Unit.objects.get(name="漳县应急管理局")
    office = Unit.objects.get(name="办公室")
    quake = Unit.objects.get(name="漳县地震台")
    assert office.parent == bureau and office.is_division and quake.parent == bureau and not quake.is_division
    assert bureau.founding_document.number == "漳编发〔2019〕3号" and bureau.founded_on == dt.date(2019, 3, 1)
    assert set(bureau.aliases.values_list("name", flat=True)) == {"应急局", "县应急局"}
    q = Quota.objects.get(unit=bureau, establishment_type="行政编制")
    assert (q.approved, q.military_earmark) == (12, 2)
    assert LeaderPostQuota.objects.get(unit=bureau, category="单位副职").approved == 3
    assert (
        UnitEvent.objects.filter(unit=bureau, kind="编制调整", document__number="漳编发〔2021〕9号").count()
        == 2
    )
    assert UnitEvent.objects.filter(unit=bureau, kind="设立").exists()
    assert UnitEvent.objects.filter(unit=office, kind="建账导入").exists()
    assert AuditEntry.objects.get(action="导入.机构").after["新增机构"] == 3
    assert len(heard) == 1 and heard[0]["unit_ids"] == {bureau.pk, office.pk, quake.pk}


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (unit_row("甲局", 事业编制=3, 核定文号="漳编发〔2021〕1号"), "事业编制", "混用编制"),
        (unit_row("乙中心", "事业单位", 行政编制=3, 核定文号="漳编发〔2021〕1号"), "行政编制", "混用编制"),
        (unit_row("丙中心", "参公事业单位", 事业编制=1, 核定文号="x"), "事业编制", "混用编制"),
        (unit_row("科室", "内设机构", 上级机构="漳县财政局", 行政编制=2), "行政编制", "内设机构"),
        (unit_row("科室", "内设机构"), "上级机构", "必须填写上级机构"),
        (unit_row("丁局", 上级机构="不存在的委员会"), "上级机构", "不在本文件中"),
        (unit_row("漳县财政局", 机构规格="正处级"), "机构名称", "已有名为"),
        (unit_row("戊局", 统一社会信用代码=BAD_CODE), "统一社会信用代码", "校验位"),
        (
            unit_row("己局", 行政编制=3, 其中军转行政编制=4, 核定文号="x"),
            "其中军转行政编制",
            "不能大于行政编制",
        ),
        (unit_row("庚局", 行政编制=3), "核定文号", "必须填写核定文号"),
        (unit_row("辛局", 机构性质="行政机构"), "机构性质", "行政机关、参公事业单位"),
        (unit_row("壬局", system=None), "系统类别", "不能为空"),
        (unit_row("癸中心", "事业单位", 事业单位类别="公益三类"), "事业单位类别", "公益一类"),
        (unit_row("子局", 行政编制="十二", 核定文号="x"), "行政编制", "不是非负整数"),
        (unit_row("丑局", 行政编制=-1, 核定文号="x"), "行政编制", "负数"),
        (unit_row("寅" * 100_000), "机构名称", "内容过长"),
        (unit_row("卯局", 设立日期="2021-02-30"), "设立日期", "不是有效日期"),
    ],
)
def test_each_row_error(tmp_path, region, unit_a, row, column, fragment):
    path = xlsx(tmp_path / "units.xlsx", [unit_row("好局"), row])
    before = counts()
    report = run(path, region)
    assert report.exit_code == 1
    assert [(e.row, e.column) for e in report.errors] == [(3, column)], [str(e) for e in report.errors]
    assert fragment in report.errors[0].message
    assert counts() == before


def test_duplicate_names_and_codes_in_file(tmp_path, region):
    code = make_credit_code(11, "11621125")
    rows = [
        unit_row("甲局", 统一社会信用代码=code),
        unit_row("甲局"),
        unit_row("乙局", 统一社会信用代码=code),
        unit_row("科", "内设机构", 上级机构="甲局"),
        unit_row("科", "内设机构", 上级机构="乙局"),
    ]
    report = run(xlsx(tmp_path / "u.xlsx", rows), region)
    assert [str(e) for e in report.errors] == [
        "机构 第3行 机构名称: 机构名称“甲局”与第2行重复",
        "机构 第4行 统一社会信用代码: 统一社会信用代码与第2行重复",
    ]


def test_credit_code_of_live_unit_refused(tmp_path, region):
    doc = make_document(region)
    code = make_credit_code(5, "11621125")
    services.unit_create(
        region=region,
        name="已有局",
        nature="行政机关",
        system="政府",
        funding="全额拨款",
        document=doc,
        actor=None,
        credit_code=code,
    )
    report = run(xlsx(tmp_path / "u.xlsx", [unit_row("新局", 统一社会信用代码=code)]), region)
    assert report.errors[0].column == "统一社会信用代码" and "已有局" in report.errors[0].message


def test_parent_cycle_refused(tmp_path, region):
    rows = [unit_row("甲局", 上级机构="乙局"), unit_row("乙局", 上级机构="甲局")]
    report = run(xlsx(tmp_path / "u.xlsx", rows), region)
    assert report.exit_code == 1 and "循环" in report.errors[0].message


def test_existing_unit_quota_change_needs_document_and_lists_over_quota(tmp_path, region, unit_a):
    for _ in range(3):
        make_person(unit_a)
    row = unit_row("漳县财政局", 行政编制=2)
    report = run(
        xlsx(
            tmp_path / "u.xlsx",
            [row],
            header=["机构名称", "机构性质", "系统类别", "经费形式", "行政编制", "核定文号"],
        ),
        region,
    )
    assert report.exit_code == 1
    report = run(
        xlsx(
            tmp_path / "u.xlsx",
            [["漳县财政局", "行政机关", "政府", "全额拨款", 2, "漳编发〔2022〕1号"]],
            header=["机构名称", "机构性质", "系统类别", "经费形式", "行政编制", "核定文号"],
        ),
        region,
    )
    assert report.exit_code == 0 and report.updated == 1
    assert Quota.objects.get(unit=unit_a, establishment_type="行政编制").approved == 2
    assert report.over_quota == ["超编：漳县财政局 行政编制 核定2名，实有3名，超1名"]
    event = UnitEvent.objects.filter(unit=unit_a, kind="编制调整").latest("id")
    assert (event.delta, event.balance, event.document.number) == (-3, 2, "漳编发〔2022〕1号")


def test_limits_sheet_loaded_first_and_enforced(tmp_path, region):
    limits = [
        ["2021-01-05", "甘编发〔2021〕1号", "行政编制", 20, "下达限额"],
        ["2021-01-05", "甘编发〔2021〕1号", "事业编制", "10", ""],
    ]
    rows = [
        unit_row("甲局", 行政编制=15, 核定文号="漳编发〔2021〕1号"),
        unit_row("乙中心", "参公事业单位", 参公事业编制=6, 核定文号="漳编发〔2021〕1号"),
        unit_row("丙中心", "事业单位", 事业编制=5, 核定文号="漳编发〔2021〕1号"),
    ]
    before = counts()
    report = run(xlsx(tmp_path / "u.xlsx", rows, limits=limits), region)
    assert report.exit_code == 1 and counts() == before
    assert [(e.row, e.column) for e in report.errors] == [(4, "事业编制")]
    assert "超出事业编制限额" in report.errors[0].message
    rows[2] = unit_row("丙中心", "事业单位", 事业编制=4, 核定文号="漳编发〔2021〕1号")
    report = run(xlsx(tmp_path / "u.xlsx", rows, limits=limits), region)
    assert report.exit_code == 0, [str(e) for e in report.errors]
    assert (
        services.limit_balance(region, "行政编制") == 20
        and services.limit_allocated(region, "事业编制") == 10
    )
    again = run(xlsx(tmp_path / "u.xlsx", rows, limits=limits), region)
    assert again.exit_code == 0 and again.created == 0 and QuotaLimitEntry.objects.count() == 2


def test_bad_limit_rows(tmp_path, region):
    limits = [["2021-01-05", "", "行政编制", 0, ""], ["x", "甘编发〔2021〕1号", "工勤编制", 3, ""]]
    report = run(xlsx(tmp_path / "u.xlsx", [unit_row("甲局")], limits=limits), region)
    assert {(e.sheet, e.row, e.column) for e in report.errors} == {
        ("限额", 2, "文号"),
        ("限额", 2, "增减数"),
        ("限额", 3, "日期"),
        ("限额", 3, "编制类型"),
    }


def test_missing_header_and_dry_run(tmp_path, region):
    report = run(xlsx(tmp_path / "u.xlsx", [["甲局"]], header=["机构名称", "系统类别", "经费形式"]), region)
    assert [str(e) for e in report.errors] == ["机构 第1行 机构性质: 缺少必填列"]
    before = counts()
    report = run(xlsx(tmp_path / "u.xlsx", [unit_row("甲局")]), region, dry_run=True)
    assert report.exit_code == 0 and report.created == 1 and counts() == before


def test_command_writes_error_workbook_next_to_input(tmp_path, region, capsys):
    path = xlsx(tmp_path / "units.xlsx", [unit_row("甲局", 事业编制=1, 核定文号="x")])
    with pytest.raises(SystemExit) as exc:
        call_command("import_units", str(path))
    assert exc.value.code == 1
    assert "机构 第2行 事业编制: 混用编制" in capsys.readouterr().out
    assert (tmp_path / "units.errors.xlsx").exists()
    call_command("import_units", str(xlsx(tmp_path / "ok.xlsx", [unit_row("甲局")])))
    assert "新增 1" in capsys.readouterr().out and Unit.objects.filter(name="甲局").exists()


def test_command_region_required_when_several(tmp_path, region, other_region):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--region"):
        call_command("import_units", str(xlsx(tmp_path / "u.xlsx", [unit_row("甲局")])))
