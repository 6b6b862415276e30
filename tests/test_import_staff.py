"""Importing the staff workbook (FORMATS.md §0, §2): every error kind, all-or-nothing, upsert, commands."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from tests.builders.registry import make_person, make_unit
from units import signals
from units.choices import Nature
from units.imports import STAFF_HEADERS, import_staff_file
from units.models import Movement, Person, Unit, UnitAlias

BIRTH = dt.date(1988, 3, 9)


def xlsx(path: Path, rows: list[list], *, header=STAFF_HEADERS, sheet="实有人员") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def person_row(unit="漳县财政局", name="王五", id_number=None, *, etype="行政编制", category="公务员", **kw):
    values = {
        "单位名称": unit,
        "姓名": name,
        "公民身份号码": id_number or make_id("621125", BIRTH, 1),
        "编制类型": etype,
        "人员类别": category,
        "入编时间": "2015-07-01",
    } | kw
    return [values.get(h) for h in STAFF_HEADERS]


def counts():
    return (
        Unit.objects.count(),
        Person.objects.count(),
        Movement.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def heard():
    got = []

    def listener(sender, **kwargs):
        got.append(kwargs)

    signals.registry_bulk_loaded.connect(listener)
    signals.staff_moved.connect(listener)
    yield got
    signals.registry_bulk_loaded.disconnect(listener)
    signals.staff_moved.disconnect(listener)


def run(path, region, actor=None, **kw):
    return import_staff_file(path, filename=Path(path).name, region=region, actor=actor, **kw)


def test_valid_file_creates_people_with_movements_one_audit_and_one_signal(
    tmp_path, region, unit_a, unit_b, office_staff, heard
):
    rows = [person_row(id_number=make_id("621125", BIRTH, i), name=f"王{i}") for i in range(3)]
    rows.append(
        person_row(
            "漳县疾病预防控制中心",
            "李四",
            make_id("621125", BIRTH, 9, "女"),
            etype="事业编制",
            category="专业技术人员",
            性别="女",
            出生日期=BIRTH,
            入编时间=dt.datetime(2019, 8, 1),
        )
    )
    report = run(xlsx(tmp_path / "staff.xlsx", rows), region, office_staff)
    assert report.exit_code == 0, report.errors
    assert (report.rows_read, report.created, report.updated) == (4, 4, 0)
    assert Person.objects.filter(in_establishment=True).count() == 4
    assert Movement.objects.filter(kind="入编").count() == 4
    li = Person.objects.get(name="李四")
    assert li.unit == unit_b and li.sex == "女" and li.entered_on == dt.date(2019, 8, 1)
    entry = AuditEntry.objects.get(action="导入.实有人员")
    assert entry.actor == office_staff and entry.after["入编"] == 4
    assert len(heard) == 1 and heard[0]["unit_ids"] == {unit_a.pk, unit_b.pk} and heard[0]["region"] == region


def test_cleaning_text_dates_integers_fullwidth_and_15_digit_ids(tmp_path, region, unit_a):
    id18 = make_id("621125", dt.date(1965, 4, 3), 3)
    id15 = id18[:6] + id18[8:17]
    lower = make_id("621125", dt.date(1970, 1, 1), 5)
    while not lower.endswith("X"):  # find a number whose check character is X
        lower = make_id("621125", dt.date(1970, 1, 1), int(lower[14:17]) // 2 + 1)
    rows = [
        person_row(
            " 漳县财政局\u3000",
            "张 三",
            int(id15),
            入编时间="2001年9月1日",
            参加工作时间="1999.07.01",
            是否军转干部=True,
        ),
        person_row("漳县财政局", "赵六", lower.lower(), 入编时间="２０１０/０１/０２", 是否军转干部=" 是 "),
    ]
    report = run(xlsx(tmp_path / "s.xlsx", rows), region)
    assert report.exit_code == 0, [str(e) for e in report.errors]
    zhang = Person.objects.get(id_number=id18)
    assert zhang.entered_on == dt.date(2001, 9, 1) and zhang.work_started_on == dt.date(1999, 7, 1)
    assert zhang.is_military_transfer and zhang.name == "张 三"
    zhao = Person.objects.get(id_number=lower)
    assert zhao.entered_on == dt.date(2010, 1, 2) and zhao.is_military_transfer


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"id_number": "621125198803091234"}, "公民身份号码", "校验位"),
        ({"id_number": "62112519880309"}, "公民身份号码", "18位"),
        ({"unit": "不存在的局"}, "单位名称", "不是本区划现有的单位"),
        ({"etype": "事业编制", "category": "管理人员"}, "编制类型", "混用编制"),
        ({"性别": "女"}, "性别", "不符"),
        ({"出生日期": "1990-01-01"}, "出生日期", "不符"),
        ({"人员类别": "临时工"}, "人员类别", "公务员、参公人员"),
        ({"在岗状态": "休假"}, "在岗状态", "在岗、借调"),
        ({"入编时间": "去年"}, "入编时间", "不是有效日期"),
        ({"入编时间": None}, "入编时间", "不能为空"),
        ({"name": "张" * 100_000}, "姓名", "内容过长"),
        ({"内设机构": "不存在科"}, "内设机构", "内设机构"),
        ({"入编时间": "2999-01-01"}, "入编时间", "晚于今天"),
    ],
)
def test_each_row_error_is_reported_and_nothing_written(
    tmp_path, region, unit_a, overrides, column, fragment
):
    kwargs = {
        k: overrides.pop(k) for k in ("unit", "name", "id_number", "etype", "category") if k in overrides
    }
    if "人员类别" in overrides:
        kwargs["category"] = overrides.pop("人员类别")
    path = xlsx(
        tmp_path / "staff.xlsx",
        [person_row(name="甲", id_number=make_id("621125", BIRTH, 7)), person_row(**kwargs, **overrides)],
    )
    before = counts()
    report = run(path, region)
    assert report.exit_code == 1
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("实有人员", 3, column)]
    assert fragment in report.errors[0].message
    assert str(report.errors[0]).startswith(f"实有人员 第3行 {column}: ")
    assert counts() == before


def test_duplicate_id_in_file(tmp_path, region, unit_a):
    number = make_id("621125", BIRTH, 2)
    path = xlsx(
        tmp_path / "s.xlsx", [person_row(id_number=number), person_row(name="乙", id_number=number.lower())]
    )
    report = run(path, region)
    assert [str(e) for e in report.errors] == [
        f"实有人员 第3行 公民身份号码: 公民身份号码 {number} 与第2行重复"
    ]


def test_id_in_establishment_at_another_unit_is_one_person_one_slot(tmp_path, region, unit_a, unit_b):
    other = make_person(unit_b)
    report = run(xlsx(tmp_path / "s.xlsx", [person_row(id_number=other.id_number)]), region)
    assert report.exit_code == 1
    assert "一人一编" in report.errors[0].message and "调动" in report.errors[0].message


def test_known_id_at_same_unit_is_an_update_recorded_as_a_change(tmp_path, region, unit_a, heard):
    person = make_person(unit_a, name="老张")
    heard.clear()
    row = person_row(
        name="老张",
        id_number=person.id_number,
        职务="科员",
        领导职务="无",
        入编时间=person.entered_on,
        入编文号=person.entry_doc_number,
    )
    report = run(xlsx(tmp_path / "s.xlsx", [row]), region)
    assert report.exit_code == 0 and (report.created, report.updated) == (0, 1)
    person.refresh_from_db()
    assert person.title == "科员"
    change = Movement.objects.get(person=person, kind="信息变更")
    assert change.changes == {"before": {"title": ""}, "after": {"title": "科员"}}
    assert len(heard) == 1
    again = run(xlsx(tmp_path / "s.xlsx", [row]), region)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_ambiguous_alias_is_unknown(tmp_path, region, unit_a, unit_b):
    UnitAlias.objects.create(unit=unit_a, name="县局")
    UnitAlias.objects.create(unit=unit_b, name="县局")
    report = run(xlsx(tmp_path / "s.xlsx", [person_row("县局")]), region)
    assert report.errors[0].column == "单位名称" and "无法确定" in report.errors[0].message


def test_alias_and_division_match(tmp_path, region, unit_a):
    UnitAlias.objects.create(unit=unit_a, name="县财政局")
    office = make_unit(region, "办公室", nature=Nature.DIVISION, parent=unit_a)
    report = run(xlsx(tmp_path / "s.xlsx", [person_row("县财政局", 内设机构="办公室")]), region)
    assert report.exit_code == 0, report.errors
    assert Person.objects.get().division == office


def test_over_quota_and_over_posts_are_imported_and_listed(tmp_path, region, unit_a):
    rows = [
        person_row(id_number=make_id("621125", BIRTH, i), name=f"人{i}", 领导职务="单位正职" if i < 2 else "")
        for i in range(7)
    ]
    report = run(xlsx(tmp_path / "s.xlsx", rows), region)
    assert report.exit_code == 0
    assert Person.objects.filter(unit=unit_a).count() == 7
    assert report.over_quota == ["超编：漳县财政局 行政编制 核定5名，实有7名，超2名"]
    assert report.over_posts == ["超职数：漳县财政局 单位正职 核定1名，实配2名，超1名"]
    assert set(report.over_quota + report.over_posts) <= set(report.warnings)
    entry = AuditEntry.objects.get(action="导入.实有人员")
    assert entry.after["超编"] == report.over_quota


def test_dry_run_writes_nothing(tmp_path, region, unit_a):
    before = counts()
    report = run(xlsx(tmp_path / "s.xlsx", [person_row()]), region, dry_run=True)
    assert report.exit_code == 0 and report.created == 1 and counts() == before
    assert "仅校验" in report.summary_lines()[0]


def test_missing_required_header_is_an_error_on_row_1_and_unknown_header_a_warning(tmp_path, region, unit_a):
    header = [h for h in STAFF_HEADERS if h != "编制类型"] + ["备注"]
    report = run(xlsx(tmp_path / "s.xlsx", [["漳县财政局"]], header=header), region)
    assert report.exit_code == 1
    assert [str(e) for e in report.errors] == ["实有人员 第1行 编制类型: 缺少必填列"]
    assert any("备注" in w for w in report.warnings)


def test_formulas_are_not_executed(tmp_path, region, unit_a):
    row = person_row(name='=HYPERLINK("http://x","王五")', 职务="=1+1")
    report = run(xlsx(tmp_path / "s.xlsx", [row]), region)
    # openpyxl stores formulas without cached values: the cell reads as empty, never evaluated.
    assert report.exit_code == 1 and report.errors[0].column == "姓名"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("staff.xlsx", b"just some text, not a zip"),
        ("staff.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
        ("staff.xlsx", b""),
        ("staff.txt", b"hello"),
    ],
)
def test_unreadable_files_are_fatal(tmp_path, region, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    report = run(path, region)
    assert report.exit_code == 2 and report.fatal and counts() == before


def test_too_large_file_is_fatal(tmp_path, region, unit_a, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    report = run(xlsx(tmp_path / "s.xlsx", [person_row()]), region)
    assert report.exit_code == 2 and "过大" in report.fatal


def test_blank_rows_are_skipped_fast(tmp_path, region, unit_a):
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("实有人员")
    ws.append(STAFF_HEADERS)
    ws.append(person_row())
    for _ in range(100_000):
        ws.append(["", " "])
    ws.append(person_row(name="末行", id_number=make_id("621125", BIRTH, 3)))
    book.save(tmp_path / "s.xlsx")
    report = run(tmp_path / "s.xlsx", region)
    assert report.exit_code == 0 and report.rows_read == 2


def test_bytes_and_file_objects_are_accepted(tmp_path, region, unit_a):
    data = xlsx(tmp_path / "s.xlsx", [person_row()]).read_bytes()
    assert import_staff_file(data, filename="s.xlsx", region=region, actor=None, dry_run=True).exit_code == 0
    report = import_staff_file(io.BytesIO(data), filename="s.xlsx", region=region, actor=None)
    assert report.created == 1


# ---- the command ----------------------------------------------------------------------------------------


def test_command_exit_1_prints_lines_and_writes_error_workbook(tmp_path, region, unit_a, capsys):
    path = xlsx(tmp_path / "staff.xlsx", [person_row(unit="无此单位")])
    before = counts()
    with pytest.raises(SystemExit) as exc:
        call_command("import_staff", str(path))
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "实有人员 第2行 单位名称: 单位“无此单位”不是本区划现有的单位" in out
    errors = tmp_path / "staff.errors.xlsx"
    grid = CalamineWorkbook.from_path(str(errors)).get_sheet_by_index(0).to_python()
    assert (
        grid[0] == ["工作表", "行号", "列名", "说明"]
        and grid[1][0] == "实有人员"
        and grid[1][2] == "单位名称"
    )
    assert counts() == before


def test_command_success_and_dry_run(tmp_path, region, unit_a, capsys):
    path = xlsx(tmp_path / "staff.xlsx", [person_row()])
    call_command("import_staff", str(path), "--dry-run")
    assert Person.objects.count() == 0 and "读取行数 1" in capsys.readouterr().out
    call_command("import_staff", str(path), "--region", "621125")
    assert Person.objects.count() == 1


def test_command_unreadable_exit_2(tmp_path, region, capsys):
    path = tmp_path / "staff.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(SystemExit) as exc:
        call_command("import_staff", str(path))
    assert exc.value.code == 2 and "不是有效的 .xlsx" in capsys.readouterr().err


def test_command_line_exit_code_without_traceback(tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\nxxxx")
    db = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin", "BIANZHI_DATA_DIR": str(tmp_path)}
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from bianzhi.models import Region; Region.objects.create(code='621125', name='漳县')",
        ],
        cwd=root,
        env=env,
        check=True,
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "import_staff", str(path)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and "不是有效的 .xlsx" in done.stderr


def test_constraint_clash_while_writing_is_reported_not_raised(tmp_path, region, unit_a, monkeypatch):
    from django.db import IntegrityError

    from units.services import bulk

    def clash(*args, **kwargs):
        raise IntegrityError("one_person_one_slot")

    monkeypatch.setattr(bulk, "load_staff", clash)
    report = run(xlsx(tmp_path / "s.xlsx", [person_row()]), region)
    assert report.exit_code == 1 and "冲突" in report.errors[0].message and report.created == 0
