"""import_units: quotas and posts take effect at their 核定文号's date, else at --as-of (FORMATS §2);
a new unit's first figures are marked 建账 (UnitEvent.baseline), changes of a stored unit are not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.registry import make_document, make_user
from tests.workbooks import unit_row, units_xlsx
from units.imports import import_units_file
from units.models import Quota, Unit, UnitEvent

DOC = "漳编发〔2019〕3号"


def run(path: Path, region, actor=None, **kw):
    return import_units_file(path, filename=path.name, region=region, actor=actor, **kw)


def figures(unit: Unit) -> list[tuple]:
    return list(
        UnitEvent.objects.filter(unit=unit, kind__in=["编制调整", "职数调整"])
        .order_by("id")
        .values_list("kind", "establishment_type", "post_category", "occurred_on", "balance", "baseline")
    )


def test_a_unit_loaded_with_a_dated_document_takes_effect_at_its_date(tmp_path, region, office_staff):
    make_document(region, DOC, issued_on=dt.date(2019, 3, 1))
    path = units_xlsx(
        tmp_path / "units.xlsx",
        [unit_row("漳县水务局", 行政编制=5, 工勤编制=1, 单位领导正职职数=1, 核定文号=DOC)],
    )
    report = run(path, region, office_staff, as_of=dt.date(2021, 12, 31))
    assert report.exit_code == 0, [str(e) for e in report.errors]
    unit = Unit.objects.get(name="漳县水务局")
    day = dt.date(2019, 3, 1)
    assert figures(unit) == [
        ("编制调整", "行政编制", "", day, 5, True),
        ("编制调整", "工勤编制", "", day, 1, True),
        ("职数调整", "", "单位正职", day, 1, True),
    ]
    assert unit.events.get(kind="建账导入").occurred_on == day
    assert "编制和职数生效日期：1个机构按核定文号的发文日期（2019-03-01 1个）。" in report.summary_lines()
    entry = AuditEntry.objects.get(action="导入.机构")
    assert entry.actor == office_staff and entry.after["生效日期"] == {"2019-03-01": 1}


def test_without_a_dated_document_the_figures_take_effect_at_as_of(tmp_path, region, office_staff):
    make_document(region, "漳编发〔2020〕9号", issued_on=None)  # on file, but no date
    path = units_xlsx(
        tmp_path / "units.xlsx",
        [
            unit_row("甲局", 行政编制=3, 核定文号="漳编发〔2020〕9号"),
            unit_row("乙局", 行政编制=2, 核定文号="漳编发〔2020〕77号"),  # not on file: registered undated
            unit_row("丙中心", "事业单位"),  # no figures at all
        ],
    )
    as_of = dt.date(2021, 12, 31)
    report = run(path, region, office_staff, as_of=as_of)
    assert report.exit_code == 0, [str(e) for e in report.errors]
    for name, n in (("甲局", 3), ("乙局", 2)):
        assert figures(Unit.objects.get(name=name)) == [("编制调整", "行政编制", "", as_of, n, True)]
    assert Unit.objects.get(name="丙中心").events.get(kind="建账导入").occurred_on == as_of
    assert any("3个机构按指定的生效日期 2021-12-31" in line for line in report.summary_lines())


def test_as_of_defaults_to_today(tmp_path, region):
    report = run(
        units_xlsx(tmp_path / "u.xlsx", [unit_row("甲局", 行政编制=3, 核定文号="漳编发〔2020〕5号")]), region
    )
    assert report.exit_code == 0
    assert figures(Unit.objects.get(name="甲局"))[0][3] == timezone.localdate()


def test_changes_of_a_stored_unit_are_ordinary_events_at_their_date(tmp_path, region, office_staff):
    make_document(region, DOC, issued_on=dt.date(2019, 3, 1))
    first = units_xlsx(tmp_path / "first.xlsx", [unit_row("漳县水务局", 行政编制=5, 核定文号=DOC)])
    assert run(first, region, office_staff, as_of=dt.date(2021, 1, 1)).exit_code == 0
    make_document(region, "漳编发〔2022〕4号", issued_on=dt.date(2022, 6, 1))
    second = units_xlsx(
        tmp_path / "second.xlsx",
        [
            unit_row("漳县水务局", 行政编制=7, 单位领导副职职数=2, 核定文号="漳编发〔2022〕4号"),
            unit_row("漳县林业局", 行政编制=4, 核定文号="漳编发〔2022〕4号"),
        ],
    )
    report = run(second, region, office_staff, as_of=dt.date(2023, 1, 1))
    assert report.exit_code == 0, [str(e) for e in report.errors]
    water = Unit.objects.get(name="漳县水务局")
    changed = dt.date(2022, 6, 1)
    assert figures(water) == [
        ("编制调整", "行政编制", "", dt.date(2019, 3, 1), 5, True),
        ("编制调整", "行政编制", "", changed, 7, False),
        ("职数调整", "", "单位副职", changed, 2, False),
    ]
    assert water.events.filter(baseline=False, kind="编制调整").get().delta == 2
    assert Quota.objects.get(unit=water, establishment_type="行政编制").approved == 7
    # a unit the second load creates is still a new unit: its first figures are 建账
    assert figures(Unit.objects.get(name="漳县林业局")) == [("编制调整", "行政编制", "", changed, 4, True)]
    assert "编制和职数生效日期：2个机构按核定文号的发文日期（2022-06-01 2个）。" in report.summary_lines()


def test_as_of_in_the_future_is_refused_and_nothing_written(tmp_path, region, office_staff, capsys):
    path = units_xlsx(tmp_path / "u.xlsx", [unit_row("甲局", 行政编制=3, 核定文号="漳编发〔2020〕5号")])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        run(path, region, office_staff, as_of=tomorrow)
    with pytest.raises(CommandError, match="生效日期（--as-of）.*晚于今天") as exc:
        call_command("import_units", str(path), "--as-of", f"{tomorrow:%Y-%m-%d}")
    assert exc.value.returncode == 1
    with pytest.raises(CommandError, match="--as-of") as exc:
        call_command("import_units", str(path), "--as-of", "2021-13-45")
    assert exc.value.returncode == 1
    assert not Unit.objects.exists() and not UnitEvent.objects.exists()


def test_command_as_of_and_summary(tmp_path, region, capsys):
    path = units_xlsx(tmp_path / "u.xlsx", [unit_row("甲局", 行政编制=3, 核定文号="漳编发〔2020〕5号")])
    call_command("import_units", str(path), "--as-of", "2021年12月31日", "--dry-run")
    out = capsys.readouterr().out
    assert "仅校验" in out and "按指定的生效日期 2021-12-31" in out and not Unit.objects.exists()
    call_command("import_units", str(path), "--as-of", "2021-12-31")
    assert "按指定的生效日期 2021-12-31" in capsys.readouterr().out
    assert figures(Unit.objects.get(name="甲局")) == [
        ("编制调整", "行政编制", "", dt.date(2021, 12, 31), 3, True)
    ]
    assert AuditEntry.objects.get(action="导入.机构").actor is None  # the system


def test_the_import_service_authorizes_its_actor(tmp_path, region, other_region, supervisor, liaison_a):
    path = units_xlsx(tmp_path / "u.xlsx", [unit_row("甲局")])
    outsider = make_user("staff_x", Role.OFFICE_STAFF, regions=[other_region])
    for actor, message in (
        (supervisor, "只有编办管理员或编办工作人员可以导入数据"),
        (liaison_a, "只有编办管理员或编办工作人员可以导入数据"),
        (outsider, "其他区划"),
    ):
        with pytest.raises(PermissionDenied, match=message):
            run(path, region, actor)
    assert not Unit.objects.filter(name="甲局").exists()


def test_command_user_option(tmp_path, region, supervisor, office_staff):
    path = units_xlsx(tmp_path / "u.xlsx", [unit_row("甲局")])
    with pytest.raises(CommandError, match="没有用户名为 nobody 的用户") as exc:
        call_command("import_units", str(path), "--user", "nobody")
    assert exc.value.returncode == 1
    with pytest.raises(CommandError, match="只有编办管理员或编办工作人员可以导入数据") as exc:
        call_command("import_units", str(path), "--user", supervisor.username)
    assert exc.value.returncode == 1 and not Unit.objects.exists()
    call_command("import_units", str(path), "--user", office_staff.username)
    assert AuditEntry.objects.get(action="导入.机构").actor == office_staff


def test_many_document_dates_are_summarised_as_a_range(tmp_path, region):
    rows = []
    for i in range(6):
        number = f"漳编发〔2019〕{i + 10}号"
        make_document(region, number, issued_on=dt.date(2019, 1, 1) + dt.timedelta(days=30 * i))
        rows.append(unit_row(f"局{i}", 行政编制=2, 核定文号=number))
    report = run(units_xlsx(tmp_path / "u.xlsx", rows), region)
    assert report.exit_code == 0
    assert "编制和职数生效日期：6个机构按核定文号的发文日期（2019-01-01 至 2019-05-31，共6个日期）。" in (
        report.summary_lines()
    )
