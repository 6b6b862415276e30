"""表一 in a real browser: the grouped headers and the 合计 row; 打印PDF opens a new tab that says the PDF
is being made, then shows it (issue 15, point 5). Screenshots in tests/artifacts/."""

import pytest

from tests.browser import login, needs_chromium, shot
from tests.builders.registry import make_person, make_unit
from units.choices import Nature

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_table_one_page_and_the_pdf_tab(page, region, office_staff, unit_a, unit_b):
    make_person(unit_a, name="王五")
    make_unit(
        region,
        "漳县县委机构编制委员会办公室机关后勤服务中心（县机构编制电子政务中心）",
        nature=Nature.PUBLIC_INSTITUTION,
        quotas={"事业编制": 3},
    )
    login(page, "staff1")
    page.goto(page.base + "/ledgers/table/one/")
    page.wait_for_load_state("networkidle")
    head = page.inner_text("table thead")
    assert "行政编制" in head and "核定数" in head and "空编数" in head
    total = page.locator("tr.total").inner_text()
    assert total.startswith("合计") and "3 个单位" in total
    shot(page, "ledgers-table-one")

    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="打印PDF").click()
    tab = popup_info.value
    tab.wait_for_selector("h1")
    assert "正在生成，请稍候" in tab.inner_text("h1")
    shot(tab, "ledgers-table-one-pdf-waiting")
    refresh = tab.locator("meta[http-equiv=refresh]").get_attribute("content")
    assert "export.pdf" in refresh and "inline=1" in refresh
