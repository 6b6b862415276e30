"""统计年报 figures reconcile with 表一 (ledgers) and with a verification campaign at the same date
(issue 15 point 1: "figures reconcile with 表一 and the campaign at the same date (a test asserts it)")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from ledgers.models import POST_PREFIX, TYPE_PREFIX, EstablishmentRow
from tests.builders.campaign import make_campaign
from tests.builders.yearbook import after_2021, county_2021
from units.choices import ESTABLISHMENT_ORDER, PostCategory
from verification.campaign.selectors.figures import county_figures
from yearbook.selectors.tables import build_tables

CUTOFF = dt.date(2021, 12, 31)


def table_one_totals(region) -> dict:
    rows = EstablishmentRow.objects.filter(region=region, status="正常")
    fields = [f"{p}_approved" for p in TYPE_PREFIX.values()] + [f"{p}_occupied" for p in TYPE_PREFIX.values()]
    fields += [f"{p}_approved" for p in POST_PREFIX.values()] + [f"{p}_held" for p in POST_PREFIX.values()]
    sums = rows.aggregate(**{f: Sum(f) for f in fields})
    return {
        "units": rows.count(),
        "approved": {t: sums[f"{TYPE_PREFIX[t]}_approved"] or 0 for t in ESTABLISHMENT_ORDER},
        "occupied": {t: sums[f"{TYPE_PREFIX[t]}_occupied"] or 0 for t in ESTABLISHMENT_ORDER},
        "posts": {c: sums[f"{POST_PREFIX[c]}_approved"] or 0 for c in PostCategory.values},
        "held": {c: sums[f"{POST_PREFIX[c]}_held"] or 0 for c in PostCategory.values},
    }


def campaign_totals(figures: dict) -> dict:
    types = {line.name: line for line in figures["types"]}
    posts = {line.name: line for line in figures["posts"]}
    return {
        "units": figures["units"],
        "approved": {t: types[t].approved if t in types else 0 for t in ESTABLISHMENT_ORDER},
        "occupied": {t: types[t].actual if t in types else 0 for t in ESTABLISHMENT_ORDER},
        "posts": {c: posts[c].approved if c in posts else 0 for c in PostCategory.values},
        "held": {c: posts[c].actual if c in posts else 0 for c in PostCategory.values},
    }


def yearbook_totals(report: dict) -> dict:
    s = report["summary"]
    return {k: s[k] for k in ("units", "approved", "occupied", "posts", "held")}


def table(report: dict, key: str) -> dict:
    return next(t for t in report["tables"] if t["key"] == key)


def test_the_yearbook_reconciles_with_table_one_and_the_campaign(region, office_staff):
    county = county_2021(region, office_staff)
    # nothing has happened after 2021-12-31 yet: 表一 (the live ledger) is the register at the cut-off
    report = build_tables(region, 2021)
    assert yearbook_totals(report) == table_one_totals(region)
    assert report["summary"]["units"] == 3  # 财政局, 疾控中心, 档案馆 (旧站 abolished on 2021-10-01)
    assert report["summary"]["approved"]["行政编制"] == 6
    assert report["summary"]["occupied"] == {
        "行政编制": 3,
        "政法专项编制": 0,
        "参公事业编制": 0,
        "事业编制": 4,
        "工勤编制": 0,
    }

    # the year after: 2021's figures do not move, and a campaign with the 2021-12-31 cut-off agrees
    after_2021(region, office_staff, county)
    campaign = make_campaign(region, office_staff, cutoff=CUTOFF)
    again = build_tables(region, 2021)
    assert again["summary"] == report["summary"]
    assert yearbook_totals(again) == campaign_totals(county_figures(campaign))
    assert again["tables"] == report["tables"]

    # the quota table's 合计 row is the same totals
    quotas = table(again, "quotas")
    total = quotas["total"]
    assert total[1:4] == [6, 3, 3]  # 行政编制 核定 实有 空编
    assert total[-2:] == [1, 1]  # 军转行政编制 核定 实有 (the campaign's 军转 line)
    military = county_figures(campaign)["military"]
    assert (military.approved, military.actual) == (1, 1)


def cells(t: dict, row: list) -> dict:
    """(group, sub) → value of one row (a column without subs: (group, group))."""
    leaves = [(g, s) for g, subs in t["head"] for s in (subs or [g])]
    return dict(zip(leaves, row, strict=True))


def test_the_year_changes_add_up(region, office_staff):
    county_2021(region, office_staff)
    report = build_tables(region, 2021)
    t = table(report, "staff_changes")
    changes = {row[0]: cells(t, row) for row in t["rows"]}
    admin = changes["行政编制"]
    assert admin[("年初人数", "年初人数")] == 2 and admin[("年末人数", "年末人数")] == 3
    assert admin[("本年增加", "小计")] == 1 and admin[("本年增加", "考录")] == 1
    assert admin[("内部调整", "内部调整")] == 0
    support = changes["工勤编制"]
    assert support[("年初人数", "年初人数")] == 1 and support[("年末人数", "年末人数")] == 0
    assert support[("本年减少", "退休")] == 1 and support[("本年减少", "小计")] == 1
    public = changes["事业编制"]
    # 2 at the 疾控中心 + the 旧站's 1; the archivist entered; the 旧站's person moved within 事业编制
    assert public[("年初人数", "年初人数")] == 3 and public[("本年增加", "招聘")] == 1
    assert public[("年末人数", "年末人数")] == 4 and public[("内部调整", "内部调整")] == 0
    for row in [*t["rows"], t["total"]]:
        c = cells(t, row)
        assert c[("年末人数", "年末人数")] == (
            c[("年初人数", "年初人数")]
            + c[("本年增加", "小计")]
            - c[("本年减少", "小计")]
            + c[("内部调整", "内部调整")]
        )
    quota_changes = {row[0]: row for row in table(report, "quota_changes")["rows"]}
    assert quota_changes["行政编制"][1:] == [5, 1, 0, 0, 6]
    # 事业编制: 年初 8 + 2, the 档案馆's 3 set in the year, the 旧站's 2 gone with it
    assert quota_changes["事业编制"][1:] == [10, 3, 0, -2, 11]
    units = table(report, "unit_changes")["rows"]
    assert [(r[0], r[1], r[5]) for r in units] == [
        ("设立", "漳县档案馆", "漳编发〔2021〕7号"),
        ("撤销", "漳县旧站", "漳编发〔2021〕9号"),
    ]
    events = table(report, "quota_events")["rows"]
    assert ["漳县财政局", "行政编制", "2021-05-01", "漳编发〔2021〕5号", 1, 6] in events


def test_staff_are_counted_by_their_facts_at_year_end(region, office_staff):
    county_2021(region, office_staff)
    report = build_tables(region, 2021)
    staff = table(report, "staff")
    total = cells(staff, staff["total"])
    assert total[("实有人数", "实有人数")] == 7
    assert total[("民族", "少数民族")] == 1 and total[("民族", "未填")] == 6
    assert total[("学历", "研究生")] == 1 and total[("学历", "大学本科")] == 1
    assert total[("政治面貌", "中共党员")] == 1
    assert total[("性别", "女")] == 1  # the archivist (the retired worker is gone)
    assert sum(v for (g, _s), v in total.items() if g == "年龄") == 7
    kinds = table(report, "staff_kinds")
    total = cells(kinds, kinds["total"])
    assert total[("军转干部", "军转干部")] == 1 and total[("担任领导职务", "单位正职")] == 1
    assert total[("进入方式", "军转安置")] == 1
    units = table(report, "units")
    total = cells(units, units["total"])
    assert total[("机构数", "机构数")] == 3 and total[("机构性质", "行政机关")] == 1
    assert total[("机构性质", "事业单位")] == 2 and total[("机构规格", "正科级")] == 1
    posts = table(report, "posts")
    total = cells(posts, posts["total"])
    assert total[("单位正职", "核定数")] == 1 and total[("单位正职", "实配数")] == 1
    assert total[("单位副职", "空缺数")] == 2
