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
from verification.campaign.models import CampaignStatus, CampaignUnit, Stage
from verification.findings.services import partner_upload

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # the comparison is a job: here it runs in the live server's request (the queue: tests/test_jobs_*)
    settings.JOBS_EAGER = True


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


def form(page, path: str):
    """The form posting to the action's own URL (``campaign-units/<pk>/<path>/``, ``campaigns/<pk>/<path>/``)."""
    return page.locator(f"form[action$='/{path}/']")


def submit(page, path: str, button: str | None = None, *, confirm: bool = False) -> str:
    """Post the action's form (ticking its confirm box when asked); the messages and errors shown."""
    f = form(page, path)
    if confirm:
        f.locator("input[name=confirm]").check()
    with page.expect_navigation():
        (f.get_by_role("button", name=button) if button else f.locator("button")).first.click()
    page.wait_for_load_state("networkidle")
    return "\n".join(page.locator(".msg").all_inner_texts())


def advance(page) -> str:
    return submit(page, "advance")


def stage_of(cu) -> str:
    cu.refresh_from_db()
    return cu.stage


def test_one_unit_through_six_stages(page, unit_a, liaison_a, office_staff, tmp_path):
    campaign, cu = _prepare(unit_a, office_staff)
    cu_url = page.base + f"/verification/campaign-units/{cu.pk}/"
    campaign_url = page.base + f"/verification/campaigns/{campaign.pk}/"

    # 1 单位自查: the liaison's home says what is due; the whole self-check is one form
    login(page, "liaison_a")
    page.goto(page.base + "/")
    todo = page.inner_text("#campaign-todo")
    assert "机构编制核查待办" in todo and cu.name in todo and "单位自查" in todo
    shot(page, "campaign-00-liaison-home-todo")
    page.goto(page.base + "/verification/campaigns/")
    assert "本单位参加的核查" in page.inner_text("body")
    page.get_by_role("link", name=cu.name).click()
    page.wait_for_load_state("networkidle")
    assert "王五" in page.inner_text("body")
    shot(page, "campaign-01-liaison-unit-page")
    page.get_by_role("link", name="填写自查表（整页填写，一次保存）").click()
    page.wait_for_load_state("networkidle")
    for item in ("机构清", "编制清", "领导职数清", "实有人员清"):
        page.check(f"input[name='answer_{item}'][value='相符']")
    page.check("input[name='answer_预决算差异说明'][value='有差异']")
    with page.expect_navigation():  # 有差异 without the explanation: refused, every answer kept
        page.get_by_role("button", name="保存", exact=True).click()
    assert "没有保存" in page.inner_text("main")
    assert page.is_checked("input[name='answer_实有人员清'][value='相符']")
    assert not cu.items.exclude(answer="").exists()
    page.fill("input[name='text_预决算差异说明']", "部门预算按2026年初实有人数编列，年中退休1人，差异1人。")
    shot(page, "campaign-02-selfcheck-form")
    with page.expect_navigation():
        page.get_by_role("button", name="提交自查").click()
    page.wait_for_load_state("networkidle")
    assert "自查已提交" in page.inner_text(".messages")
    assert "差异1人" in page.inner_text("body")
    assert stage_of(cu) == Stage.NOTICE

    # 2 群众监督: post (20 days ago), download the notice, log feedback, record the removal when it ends
    posted = TODAY - dt.timedelta(days=20)
    ends = sel.notice_period(posted)[0]
    f = form(page, "notice/post")
    f.locator("input[name=posted_on]").fill(posted.isoformat())
    f.locator("input[name=place]").fill("局机关一楼公示栏")
    assert "已登记公示" in submit(page, "notice/post")
    assert f"公示期至 {ends.isoformat()}" in page.inner_text("body")
    with page.expect_download() as info:
        page.get_by_role("link", name="公示表（PDF）").click()
    notice_pdf = tmp_path / "notice.pdf"
    info.value.save_as(notice_pdf)
    assert notice_pdf.read_bytes().startswith(b"%PDF")
    early = form(page, "notice/remove")
    early.locator("input[name=removed_on]").fill((ends - dt.timedelta(days=1)).isoformat())
    assert "期满后才能撤除" in submit(page, "notice/remove", confirm=True)
    f = form(page, "feedback/add")
    f.locator("input[name=received_on]").fill((posted + dt.timedelta(days=1)).isoformat())
    f.locator("input[name=text]").fill("王五的岗位应为预算股。")
    assert "已登记反馈" in submit(page, "feedback/add")
    form(page, "notice/remove").locator("input[name=removed_on]").fill(ends.isoformat())
    assert "已登记撤除" in submit(page, "notice/remove", confirm=True)
    assert "还有公示反馈尚未答复" in advance(page)
    shot(page, "campaign-03-notice-removed")
    logout(page)

    # the office answers the feedback and finishes the notice stage
    login(page, "staff1")
    page.goto(cu_url)
    form(page, "feedback/reply").locator("input[name=reply]").fill("经核实，王五在预算股工作，花名册已注明。")
    assert "已答复" in submit(page, "feedback/reply")
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.COMPARISON

    # 3 数据比对: run from the campaign page; the unit's findings (if any) get an owner
    page.goto(campaign_url)
    assert "数据比对已提交" in submit(page, "compare")
    assert "数据比对完成" in page.locator("#job-message").inner_text()
    shot(page, "campaign-04-compare-job")
    page.get_by_role("link", name="查看结果").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith(f"/verification/campaigns/{campaign.pk}")
    shot(page, "campaign-04-dashboard-compared")
    page.goto(cu_url)
    for _ in range(form(page, "followup").count()):
        f = form(page, "followup").first
        f.locator("input[name=owner]").fill("财政局人事股")
        f.locator("input[name=due_on]").fill((TODAY + dt.timedelta(days=10)).isoformat())
        submit(page, "followup")
    assert "已进入下一环节" in advance(page)
    assert stage_of(cu) == Stage.ONSITE

    # 4 实地核实: the list is proposed on its own page, confirmed (one unit of one = 30% rounded up)
    page.goto(campaign_url)
    page.get_by_role("link", name="按问题数生成实地核实名单…").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="按问题数生成实地核实名单").click()  # not confirmed: the box is required
    assert page.locator("input[name=confirm]:invalid").count() == 1
    campaign.refresh_from_db()
    assert campaign.onsite_planned_at is None
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.get_by_role("button", name="按问题数生成实地核实名单").click()
    assert "已生成实地核实名单" in page.inner_text(".messages")
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

    # 5 随机抽查: a recorded seed, confirmed; the only unit is drawn and checked
    page.goto(campaign_url)
    form(page, "draw").locator("input[name=seed]").fill("20261121")
    assert "已完成随机抽取" in submit(page, "draw", confirm=True)
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
    f = form(page, "report/confirm")
    f.locator("input[name=outside_staff]").fill("2")
    f.locator("textarea[name=summary]").fill("已按核查口径整理审批文件，花名册与工资表核对一致。")
    f.locator("input[name=commitment]").check()
    f.locator("input[name=leader_name]").fill("王局长")
    shot(page, "campaign-06-liaison-report-form")
    assert "核查情况报告已确认提交" in submit(page, "report/confirm")
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

    # the county report: the download files nothing; 归档县级报告 (confirmed) files it
    page.goto(campaign_url)
    filed = DedicatedEntry.objects.filter(dedicated_file__kind="核查").count()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载核查情况报告（PDF）").click()
    assert info.value.path().read_bytes().startswith(b"%PDF")
    assert DedicatedEntry.objects.filter(dedicated_file__kind="核查").count() == filed
    assert "已归档到核查专门档案" in submit(page, "report/file", confirm=True)
    assert DedicatedEntry.objects.filter(dedicated_file__kind="核查").count() == filed + 1
    shot(page, "campaign-08-dashboard-done")

    # 结束核查工作: a page saying what ending means, then the confirmed POST
    page.get_by_role("link", name="结束核查工作…").click()
    page.wait_for_load_state("networkidle")
    assert "不能再办理任何环节" in page.inner_text("main")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.get_by_role("button", name="结束核查工作").click()
    assert "核查工作已结束" in page.inner_text(".messages")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
