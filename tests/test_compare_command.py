"""python manage.py compare: exit codes, bad files, the result workbook (FORMATS.md §0, §3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import make_id
from bianzhi.lib.xlsx import SheetSpec, write_workbook
from tests.builders.compare import partner_csv, write_partner_xlsx
from tests.builders.registry import make_person, make_unit
from units.choices import Nature
from verification.compare.workbook import FINDING_HEADERS


def compare(*args: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("compare", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def sheets(path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def staffed(region, unit_a, unit_b):
    unit_a_person = make_person(unit_a, name="张三", leader_post="单位正职")
    unit_b_person = make_person(unit_b, name="李四")
    return unit_a_person, unit_b_person


def test_runs_and_writes_every_sheet(staffed, tmp_path):
    p1, p2 = staffed
    stranger = make_id("621125", dt.date(1985, 1, 1), 77)
    write_partner_xlsx(
        tmp_path / "fin.xlsx",
        "finance",
        [
            {"姓名": p1.name, "公民身份号码": p1.id_number, "单位名称": "漳县财政局"},
            {"姓名": "王某", "公民身份号码": stranger, "单位名称": "外县单位"},
            {"姓名": "赵某", "公民身份号码": "12345", "单位名称": "漳县财政局"},
        ],
    )
    out = tmp_path / "result.xlsx"
    code, stdout, stderr = compare("--finance", str(tmp_path / "fin.xlsx"), "--out", str(out))
    assert code == 0, stderr
    assert "结果已写入" in stdout
    book = sheets(out)
    assert list(book)[:6] == [
        "问题清单",
        "比对概况",
        "附件2 行政机构",
        "附件3 参公事业单位",
        "附件4 事业单位",
        "附件5 军转干部",
    ]
    assert book["问题清单"][0] == FINDING_HEADERS
    rows = {(r[0], r[5]): r for r in book["问题清单"][1:]}
    assert rows[("REG_NOT_IN_FIN", p2.id_number)][1:5] == [
        "实名制在编、财政供养名单无",
        "财政部门",
        "漳县疾病预防控制中心",
        "李四",
    ]
    assert rows[("FIN_NOT_IN_REG", stranger)][3] == "外县单位"
    assert rows[("INVALID_ID", "12345")][4] == "赵某"
    assert ("UNIT_UNKNOWN", "") in rows
    assert book["附件2 行政机构"][0][:4] == ["机构名称", "所在乡镇", "行政编制核定数", "行政编制实有数"]
    organ = {r[0]: r for r in book["附件2 行政机构"][1:]}
    assert organ["漳县财政局"][2:4] == [5, 1]
    assert ["读取行数", "财政部门", 3] in book["比对概况"]


def test_military_sheet(region, tmp_path):
    unit = make_unit(region, "漳县人民政府办公室", quotas={"行政编制": 6})
    from tests.builders.registry import make_document
    from units import services

    services.quota_set(
        unit=unit,
        establishment_type="行政编制",
        approved=6,
        military_earmark=2,
        document=make_document(region),
        actor=None,
    )
    make_person(unit, is_military_transfer=True)
    (tmp_path / "si.csv").write_bytes(partner_csv("si", []))
    code, _, err = compare("--si", str(tmp_path / "si.csv"), "--out", str(tmp_path / "r.xlsx"))
    assert code == 0, err
    assert sheets(tmp_path / "r.xlsx")["附件5 军转干部"][1] == ["漳县人民政府办公室", 2, 1, 1]


def test_no_source_is_exit_1(db, tmp_path):
    code, _, err = compare("--out", str(tmp_path / "r.xlsx"))
    assert code == 1 and "至少需要一个数据文件" in err


def test_missing_out_is_exit_1(db, tmp_path):
    (tmp_path / "o.csv").write_bytes(partner_csv("org", []))
    code, _, err = compare("--org", str(tmp_path / "o.csv"))
    assert code == 1 and "--out" in err


def test_missing_required_header_is_row_1_error(db, tmp_path):
    (tmp_path / "o.csv").write_bytes(
        partner_csv("org", [], headers=["姓名", "身份证号", "工作单位", "人员类别"])
    )
    code, _, err = compare("--org", str(tmp_path / "o.csv"), "--out", str(tmp_path / "r.xlsx"))
    assert code == 1
    assert "Sheet1 第1行 领导职务: 缺少必填列" in err
    assert (tmp_path / "o.errors.xlsx").exists() and not (tmp_path / "r.xlsx").exists()


def test_row_errors_are_all_or_nothing(unit_a, tmp_path):
    rows = [
        {"姓名": "甲", "公民身份号码": "x", "参保单位名称": "漳县财政局", "参保状态": "参保缴费"},
        {"姓名": "", "公民身份号码": "x", "参保单位名称": "漳县财政局", "参保状态": "参保缴费"},
        {"姓名": "丙", "公民身份号码": "x", "参保单位名称": "漳县财政局", "参保状态": "停保"},
    ]
    (tmp_path / "si.csv").write_bytes(partner_csv("si", rows))
    code, _, err = compare("--si", str(tmp_path / "si.csv"), "--out", str(tmp_path / "r.xlsx"))
    assert code == 1
    assert "Sheet1 第3行 姓名: 不能为空" in err
    assert "Sheet1 第4行 参保状态: “停保”不是有效值" in err
    assert "第2行" not in err  # an invalid ID number is a finding, not a row error
    assert not (tmp_path / "r.xlsx").exists()
    errors = sheets(tmp_path / "si.errors.xlsx")["错误清单"]
    assert errors[0] == ["工作表", "行号", "列名", "说明"] and len(errors) == 3


def test_header_aliases_gb18030_and_blank_rows(staffed, tmp_path):
    p1, _ = staffed
    text = f"身份证号码,姓名,参保单位,参保状态\n\n{p1.id_number.lower()},{p1.name},漳县财政局,参保缴费\n,,,\n"
    (tmp_path / "si.csv").write_bytes(text.encode("gb18030"))
    code, stdout, err = compare("--si", str(tmp_path / "si.csv"), "--out", str(tmp_path / "r.xlsx"))
    assert code == 0, err
    assert "读取 1 行" in stdout and "与实名制匹配 1 个" in stdout


def test_unknown_header_is_a_warning(staffed, tmp_path):
    (tmp_path / "f.csv").write_bytes(
        partner_csv("finance", [], headers=["姓名", "证件号码", "预算单位名称", "备注"])
    )
    code, stdout, _ = compare("--finance", str(tmp_path / "f.csv"), "--out", str(tmp_path / "r.xlsx"))
    assert code == 0 and "备注: 未知列，已忽略" in stdout


@pytest.mark.parametrize(
    "name, content",
    [
        ("org.xlsx", b"this is not a zip"),
        ("org.xls", b"plain text pretending"),
        ("org.csv", b""),
        ("org.pdf", b"%PDF-1.4"),
        ("missing.xlsx", None),
    ],
)
def test_unreadable_is_exit_2(db, tmp_path, name, content):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    code, _, err = compare("--org", str(tmp_path / name), "--out", str(tmp_path / "r.xlsx"))
    assert code == 2 and err.strip() and "Traceback" not in err


def test_workbook_without_data_is_exit_2(db, tmp_path):
    write_workbook(tmp_path / "o.xlsx", [SheetSpec("Sheet1", [], [])])
    code, _, _ = compare("--org", str(tmp_path / "o.xlsx"), "--out", str(tmp_path / "r.xlsx"))
    assert code == 2


def test_campaign_unknown_is_exit_1(db, tmp_path):
    (tmp_path / "o.csv").write_bytes(partner_csv("org", []))
    code, _, err = compare(
        "--org", str(tmp_path / "o.csv"), "--out", str(tmp_path / "r.xlsx"), "--campaign", "2021年度"
    )
    assert code == 1 and "2021年度" in err


@pytest.mark.parametrize("option, value", [("--cutoff", "2021-13-45"), ("--region", "999999")])
def test_bad_options_are_exit_1(db, tmp_path, option, value):
    (tmp_path / "o.csv").write_bytes(partner_csv("org", []))
    code, _, err = compare("--org", str(tmp_path / "o.csv"), "--out", str(tmp_path / "r.xlsx"), option, value)
    assert code == 1 and value in err


def test_cutoff_and_region(staffed, other_region, tmp_path):
    p1, _ = staffed
    far = make_unit(other_region, "安定区财政局")
    make_person(far, name="外区人")
    (tmp_path / "o.csv").write_bytes(
        partner_csv(
            "org",
            [
                {
                    "姓名": p1.name,
                    "公民身份号码": p1.id_number,
                    "单位名称": "漳县财政局",
                    "人员类别": "公务员",
                    "领导职务": "单位正职",
                }
            ],
        )
    )
    out = tmp_path / "r.xlsx"
    code, stdout, err = compare("--org", str(tmp_path / "o.csv"), "--out", str(out), "--region", "621125")
    assert code == 0, err
    assert "实名制在编 2 人" in stdout
    code, stdout, _ = compare(
        "--org", str(tmp_path / "o.csv"), "--out", str(out), "--cutoff", "2010-01-01", "--region", "621125"
    )
    assert code == 0 and "实名制在编 0 人" in stdout
    assert sheets(out)["比对概况"][0] == ["项目", "对象", "数量"]


def test_several_regions_need_region(staffed, other_region, tmp_path):
    far = make_unit(other_region, "安定区财政局")
    make_person(far, name="外区人")
    (tmp_path / "o.csv").write_bytes(partner_csv("org", []))
    out = tmp_path / "r.xlsx"
    code, stdout, err = compare("--org", str(tmp_path / "o.csv"), "--out", str(out))
    assert code == 1 and "请用 --region 指定区划" in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and "Traceback" not in err
    code, stdout, err = compare(
        "--org", str(tmp_path / "o.csv"), "--out", str(out), "--region", other_region.code
    )
    assert code == 0, err
    assert "实名制在编 1 人" in stdout
    assert [r[0] for r in sheets(out)["附件2 行政机构"][1:]] == ["安定区财政局"]


def test_region_holding_all_units_may_be_left_out(staffed, other_region, tmp_path):
    (tmp_path / "o.csv").write_bytes(partner_csv("org", []))
    code, stdout, err = compare("--org", str(tmp_path / "o.csv"), "--out", str(tmp_path / "r.xlsx"))
    assert code == 0, err
    assert "实名制在编 2 人" in stdout


# ---- --campaign: the run is the campaign's comparison ---------------------------------------------------


@pytest.fixture
def campaign(staffed, office_staff, settings, tmp_path):
    from tests.builders.campaign import make_campaign

    settings.MEDIA_ROOT = tmp_path / "media"
    p1, _ = staffed
    return make_campaign(p1.unit.region, office_staff, cutoff=dt.date.today() - dt.timedelta(days=1))


def finance_file(tmp_path, people):
    path = tmp_path / "f.csv"
    path.write_bytes(
        partner_csv(
            "finance",
            [{"姓名": p.name, "公民身份号码": p.id_number, "单位名称": p.unit.name} for p in people],
        )
    )
    return path


def test_campaign_run_is_recorded_as_the_campaigns_comparison(campaign, staffed, office_staff, tmp_path):
    from bianzhi.models import AuditEntry
    from tests.builders.registry import make_document
    from units import services
    from verification.campaign import selectors as sel
    from verification.campaign.models import CampaignUnit
    from verification.findings.models import ComparisonRun

    p1, p2 = staffed
    services.quota_set(  # a change after the snapshot: 附件2 keeps the campaign's figure
        unit=p1.unit,
        establishment_type="行政编制",
        approved=9,
        document=make_document(p1.unit.region),
        actor=None,
    )
    out = tmp_path / "r.xlsx"
    code, stdout, err = compare(
        "--finance",
        str(finance_file(tmp_path, [p1])),
        "--out",
        str(out),
        "--campaign",
        campaign.name,
        "--user",
        office_staff.username,
    )
    assert code == 0, err
    assert f"已记为核查工作“{campaign.name}”的数据比对" in stdout
    campaign.refresh_from_db()
    run = campaign.comparison_run
    assert run is not None and run.cutoff == campaign.cutoff and run.actor == office_staff
    assert ComparisonRun.objects.count() == 1
    cu_b = CampaignUnit.objects.get(campaign=campaign, unit=p2.unit)
    assert [f.code for f in sel.unit_findings(cu_b)] == ["REG_NOT_IN_FIN"]
    assert AuditEntry.objects.filter(action="核查.数据比对", actor=office_staff).count() == 1
    assert AuditEntry.objects.filter(action="比对.运行").count() == 1
    book = sheets(out)
    organ = {r[0]: dict(zip(book["附件2 行政机构"][0], r, strict=False)) for r in book["附件2 行政机构"][1:]}
    snap = CampaignUnit.objects.get(campaign=campaign, unit=p1.unit).snapshot
    assert organ[p1.unit.name]["行政编制核定数"] == snap["quotas"]["行政编制"] != 9
    assert organ[p1.unit.name]["财政供养人数"] == 1
    assert [r[0] for r in book["问题清单"][1:]] == ["REG_NOT_IN_FIN"]
    with run.result_file.open("rb") as fh:
        assert fh.read() == out.read_bytes()


def test_campaign_refusals_are_one_line(campaign, staffed, other_region, supervisor, tmp_path):
    from tests.builders.campaign import make_campaign
    from verification.campaign.models import CampaignKind, Stage
    from verification.findings.models import ComparisonRun

    p1, _ = staffed
    path = str(finance_file(tmp_path, [p1]))
    out = str(tmp_path / "r.xlsx")
    cases = [
        (["--campaign", "不存在的核查"], "没有名为“不存在的核查”的核查工作"),
        (["--campaign", campaign.name, "--region", other_region.code], "没有名为"),
        (["--campaign", campaign.name, "--cutoff", "2021-12-31"], "不能再给出 --cutoff"),
        (["--campaign", campaign.name, "--user", "nobody"], "nobody"),
        (["--campaign", campaign.name, "--user", supervisor.username], "编办工作人员"),
    ]
    for args, message in cases:
        code, _, err = compare("--finance", path, "--out", out, *args)
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1, (args, err)
    today = dt.date.today()
    joint = make_campaign(
        p1.unit.region,
        None,
        name="联合检查",
        kind=CampaignKind.JOINT,
        cutoff=today - dt.timedelta(days=1),
        windows={
            Stage.COMPARISON: (today + dt.timedelta(days=5), today + dt.timedelta(days=9)),
            Stage.UPDATE: (today + dt.timedelta(days=10), today + dt.timedelta(days=20)),
        },
    )
    code, _, err = compare("--finance", path, "--out", out, "--campaign", joint.name)
    assert code == 1 and "尚未开始" in err and "Traceback" not in err
    make_unit(other_region, "安定区财政局")
    from bianzhi.roles import Role
    from tests.builders.registry import make_user

    make_campaign(
        other_region, make_user("far", Role.OFFICE_STAFF, regions=[other_region]), name=campaign.name
    )
    code, _, err = compare("--finance", path, "--out", out, "--campaign", campaign.name)
    assert code == 1 and "请用 --region 指定区划" in err
    assert not ComparisonRun.objects.exists()


def test_division_name_in_partner_file(region, unit_a, tmp_path):
    make_unit(region, "预算股", nature=Nature.DIVISION, parent=unit_a)
    p = make_person(unit_a, name="孙某")
    (tmp_path / "f.csv").write_bytes(
        partner_csv("finance", [{"姓名": "孙某", "公民身份号码": p.id_number, "单位名称": "预算股"}])
    )
    out = tmp_path / "r.xlsx"
    code, _, _ = compare("--finance", str(tmp_path / "f.csv"), "--out", str(out))
    assert code == 0 and len(sheets(out)["问题清单"]) == 1  # header only
