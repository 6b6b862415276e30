"""The import pages in a real browser: the administrator's annual data update (--baseline) and the units
page's effective date."""

import pytest

from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from tests.browser import login, needs_chromium, shot
from tests.builders.registry import make_document
from tests.workbooks import new_id, person_row
from units.imports import STAFF_HEADERS
from units.models import Person

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_admin_runs_the_annual_data_update_in_the_browser(page, region, office_admin, unit_a, tmp_path):
    from tests.builders.registry import make_person

    make_person(unit_a, name="已在编")  # the county's 建账 is behind it
    make_document(region, "漳编发〔2026〕1号")
    path = tmp_path / "update.xlsx"
    rows = [person_row(unit_a.name, f"庚{i}", new_id()) for i in range(2)]
    path.write_bytes(workbook_bytes([SheetSpec("实有人员", STAFF_HEADERS, rows)]))
    login(page, "admin1")
    page.goto(page.base + "/import/staff/")
    page.set_input_files("input[type=file]", str(path))
    page.check("input[name=baseline]")
    page.fill("input[name=baseline_document]", "漳编发〔2026〕1号")
    page.fill("textarea[name=baseline_reason]", "2026年度实名制数据更新")
    shot(page, "import-baseline-form")
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "导入完成" in body and "新增：漳县财政局 庚0" in body and "新增：漳县财政局 庚1" in body
    shot(page, "import-baseline-done")
    assert Person.objects.filter(name__startswith="庚").count() == 2

    page.goto(page.base + "/import/units/")
    assert page.locator("input[name=as_of]").input_value()  # today by default
    shot(page, "import-units-as-of")
