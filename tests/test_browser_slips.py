"""核编在先 in a real browser: a liaison asks for a slot, the office approves, the slip PDF downloads, 入编 uses the
slip and the unit's vacancy drops; a second 入编 on the same slip (from a tab opened earlier) is refused."""

import datetime as dt

import pytest

from bianzhi.lib.idnumbers import make_id
from tests.browser import ARTIFACTS, login, logout, needs_chromium, shot
from units.models import EstablishmentRequest, Person, UseSlip

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


def type_row(page, etype: str = "行政编制") -> dict[str, int]:
    """The unit page's figures for one establishment type."""
    cells = page.locator(f"tr[data-type='{etype}'] td.num").all_inner_texts()
    return dict(zip(("approved", "occupied", "reserved", "vacancy"), map(int, cells), strict=False))


def fill_entry(page, slip: UseSlip, name: str, seq: int) -> None:
    page.select_option("select[name=slip]", str(slip.pk))
    page.fill("input[name=name]", name)
    page.fill("input[name=id_number]", make_id("621125", dt.date(1996, 4, 9), seq, "女"))
    page.select_option("select[name=establishment_type]", "行政编制")
    page.select_option("select[name=category]", "公务员")
    page.fill("input[name=entered_on]", TODAY.isoformat())
    page.select_option("select[name=entry_method]", "考录")


def test_request_approve_download_enter_and_refuse_second_use(
    page, unit_a, liaison_a, office_staff, tmp_path
):
    unit_url = page.base + f"/units/{unit_a.pk}/"

    # the liaison asks for one 行政编制 for their unit
    login(page, "liaison_a")
    page.goto(unit_url)
    before = type_row(page)
    assert before == {"approved": 5, "occupied": 0, "reserved": 0, "vacancy": 5}
    page.get_by_role("link", name="申请用编").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=unit]").input_value() == str(unit_a.pk)
    page.select_option("select[name=establishment_type]", "行政编制")
    page.fill("input[name=count]", "1")
    page.select_option("select[name=entry_method]", "考录")
    page.fill("input[name=planned_on]", (TODAY + dt.timedelta(days=30)).isoformat())
    page.fill("textarea[name=reason]", "预算股一名干部退休，申请考录一名公务员。")
    shot(page, "slip-01-liaison-request-form")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state("networkidle")
    assert "用编申请已提交" in page.inner_text(".messages")
    req = EstablishmentRequest.objects.get(unit=unit_a)
    assert req.requested_by == liaison_a and req.status == "待审核"
    shot(page, "slip-02-liaison-request-submitted")
    logout(page)

    # the office reviews and approves
    login(page, "staff1")
    assert "1" in page.locator(".card", has_text="待审核用编申请").inner_text()
    shot(page, "slip-00-office-dashboard")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="用编申请").click()
    page.wait_for_load_state("networkidle")
    shot(page, "slip-03-request-list")
    page.get_by_role("link", name="审核").first.click()
    page.wait_for_load_state("networkidle")
    assert "核定" in page.inner_text(".stat-row") and "预算股一名干部退休" in page.inner_text("body")
    shot(page, "slip-04-review")
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_load_state("networkidle")
    slip = UseSlip.objects.get(request=req)
    assert f"签发编制使用单1张：{slip.number}" in page.inner_text(".messages")
    shot(page, "slip-05-approved")

    # the slip PDF downloads
    with page.expect_download() as info:
        page.get_by_role("link", name="下载PDF").first.click()
    pdf = tmp_path / "slip.pdf"
    info.value.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5 * 1024
    assert slip.number in info.value.suggested_filename
    (ARTIFACTS / "slip-05-download.pdf").write_bytes(data)  # kept to look at (pdftoppm)

    # 入编 with the slip; a second tab holds the same form open
    page.goto(unit_url)
    assert type_row(page)["reserved"] == 1
    page.get_by_role("link", name="办理入编").click()
    page.wait_for_load_state("networkidle")
    enter_url = page.url
    second = page.context.new_page()
    second.goto(enter_url)
    fill_entry(second, slip, "第二人", 42)
    fill_entry(page, slip, "周晓梅", 41)
    shot(page, "slip-06-enter-form")
    page.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    assert "入编已办理" in page.inner_text(".messages") and "周晓梅" in page.inner_text("h1")
    assert slip.number in page.inner_text("body")
    page.goto(unit_url)
    after = type_row(page)
    assert after == {"approved": 5, "occupied": 1, "reserved": 0, "vacancy": before["vacancy"] - 1}
    shot(page, "slip-07-unit-after-entry")

    # the older tab submits the same slip: refused with a clear message, nothing changed
    second.get_by_role("button", name="提交").click()
    second.wait_for_load_state("networkidle")
    alert = second.locator(".has-error .error").first.inner_text()
    assert "该编制使用单已经使用、作废或过期" in alert and "另一个窗口" in alert
    shot(second, "slip-08-second-entry-refused")
    assert not Person.objects.filter(name="第二人").exists()
    assert Person.objects.filter(unit=unit_a, in_establishment=True).count() == 1
    assert UseSlip.objects.get(pk=slip.pk).person.name == "周晓梅"
    page.goto(unit_url)
    assert type_row(page) == after
    page.goto(page.base + "/slips/")
    assert "已使用" in page.inner_text("table") and "周晓梅" in page.inner_text("table")
    shot(page, "slip-09-slip-list")
    second.close()
