"""One campaign, one set of figures (issue 11 point 5, FORMATS §2 建账 and §6).

A county loaded by ``import_units --as-of`` after the campaign's cut-off: the snapshot shows the loaded
figures marked 建账 (never 0); a later ordinary change is undone, a change dated before the cut-off shows;
people follow their 入编/出编 dates. The unit page, the notice, the unit report, the county report and
附件2–5 show the same 核定/实有/空编 for the same units, figure by figure.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from tests.builders.campaign import CUTOFF, make_campaign
from tests.builders.registry import make_document, make_person, make_unit
from units import services as unit_services
from units.imports import STAFF_HEADERS, UNIT_HEADERS
from units.models import Person, Quota, Unit, UnitEvent
from units.selectors import establishment_at
from verification.campaign import prints
from verification.campaign import services as cs
from verification.campaign.models import CampaignUnit, CorrectionProposal, UnitReport
from verification.campaign.selectors import annex_units, county_figures, snapshot_lines
from verification.findings.register import load_register

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is installed by scripts/test"
)

LOADED_ON = dt.date(2022, 3, 1)  # the 建账 load, after the cut-off 2021-12-31
BIRTH = dt.date(1985, 3, 9)

# what the units workbook loads (FORMATS §1): name -> (nature, quotas, posts, 其中军转行政编制)
LOADED = {
    "漳县甲局": (
        "行政机关",
        {"行政编制": 5, "工勤编制": 1},
        {"单位领导正职职数": 1, "单位领导副职职数": 2},
        1,
    ),
    "漳县乙中心": ("事业单位", {"事业编制": 8}, {"单位领导正职职数": 1, "单位领导副职职数": 1}, 0),
    "漳县丙局": ("行政机关", {"行政编制": 4}, {"单位领导正职职数": 1}, 0),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def units_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "机构"
    ws.append(UNIT_HEADERS)
    for name, (nature, quotas, posts, earmark) in LOADED.items():
        values = {"机构名称": name, "机构性质": nature, "系统类别": "政府", "经费形式": "全额拨款"}
        if nature == "事业单位":
            values["事业单位类别"] = "公益一类"
        values |= quotas | posts | {"核定文号": "漳编发〔2019〕7号"}
        if earmark:
            values["其中军转行政编制"] = earmark
        ws.append([values.get(h) for h in UNIT_HEADERS])
    book.save(path)
    return path


def staff_workbook(path: Path, rows: list[dict]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "实有人员"
    ws.append(STAFF_HEADERS)
    for i, row in enumerate(rows, start=1):
        values = {"公民身份号码": make_id("621125", BIRTH, 400 + i), "性别": "男"} | row
        ws.append([values.get(h) for h in STAFF_HEADERS])
    book.save(path)
    return path


def person(unit, name, etype, category, entered, **kw) -> dict:
    return {"单位名称": unit, "姓名": name, "编制类型": etype, "人员类别": category, "入编时间": entered} | kw


STAFF = [
    person("漳县甲局", "甲一", "行政编制", "公务员", "2012-07-01", 领导职务="单位正职"),
    person("漳县甲局", "甲二", "行政编制", "公务员", "2015-07-01", 领导职务="单位副职", 是否军转干部="是"),
    person("漳县甲局", "甲三", "行政编制", "公务员", "2016-07-01"),
    person("漳县甲局", "甲四", "工勤编制", "工勤技能人员", "2017-07-01"),
    person("漳县甲局", "甲晚", "行政编制", "公务员", "2022-02-01"),  # entered after the cut-off
    person("漳县乙中心", "乙一", "事业编制", "专业技术人员", "2018-09-01", 领导职务="单位正职"),
    person("漳县乙中心", "乙二", "事业编制", "专业技术人员", "2019-09-01"),
    person("漳县丙局", "丙一", "行政编制", "公务员", "2010-07-01"),
    person("漳县丙局", "丙二", "行政编制", "公务员", "2011-07-01"),
]


def run_command(name: str, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def county(region, office_staff, tmp_path):
    """The county loaded after the cut-off, then an ordinary change after it and one before it."""
    code, _out, err = run_command(
        "import_units", str(units_workbook(tmp_path / "机构.xlsx")), "--as-of", LOADED_ON.isoformat()
    )
    assert code == 0, err
    code, _out, err = run_command("import_staff", str(staff_workbook(tmp_path / "人员.xlsx", STAFF)))
    assert code == 0, err
    units = {u.name: u for u in Unit.objects.filter(region=region)}
    # an ordinary change after the cut-off (undone at the cut-off)
    later = make_document(region, "漳编发〔2022〕9号", issued_on=dt.date(2022, 6, 1))
    unit_services.quota_set(
        unit=units["漳县甲局"], establishment_type="行政编制", approved=7, document=later, actor=office_staff
    )
    # a unit on file since 2000 (not 建账) with a change before the cut-off (shown)
    old = make_unit(region, "漳县丁局", quotas={"行政编制": 10}, posts={"单位正职": 1})
    earlier = make_document(region, "漳编发〔2021〕3号", issued_on=dt.date(2021, 6, 1))
    unit_services.quota_set(
        unit=old, establishment_type="行政编制", approved=12, document=earlier, actor=office_staff
    )
    make_person(old, name="丁一", entered_on=dt.date(2014, 7, 1))
    gone = make_person(old, name="丁走", entered_on=dt.date(2014, 7, 1))
    unit_services.person_leave(
        person=gone, left_on=dt.date(2021, 6, 30), leave_reason="调出", actor=office_staff
    )
    stays = make_person(old, name="丁留", entered_on=dt.date(2014, 7, 1))
    unit_services.person_leave(
        person=stays, left_on=dt.date(2022, 5, 4), leave_reason="退休", actor=office_staff
    )
    units["漳县丁局"] = old
    return units


# what every output must show at the cut-off: unit -> {type: (核定, 实有)}, {category: (核定, 实配)}
EXPECTED_TYPES = {
    "漳县甲局": {"行政编制": (5, 3), "工勤编制": (1, 1)},  # 7 is after the cut-off; 甲晚 entered after it
    "漳县乙中心": {"事业编制": (8, 2)},
    "漳县丙局": {"行政编制": (4, 2)},
    "漳县丁局": {"行政编制": (12, 2)},  # 丁走 left before the cut-off, 丁留 after it
}
EXPECTED_POSTS = {
    "漳县甲局": {"单位正职": (1, 1), "单位副职": (2, 1), "内设机构领导": (0, 0)},
    "漳县乙中心": {"单位正职": (1, 1), "单位副职": (1, 0), "内设机构领导": (0, 0)},
    "漳县丙局": {"单位正职": (1, 0), "单位副职": (0, 0), "内设机构领导": (0, 0)},
    "漳县丁局": {"单位正职": (1, 0), "单位副职": (0, 0), "内设机构领导": (0, 0)},
}
BASELINE = {"漳县甲局", "漳县乙中心", "漳县丙局"}
FINANCE_ROWS = {"漳县甲局": 5, "漳县乙中心": 2, "漳县丙局": 2, "漳县丁局": 1}  # today's people, as sent


def test_load_is_marked_baseline_and_dated_as_of(county):
    loaded = UnitEvent.objects.filter(
        unit__name__in=BASELINE, kind__in=["编制调整", "职数调整"], baseline=True
    )
    assert loaded.count() == 3 + 2 + 2 + 1 + 1  # quotas and posts of the three loaded units
    assert set(loaded.values_list("occurred_on", flat=True)) == {LOADED_ON}


def test_establishment_at_keeps_baseline_undoes_later_changes(county, django_assert_max_num_queries):
    ids = [u.pk for u in county.values()]
    with django_assert_max_num_queries(2):
        at = establishment_at(ids, CUTOFF)
    a, d = county["漳县甲局"].pk, county["漳县丁局"].pk
    assert at.quotas[(a, "行政编制")] == 5 and at.earmarks[(a, "行政编制")] == 1
    assert at.quotas[(d, "行政编制")] == 12
    assert at.baseline == {county[n].pk for n in BASELINE}
    before = establishment_at(ids, dt.date(2021, 1, 1))
    assert before.quotas[(d, "行政编制")] == 10  # the 2021-06-01 change undone, the 2000 figure shown
    assert before.quotas[(a, "行政编制")] == 5  # never 0 before the load
    now = establishment_at(ids, None)
    assert now.quotas[(a, "行政编制")] == 7 and not now.baseline
    after_load = establishment_at(ids, dt.date(2022, 4, 1))
    assert after_load.quotas[(a, "行政编制")] == 5 and not after_load.baseline
    register = load_register(region=county["漳县甲局"].region, cutoff=CUTOFF)
    assert register.quotas[(a, "行政编制")] == (5, 1)
    assert register.baseline == at.baseline
    assert len(register.people) == 3 + 1 + 2 + 2 + 2


def test_snapshot_shows_loaded_figures_marked_baseline(county, office_staff):
    campaign = make_campaign(county["漳县甲局"].region, office_staff, cutoff=CUTOFF)
    for name, unit in county.items():
        snap = CampaignUnit.objects.get(campaign=campaign, unit=unit).snapshot
        assert snap["baseline"] is (name in BASELINE)
        assert {t: (a, snap["occupied"].get(t, 0)) for t, a in snap["quotas"].items()} == EXPECTED_TYPES[name]
        assert all(n > 0 for n in snap["quotas"].values()), name  # never 核定 0 for a loaded unit
        assert {c: (a, snap["held"].get(c, 0)) for c, a in snap["posts"].items()} == EXPECTED_POSTS[name]
    snap = CampaignUnit.objects.get(campaign=campaign, unit=county["漳县甲局"]).snapshot
    assert (snap["earmark"], snap["military"]) == (1, 1)
    assert sorted(p[0] for p in snap["people"]) == ["甲一", "甲三", "甲二", "甲四"]


# ---- the same figures everywhere ----------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "print.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_rows(text: str, name: str) -> list[int]:
    """The numbers on the line of a PDF table that starts with ``name``."""
    for line in text.splitlines():
        cells = line.split()
        if cells and cells[0] == name:
            return [int(c) for c in cells[1:] if re.fullmatch(r"-?\d+", c)]
    raise AssertionError(f"{name} not in:\n{text}")


def html_rows(page: str, name: str) -> list[int]:
    match = re.search(rf"<tr><td>{name}</td>((?:<td class=\"num\">-?\d+</td>)+)</tr>", page)
    assert match, f"{name} not on the page"
    return [int(n) for n in re.findall(r"-?\d+", match.group(1))]


def expected_rows(name: str) -> dict[str, list[int]]:
    rows = {t: [a, o, a - o] for t, (a, o) in EXPECTED_TYPES[name].items()}
    rows |= {c: [a, h, a - h] for c, (a, h) in EXPECTED_POSTS[name].items()}
    return rows


@pytest.fixture
def campaign(county, office_staff, tmp_path):
    campaign = make_campaign(county["漳县甲局"].region, office_staff, cutoff=CUTOFF)
    partner = tmp_path / "finance.csv"
    people = Person.objects.filter(unit__region=campaign.region, in_establishment=True).select_related("unit")
    lines = ["姓名,公民身份号码,单位名称"] + [f"{p.name},{p.id_number},{p.unit.name}" for p in people]
    partner.write_text("\n".join(lines), encoding="utf-8")
    code, _out, err = run_command(
        "compare",
        "--finance",
        str(partner),
        "--out",
        str(tmp_path / "result.xlsx"),
        "--campaign",
        campaign.name,
    )
    assert code == 0, err
    campaign.refresh_from_db()
    for cu in campaign.units.all():
        UnitReport.objects.create(campaign_unit=cu, leader_name="王局长", commitment=True, outside_staff=1)
    return campaign


def test_every_output_shows_the_same_figures(campaign, county, client, office_staff, tmp_path):
    client.force_login(office_staff)
    county_text = pdf_text(prints.county_report_pdf(campaign, actor=office_staff), tmp_path)
    code, _out, err = run_command("campaign_export", campaign.name, "--out", str(tmp_path))
    assert code == 0, err
    exported = CalamineWorkbook.from_path(str(tmp_path / "附件2-5.xlsx"))
    downloaded = client.get(reverse("verification:campaign_workbook", args=[campaign.pk]))
    assert downloaded.status_code == 200
    with open(tmp_path / "download.xlsx", "wb") as fh:
        fh.write(b"".join(downloaded.streaming_content) if downloaded.streaming else downloaded.content)
    books = [exported, CalamineWorkbook.from_path(str(tmp_path / "download.xlsx"))]
    annexes = [
        {
            r[0]: dict(zip(sheet[0], r, strict=False))
            for name in ("附件2 行政机构", "附件3 参公事业单位", "附件4 事业单位")
            for sheet in [book.get_sheet_by_name(name).to_python()]
            for r in sheet[1:]
        }
        for book in books
    ]
    for name in EXPECTED_TYPES:
        cu = CampaignUnit.objects.get(campaign=campaign, unit=county[name])
        expected = expected_rows(name)
        page = client.get(reverse("verification:cu_detail", args=[cu.pk])).content.decode()
        notice = pdf_text(client.get(reverse("verification:cu_notice", args=[cu.pk])).content, tmp_path)
        report = pdf_text(client.get(reverse("verification:cu_report", args=[cu.pk])).content, tmp_path)
        for label, numbers in expected.items():
            assert html_rows(page, label) == numbers, (name, label, "unit page")
            assert pdf_rows(notice, label) == numbers, (name, label, "notice")
            assert pdf_rows(report, label) == numbers, (name, label, "unit report")
        for annex in annexes:
            row = annex[name]
            for t, (a, o) in EXPECTED_TYPES[name].items():
                assert (row[f"{t}核定数"], row[f"{t}实有数"]) == (a, o), (name, t, "附件")
                assert row[f"{t}核定数"] > 0
            for c, (a, h) in EXPECTED_POSTS[name].items():
                assert (row[f"{c}核定数"], row[f"{c}实配数"]) == (a, h), (name, c, "附件")
            assert row["财政供养人数"] == FINANCE_ROWS[name] and row["组织部门人数"] == ""
            assert ("建账" in row["备注"]) is (name in BASELINE)
        marked = "核定（建账）"
        assert (marked in page) is (name in BASELINE) and (marked in notice) is (name in BASELINE)
        assert (marked in report) is (name in BASELINE)
    # the county report: totals by type of the same snapshots
    totals: dict[str, list[int]] = {}
    for name in EXPECTED_TYPES:
        for t, (a, o) in EXPECTED_TYPES[name].items():
            total = totals.setdefault(t, [0, 0])
            total[0], total[1] = total[0] + a, total[1] + o
    for t, (a, o) in totals.items():
        assert pdf_rows(county_text, t) == [a, o, a - o], t
    approved, actual = sum(a for a, _o in totals.values()), sum(o for _a, o in totals.values())
    assert pdf_rows(county_text, "合计") == [approved, actual, approved - actual]
    assert "3 个单位的核定编制和领导职数为建账数" in county_text
    figures = county_figures(campaign)
    assert {line.name: (line.approved, line.actual) for line in figures["types"]} == {
        t: tuple(v) for t, v in totals.items()
    }
    assert (figures["military"].approved, figures["military"].actual) == (1, 1)
    military = exported.get_sheet_by_name("附件5 军转干部").to_python()
    assert military[1:] == [["漳县甲局", 1, 1, 0]]
    assert AuditEntry.objects.filter(action="核查.导出附件2-5", actor=None).count() == 1


def test_annex_rows_follow_the_snapshots_not_the_live_register(campaign, county, office_staff):
    unit_services.quota_set(
        unit=county["漳县丙局"],
        establishment_type="行政编制",
        approved=9,
        document=make_document(campaign.region, issued_on=dt.date(2022, 7, 1)),
        actor=office_staff,
    )
    rows = {u.name: u for u in annex_units(campaign)}
    assert rows["漳县丙局"].quotas == {"行政编制": 4}
    assert rows["漳县丙局"].counts["finance"] == 2 and rows["漳县丙局"].counts["org"] is None
    lines = snapshot_lines(CampaignUnit.objects.get(campaign=campaign, unit=county["漳县丙局"]).snapshot)
    assert [(line.name, line.approved, line.actual, line.vacancy) for line in lines.types] == [
        ("行政编制", 4, 2, 2)
    ]
    assert lines.baseline


def test_adopted_correction_is_dated_at_the_cutoff_and_refreshes_the_snapshot(
    county, office_staff, liaison_a
):
    campaign = make_campaign(county["漳县甲局"].region, office_staff, cutoff=CUTOFF)
    cu = CampaignUnit.objects.get(campaign=campaign, unit=county["漳县丙局"])
    proposal = cs.proposal_create(
        cu=cu,
        kind=CorrectionProposal.Kind.QUOTA,
        target="行政编制",
        proposed_value="6",
        reason="漏登",
        actor=office_staff,
    )
    assert proposal.current_value == "4"
    document = make_document(campaign.region, "漳编发〔2022〕20号", issued_on=dt.date(2022, 8, 1))
    cs.proposal_decide(proposal=proposal, accept=True, actor=office_staff, document=document)
    event = UnitEvent.objects.filter(unit=county["漳县丙局"], kind="编制调整").latest("id")
    assert event.occurred_on == CUTOFF and not event.baseline  # min(cut-off, document date)
    assert Quota.objects.get(unit=county["漳县丙局"], establishment_type="行政编制").approved == 6
    cu.refresh_from_db()
    assert cu.snapshot["quotas"] == {"行政编制": 6} and cu.snapshot["baseline"]
    assert AuditEntry.objects.filter(action="核查.审核更正").exists()
