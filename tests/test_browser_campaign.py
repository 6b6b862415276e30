"""The verification campaign in a real browser: one unit (the only one in scope, so the 30% on-site and 5%
random-sample minimums both pick it) walked through all six stages by its liaison and the office, ending
with the unit's 核查情况报告 PDF.

Set-up through the services: the campaign (windows open today, cut-off today), the official calendar and the
核查 dedicated file (a transactional test starts from a flushed database), and the finance bureau's file the
comparison runs against. The notice is posted 20 days ago so its 5 working days are over and the removal
can be recorded on the day they end (the UI takes any posting date; the rule is checked on removal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from archives.models import DedicatedEntry
from bianzhi import workdays
from tests.browser import ARTIFACTS, login, logout, needs_chromium, shot
from tests.builders.campaign import open_windows
from tests.builders.findings import csv_upload, finance_rows
from tests.builders.registry import make_person
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import CampaignUnit, Stage
from verification.findings.services import partner_upload

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _prepare(unit_a, office_staff):
    from archives.models import DedicatedFile

    workdays.seed_from_package(range(TODAY.year - 1, TODAY.year + 1))
    DedicatedFile.objects.get_or_create(kind="核查", defaults={"name": "机构编制核查工作档案"})
    person = make_person(unit_a, name="王五", entered_on=dt.date(2015, 7, 1))
    campaign = cs.campaign_create(
        region=unit_a.region,
        name="2026年度机构编制核查",
        cutoff=TODAY,
        windows=open_windows(),
        natures=[unit_a.nature],
        onsite_ratio=Decimal("0.30"),
        sample_ratio=Decimal("0.05"),
        members=[{"role": "组长", "name": "成和平", "department": "县委组织部", "post": "副部长"}],
        actor=office_staff,
    )
    partner_upload(
        region=unit_a.region,
        source="finance",
        upload=csv_upload("finance", finance_rows([person])),
        actor=office_staff,
    )
    return campaign, CampaignUnit.objects.get(campaign=campaign, unit=unit_a)


def form(page, action: str):
    return page.locator(f"form:has(input[name=action][value='{action}'])")


def submit(page, action: str, button: str | None = None) -> str:
    f = form(page, action)
    with page.expect_navigation():
        (f.get_by_role("button", name=button) if button else f.locator("button")).first.click()
    page.wait_for_load_state("networkidle")
    return page.inner_text(".messages")


def advance(page) -> str:
    return submit(page, "advance")


def stage_of(cu) -> str:
    cu.refresh_from_db()
    return cu.stage


def test_one_unit_through_six_stages(page, unit_a, liaison_a, office_staff, tmp_path):
    campaign, cu = _prepare(unit_a, office_staff)
    cu_url = page.base + f"/verification/campaign-units/{cu.pk}/"
    campaign_url = page.base + f"/verification/campaigns/{campaign.pk}/"

    # 1 单位自查: the liaison finds the unit from the campaign list and answers the four 清 and the budget line
    login(page, "liaison_a")
    page.goto(page.base + "/verification/campaigns/")
    assert "本单位参加的核查" in page.inner_text("body")
    page.get_by_role("link", name=cu.name).click()
    page.wait_for_load_state("networkidle")
    assert "王五" in page.inner_text("body")
    shot(page, "campaign-01-liaison-selfcheck")
    for item in ("机构清", "编制清", "领导职数清", "实有人员清"):
        row = page.locator("tr", has=page.locator(f"input[name=item][value='{item}']"))
        row.get_by_label("相符", exact=True).check()
        with page.expect_navigation():
            row.get_by_role("button", name="保存").click()
    row = page.locator("tr", has=page.locator("input[name=item][value='预决算差异说明']"))
    row.get_by_label("有差异", exact=True).check()
    row.locator("input[name=text]").fill("部门预算按2026年初实有人数编列，年中退休1人，差异1人。")
    with page.expect_navigation():
        row.get_by_role("button", name="保存").click()
    assert "差异1人" in page.inner_text("body")
    shot(page, "campaign-02-selfcheck-answered")
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.NOTICE

    # 2 群众监督: post (20 days ago), download the notice, log feedback, record the removal when it ends
    posted = TODAY - dt.timedelta(days=20)
    ends = sel.notice_period(posted)[0]
    f = form(page, "notice_post")
    f.locator("input[name=posted_on]").fill(posted.isoformat())
    f.locator("input[name=place]").fill("局机关一楼公示栏")
    assert "已登记公示" in submit(page, "notice_post")
    assert f"公示期至 {ends.isoformat()}" in page.inner_text("body")
    with page.expect_download() as info:
        page.get_by_role("link", name="公示表（PDF）").click()
    notice_pdf = tmp_path / "notice.pdf"
    info.value.save_as(notice_pdf)
    assert notice_pdf.read_bytes().startswith(b"%PDF")
    early = form(page, "notice_remove")
    early.locator("input[name=removed_on]").fill((ends - dt.timedelta(days=1)).isoformat())
    assert "期满后才能撤除" in submit(page, "notice_remove")
    f = form(page, "feedback_add")
    f.locator("input[name=received_on]").fill((posted + dt.timedelta(days=1)).isoformat())
    f.locator("input[name=text]").fill("王五的岗位应为预算股。")
    assert "已登记反馈" in submit(page, "feedback_add")
    form(page, "notice_remove").locator("input[name=removed_on]").fill(ends.isoformat())
    assert "已登记撤除" in submit(page, "notice_remove")
    assert "还有公示反馈尚未答复" in advance(page)
    shot(page, "campaign-03-notice-removed")
    logout(page)

    # the office answers the feedback and finishes the notice stage
    login(page, "staff1")
    page.goto(cu_url)
    form(page, "feedback_reply").locator("input[name=reply]").fill("经核实，王五在预算股工作，花名册已注明。")
    assert "已答复" in submit(page, "feedback_reply")
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.COMPARISON

    # 3 数据比对: run from the campaign page; the unit's findings (if any) get an owner
    page.goto(campaign_url)
    assert "已完成数据比对" in submit(page, "compare")
    shot(page, "campaign-04-dashboard-compared")
    page.goto(cu_url)
    for _ in range(form(page, "followup").count()):
        f = form(page, "followup").first
        f.locator("input[name=owner]").fill("财政局人事股")
        f.locator("input[name=due_on]").fill((TODAY + dt.timedelta(days=10)).isoformat())
        submit(page, "followup")
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.ONSITE

    # 4 实地核实: the list is proposed on the campaign page (one unit of one = 30% rounded up)
    page.goto(campaign_url)
    assert "已生成实地核实名单" in submit(page, "onsite")
    page.goto(cu_url)
    assert "已列入实地核实名单" in page.inner_text("body")
    assert "尚未登记核实情况" in advance(page)
    f = form(page, "visit")
    f.locator("select[name=method]").select_option("集中对账")
    f.locator("input[name=visited_on]").fill(TODAY.isoformat())
    f.locator("input[name=inspectors]").fill("蔡海军、张澜")
    f.locator("textarea[name=findings]").fill("调阅花名册、工资发放表，账实相符。")
    assert "已登记核查情况" in submit(page, "visit")
    shot(page, "campaign-05-onsite-recorded")
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.SAMPLING

    # 5 随机抽查: a recorded seed; the only unit is drawn and checked
    page.goto(campaign_url)
    form(page, "draw").locator("input[name=seed]").fill("20261121")
    assert "已完成随机抽取" in submit(page, "draw")
    assert "20261121" in page.inner_text("body")
    page.goto(cu_url)
    f = form(page, "visit")
    f.locator("select[name=method]").select_option("现场查验")
    f.locator("input[name=visited_on]").fill(TODAY.isoformat())
    f.locator("input[name=inspectors]").fill("蔡海军")
    f.locator("textarea[name=findings]").fill("抽查在岗人员，与花名册一致。")
    assert "已登记核查情况" in submit(page, "visit")
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.UPDATE

    # 6 数据更新: the office pre-reviews; the liaison confirms the report with the leader's name
    assert "已预审核" in submit(page, "prereview", "预审核通过")
    logout(page)
    login(page, "liaison_a")
    page.goto(cu_url)
    f = form(page, "report")
    f.locator("input[name=outside_staff]").fill("2")
    f.locator("textarea[name=summary]").fill("已按核查口径整理审批文件，花名册与工资表核对一致。")
    f.locator("input[name=commitment]").check()
    f.locator("input[name=leader_name]").fill("王局长")
    shot(page, "campaign-06-liaison-report-form")
    assert "核查情况报告已确认提交" in submit(page, "report")
    assert "王局长" in page.inner_text("body")
    assert DedicatedEntry.objects.filter(dedicated_file__kind="核查", title__contains="王局长").exists()
    logout(page)

    login(page, "staff1")
    page.goto(cu_url)
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.DONE
    shot(page, "campaign-07-unit-done")
    with page.expect_download() as info:
        page.get_by_role("link", name="核查情况报告（PDF）").click()
    report_pdf = ARTIFACTS / "campaign-unit-report.pdf"
    info.value.save_as(report_pdf)
    assert report_pdf.read_bytes().startswith(b"%PDF")
    page.goto(campaign_url)
    shot(page, "campaign-08-dashboard-done")
