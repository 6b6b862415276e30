"""A 举报 from intake to closure, with a 整改通知书, in a real browser: the office receives a call about unit
A (the deadline counted in working days across the National Day week), investigates, records the
inspection it led to, confirms the finding, issues the numbered 整改通知书 (its PDF opened), closes the
举报 with the answer to the reporter and the Document produced; the unit's liaison sees the notice,
reports the 整改 with a scan; the office closes the 整改. Screenshots in tests/artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest

from bianzhi import workdays
from bianzhi.models import AuditEntry
from supervision.models import Notice, Report
from tests.browser import login, logout, needs_chromium, shot
from tests.builders.registry import make_document

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from archives.models import DedicatedFile

    workdays.seed_from_package(range(2021, dt.date.today().year + 1))  # a transactional test may start empty
    DedicatedFile.objects.get_or_create(kind="监督检查", defaults={"name": "机构编制监督检查工作档案"})


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    page.wait_for_load_state("networkidle")


def test_a_report_from_intake_to_closure_with_a_rectification_notice(
    page, region, unit_a, unit_b, office_staff, liaison_a, tmp_path
):
    make_document(region, "漳编办发〔2026〕21号", issued_on=dt.date(2026, 10, 20), title="关于责令整改的通知")
    login(page, "staff1")

    # intake: a call about unit A, received on the eve of the National Day week
    page.goto(page.base + "/supervision/reports/")
    page.get_by_role("link", name="受理举报").click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=source]", "来电")
    page.fill("input[name=received_on]", "2026-09-30")
    page.fill("input[name=reporter_name]", "张三丰")
    page.fill("input[name=reporter_contact]", "13812345678")
    page.select_option("select[name=unit]", label=unit_a.name)
    page.select_option("select[name=matter]", "擅自设立机构")
    page.fill("textarea[name=summary]", "反映财政局擅自增设“综合服务股”。")
    shot(page, "supervision-00-intake-form")
    submit(page, "提交")
    report = Report.objects.get()
    text = page.inner_text("body")
    assert "举报已受理，编号举报〔2026〕1号，办理期限2026-10-27" in text and "张三丰" in text
    shot(page, "supervision-01-report-received")

    page.get_by_role("link", name="转入调查").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=on]", "2026-10-08")
    page.fill("textarea[name=note]", "调阅三定规定和内设机构设置文件。")
    submit(page, "提交")
    assert "调查中" in page.inner_text("h1")

    # the inspection it led to, with the finding confirmed, and the 整改通知书
    page.goto(page.base + "/supervision/inspections/new/")
    page.select_option("select[name=kind]", "专项检查")
    page.fill("input[name=title]", "财政局内设机构专项检查")
    page.fill("input[name=inspected_on]", "2026-10-09")
    page.select_option("select[name=units]", [str(unit_a.pk)])
    submit(page, "提交")
    page.get_by_role("link", name="登记问题").click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=unit]", str(unit_a.pk))
    page.select_option("select[name=kind]", "内设机构不符")
    page.fill("textarea[name=description]", "未经批准增设内设机构“综合服务股”一个。")
    submit(page, "提交")
    shot(page, "supervision-02-inspection-finding")
    page.get_by_role("link", name="签发整改通知书").click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=unit]", str(unit_a.pk))
    page.fill("input[name=deadline]", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.fill("textarea[name=requirements]", "撤销擅自增设的内设机构，按“三定”规定设置。")
    page.get_by_role("button", name="提交").click()  # the confirmation box is required
    assert page.locator("input[name=confirm]:invalid").count() == 1
    assert not Notice.objects.exists()
    page.check("input[name=confirm]")
    submit(page, "提交")
    notice = Notice.objects.get()
    assert notice.number == f"漳编办督〔{dt.date.today().year}〕1号"
    assert f"整改通知书{notice.number}已签发" in page.inner_text("body")
    shot(page, "supervision-03-notice-issued")
    with page.expect_download() as info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = ''; document.body.appendChild(a); a.click(); }",
            f"/supervision/notices/{notice.pk}/pdf/",
        )
    pdf = tmp_path / "notice.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # the 举报 closed: the result, the answer to the reporter, the Document produced
    page.goto(page.base + f"/supervision/reports/{report.pk}/close/")
    page.fill("input[name=on]", "2026-10-21")
    page.fill("textarea[name=investigation]", "经查属实，已下发整改通知书。")
    page.fill("textarea[name=result]", f"责令限期整改（{notice.number}）。")
    page.select_option("select[name=answer_way]", "电话")
    page.fill("input[name=answered_on]", "2026-10-21")
    page.fill("input[name=documents]", "漳编办发〔2026〕21号")
    page.check("input[name=confirm]")
    submit(page, "提交")
    text = page.inner_text("body")
    assert "举报已办结" in text and "漳编办发〔2026〕21号" in text and "电话答复" in text
    shot(page, "supervision-04-report-closed")

    # the unit's liaison: their notice, the 整改 reported with a scan
    logout(page)
    login(page, "liaison_a")
    page.goto(page.base + "/supervision/notices/")
    assert notice.number in page.inner_text("body")
    page.get_by_role("link", name=notice.number).click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="报送整改情况").click()
    page.wait_for_load_state("networkidle")
    scan = tmp_path / "撤销批复.pdf"
    scan.write_bytes(b"%PDF-1.4\n% scan\n")
    page.fill("textarea[name=body]", "已撤销“综合服务股”，人员回归原股室。")
    page.set_input_files("input[name=upload]", str(scan))
    submit(page, "提交")
    assert "整改情况已报送" in page.inner_text("body") and "撤销批复.pdf" in page.inner_text("body")
    shot(page, "supervision-05-liaison-evidence")
    page.goto(page.base + f"/supervision/reports/{report.pk}/")
    assert "张三丰" not in page.content()  # the liaison never sees a 举报 (404)

    # the office closes the 整改
    logout(page)
    login(page, "staff1")
    page.goto(page.base + f"/supervision/notices/{notice.pk}/close/")
    page.fill("textarea[name=note]", "经回访核实，整改到位，同意销号。")
    page.check("input[name=confirm]")
    submit(page, "提交")
    assert "整改已销号" in page.inner_text("body")
    shot(page, "supervision-06-notice-closed")
    page.goto(page.base + "/supervision/?year=2026")
    shot(page, "supervision-07-statistics")
    notice.refresh_from_db()
    report.refresh_from_db()
    assert notice.status == "已整改" and report.status == "办结"
    for action in ("监督.举报受理", "监督.举报调查", "监督.下发整改通知书", "监督.举报办结", "监督.整改销号"):
        assert AuditEntry.objects.filter(action=action, actor=office_staff).exists(), action
    assert AuditEntry.objects.filter(action="监督.整改情况", actor=liaison_a).exists()


def test_the_yearly_self_inspection_from_opening_to_review(
    page, region, unit_a, unit_b, office_staff, liaison_a
):
    from supervision.models import Questionnaire

    year = dt.date.today().year
    login(page, "staff1")
    page.goto(page.base + "/supervision/self/new/")
    page.fill("input[name=year]", str(year))
    page.fill("input[name=deadline]", (dt.date.today() + dt.timedelta(days=20)).isoformat())
    submit(page, "提交")
    assert f"{year}年度自查已发起，共2个单位" in page.inner_text("body")

    logout(page)
    login(page, "liaison_a")
    page.goto(page.base + "/supervision/self/")
    page.get_by_role("link", name=f"{unit_a.name}{year}年度自查表").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="填写自查表").click()
    page.wait_for_load_state("networkidle")
    for radio in page.locator("input[type=radio][value='是']").all():
        radio.check()
    page.check("input[name='answer_实名制'][value='否']")
    submit(page, "保存并提交")  # a 否 without its explanation: refused, the answers kept
    assert "须说明存在的问题" in page.inner_text("#questionnaire-form")
    assert page.is_checked("input[name='answer_实名制'][value='否']")
    page.fill("textarea[name='text_实名制']", "调出人员1名未及时核减，已于本月补办。")
    shot(page, "supervision-10-liaison-questionnaire")
    submit(page, "保存并提交")
    assert "自查表已提交" in page.inner_text("body")
    shot(page, "supervision-11-questionnaire-submitted")

    logout(page)
    login(page, "staff1")
    qa = Questionnaire.objects.get(unit=unit_a)
    page.goto(page.base + f"/supervision/self/{qa.inspection_id}/?status=未答")
    table = page.inner_text("#questionnaires")
    assert unit_b.name in table and unit_a.name not in table
    assert "50" in page.inner_text("#counts")  # 1 of 2 answered: 50%
    shot(page, "supervision-12-who-has-not-answered")
    page.goto(page.base + f"/supervision/questionnaires/{qa.pk}/review/")
    page.select_option("select[name=decision]", "accept")
    submit(page, "提交")
    qa.refresh_from_db()
    assert qa.status == "已通过"
    assert AuditEntry.objects.filter(action="监督.自查通过", actor=office_staff).exists()
