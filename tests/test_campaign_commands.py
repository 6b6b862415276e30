"""campaign_start and campaign_export (FORMATS.md §6): exits, summary line, files, duplicates, --region."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from bianzhi.models import AuditEntry
from tests.builders.registry import make_person, make_region, make_unit
from verification.campaign.models import Campaign, CampaignKind, CampaignUnit, Stage
from verification.campaign.selectors import default_windows

CUTOFF = dt.date(2021, 12, 31)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(name: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def county(region, unit_a, unit_b):
    make_person(unit_a, name="张三", entered_on=dt.date(2015, 7, 1))
    make_person(unit_b, name="李四", entered_on=dt.date(2016, 7, 1))
    return region


def test_start_every_live_legal_unit_with_plan_windows(county, unit_a, unit_b):
    from units.choices import Nature

    make_unit(county, "预算股", nature=Nature.DIVISION, parent=unit_a)
    code, out, err = run("campaign_start", "2021年度机构编制核查", "--cutoff", "2021-12-31")
    assert code == 0, err
    line = one_line(out)
    assert "已建立核查工作“2021年度机构编制核查”" in line and "纳入 2 个单位" in line
    campaign = Campaign.objects.get()
    assert (campaign.region, campaign.cutoff, campaign.kind) == (county, CUTOFF, CampaignKind.ANNUAL)
    assert set(campaign.units.values_list("unit_id", flat=True)) == {unit_a.pk, unit_b.pk}
    expected = default_windows(CampaignKind.ANNUAL, CUTOFF)
    assert {w.stage: (w.starts_on, w.ends_on) for w in campaign.windows.all()} == expected
    cu = CampaignUnit.objects.get(campaign=campaign, unit=unit_a)
    assert cu.stage == Stage.SELF_CHECK and cu.snapshot["people_count"] == 1
    assert cu.snapshot["quotas"] == {"行政编制": 5, "工勤编制": 1} and cu.snapshot["baseline"] is False
    entry = AuditEntry.objects.get(action="核查.创建")
    assert entry.actor is None and entry.after["units"] == 2


def test_start_joint_check_as_a_user(county, office_staff):
    code, out, err = run(
        "campaign_start",
        "2022年6月联合检查",
        "--cutoff",
        "2022-05-31",
        "--kind",
        "联合检查",
        "--user",
        office_staff.username,
        "--region",
        county.code,
    )
    assert code == 0, err
    campaign = Campaign.objects.get()
    assert campaign.kind == CampaignKind.JOINT and campaign.created_by == office_staff
    assert set(campaign.windows.values_list("stage", flat=True)) == {Stage.COMPARISON, Stage.UPDATE}
    assert AuditEntry.objects.get(action="核查.创建").actor == office_staff


def test_same_name_twice_is_exit_1(county):
    assert run("campaign_start", "2021年度核查", "--cutoff", "2021-12-31")[0] == 0
    code, _out, err = run("campaign_start", "2021年度核查", "--cutoff", "2021-12-31")
    assert code == 1 and "同名" in one_line(err)
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cutoff", "2021-13-45"], "不是有效日期"),
        (["--cutoff", "2099-12-31"], "不能晚于今天"),
        (["--cutoff", "2021-12-31", "--kind", "专项检查"], "核查类型"),
        (["--cutoff", "2021-12-31", "--region", "999999"], "999999"),
        (["--cutoff", "2021-12-31", "--user", "nobody"], "nobody"),
        (["--cutoff", "1990-01-01"], "没有单位"),
    ],
)
def test_start_refusals_are_one_line(county, args, message):
    code, _out, err = run("campaign_start", "核查", *args)
    assert code == 1 and message in one_line(err)
    assert not Campaign.objects.exists()


def test_start_refused_for_a_read_only_user(county, supervisor, liaison_a):
    for user in (supervisor, liaison_a):
        code, _out, err = run("campaign_start", "核查", "--cutoff", "2021-12-31", "--user", user.username)
        assert code == 1 and "编办工作人员" in one_line(err)
    assert not Campaign.objects.exists() and not AuditEntry.objects.filter(action="核查.创建").exists()


def test_region_resolution(county, other_region, unit_a):
    # another region without units (a province above the county): the county holds every unit
    make_region("620000", "甘肃省")
    assert run("campaign_start", "甲", "--cutoff", "2021-12-31")[0] == 0
    assert Campaign.objects.get(name="甲").region == county
    make_unit(other_region, "安定区财政局")
    code, _out, err = run("campaign_start", "乙", "--cutoff", "2021-12-31")
    assert code == 1 and "请用 --region 指定区划" in one_line(err)
    code, _out, err = run("campaign_start", "乙", "--cutoff", "2021-12-31", "--region", other_region.code)
    assert code == 0, err
    assert list(Campaign.objects.get(name="乙").units.values_list("unit__name", flat=True)) == [
        "安定区财政局"
    ]


def test_no_region_at_all_is_exit_1(db):
    code, _out, err = run("campaign_start", "核查", "--cutoff", "2021-12-31")
    assert code == 1 and "add_region" in one_line(err)


# ---- campaign_export -----------------------------------------------------------------------------------


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_export_writes_the_workbook_and_the_county_report(county, unit_a, unit_b, tmp_path):
    assert run("campaign_start", "2021年度核查", "--cutoff", "2021-12-31")[0] == 0
    out = tmp_path / "导出"
    out.mkdir()
    code, stdout, err = run("campaign_export", "2021年度核查", "--out", str(out))
    assert code == 0, err
    assert "附件2-5.xlsx" in one_line(stdout)
    book = CalamineWorkbook.from_path(str(out / "附件2-5.xlsx"))
    assert book.sheet_names[:4] == [
        "附件2 行政机构",
        "附件3 参公事业单位",
        "附件4 事业单位",
        "附件5 军转干部",
    ]
    organ = book.get_sheet_by_name("附件2 行政机构").to_python()
    assert organ[0][:6] == [
        "机构名称",
        "所在乡镇",
        "行政编制核定数",
        "行政编制实有数",
        "政法专项编制核定数",
        "政法专项编制实有数",
    ]
    row = dict(zip(organ[0], organ[1], strict=False))
    assert (row["机构名称"], row["行政编制核定数"], row["行政编制实有数"], row["工勤编制核定数"]) == (
        unit_a.name,
        5,
        1,
        1,
    )
    assert row["组织部门人数"] == "" and row["问题数"] == 0  # no comparison yet
    public = book.get_sheet_by_name("附件4 事业单位").to_python()
    assert [r[0] for r in public[1:]] == [unit_b.name]
    report = out / "核查情况报告.pdf"
    assert report.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = pdf_text(report)
        assert "核查情况报告" in text and "2021年12月31日" in text
        assert "空编" in text
    assert AuditEntry.objects.filter(action="核查.导出附件2-5", actor=None).count() == 1
    assert AuditEntry.objects.filter(action="核查.打印县级报告").count() == 1


def test_export_refusals(county, tmp_path):
    code, _out, err = run("campaign_export", "没有的核查", "--out", str(tmp_path))
    assert code == 1 and "没有名为“没有的核查”的核查工作" in one_line(err)
    assert run("campaign_start", "核查", "--cutoff", "2021-12-31")[0] == 0
    code, _out, err = run("campaign_export", "核查", "--out", str(tmp_path / "missing"))
    assert code == 1 and "输出目录不存在" in one_line(err)
    code, _out, err = run("campaign_export", "核查", "--out", str(tmp_path), "--user", "nobody")
    assert code == 1 and "nobody" in one_line(err)
    assert not (tmp_path / "附件2-5.xlsx").exists()


def test_export_of_a_campaign_started_today(county, tmp_path):
    today = timezone.localdate()
    assert run("campaign_start", "本年核查", "--cutoff", today.isoformat())[0] == 0
    assert run("campaign_export", "本年核查", "--out", str(tmp_path))[0] == 0
    assert (tmp_path / "附件2-5.xlsx").exists() and (tmp_path / "核查情况报告.pdf").exists()
