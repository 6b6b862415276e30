"""The registry journey in a real browser: staff uploads a roster with a bad row, fixes it; a liaison sees only
their own unit."""

import datetime as dt

import pytest

from bianzhi.lib.idnumbers import make_id
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from tests.browser import login, logout, needs_chromium, shot
from tests.builders.registry import make_person, make_slip, make_unit
from units.imports import STAFF_HEADERS  # noqa: F401  (the contract's header list)
from units.models import Person

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

HEADERS = ["单位名称", "姓名", "公民身份号码", "编制类型", "人员类别", "入编时间", "领导职务", "入编文号"]


def roster(unit_name: str, bad: bool, slips: list[str]) -> bytes:
    """Two new people after the county's 建账: each enters with an 编制使用单 (核编在先)."""
    rows = [
        [
            unit_name,
            "王晓燕",
            make_id("621125", dt.date(1991, 4, 12), 3, "女"),
            "行政编制",
            "公务员",
            "2019-08-01",
            "无",
            slips[0],
        ],
        [
            unit_name,
            "马建国",
            make_id("621125", dt.date(1986, 11, 2), 4, "男"),
            "行政编制",
            "公务员",
            "2016年7月1日",
            "无",
            slips[1],
        ],
    ]
    if bad:
        rows[1][2] = rows[1][2][:-1] + ("0" if rows[1][2][-1] != "0" else "1")  # wrong check character
    return workbook_bytes([SheetSpec("实有人员", HEADERS, rows)])


def test_staff_uploads_roster_and_liaison_sees_only_own_unit(
    page, region, office_staff, liaison_a, unit_a, tmp_path
):
    other = make_unit(region, "漳县审计局", quotas={"行政编制": 6})
    make_person(other, name="审计员甲")
    login(page, "staff1")
    assert page.locator("h1").first.inner_text().strip()
    shot(page, "01-dashboard")

    page.get_by_role("link", name="机构", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    page.click(f"a:text-is('{unit_a.name}')")
    page.wait_for_load_state("networkidle")
    assert unit_a.name in page.inner_text("h1")
    shot(page, "02-unit-detail")

    bad, good = tmp_path / "roster.xlsx", tmp_path / "roster-fixed.xlsx"
    slips = [make_slip(unit_a, "行政编制").number for _ in range(2)]
    bad.write_bytes(roster(unit_a.name, bad=True, slips=slips))
    good.write_bytes(roster(unit_a.name, bad=False, slips=slips))
    page.goto(page.base + "/import/staff/")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "实有人员\t3\t公民身份号码\t公民身份号码校验位错误" in body and "未写入任何数据" in body
    shot(page, "03-import-error")
    assert not Person.objects.filter(name="王晓燕").exists()  # all-or-nothing

    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_load_state("networkidle")
    assert "新增" in page.inner_text("body")
    shot(page, "04-import-done")

    page.goto(page.base + f"/units/{unit_a.pk}/")
    roster_text = page.inner_text("body")
    assert "王晓燕" in roster_text and "马建国" in roster_text
    shot(page, "05-unit-roster")

    logout(page)
    login(page, "liaison_a")
    page.goto(page.base + "/units/")
    listing = page.inner_text("body")
    assert unit_a.name in listing and other.name not in listing
    shot(page, "06-liaison-units")
    response = page.goto(page.base + f"/units/{other.pk}/")
    assert response.status == 404
    page.goto(page.base + f"/units/{unit_a.pk}/")
    number = make_id("621125", dt.date(1991, 4, 12), 3, "女")
    own = page.inner_text("body")
    assert "王晓燕" in own and number not in own and number[:10] + "****" in own  # a liaison sees masked IDs
    shot(page, "07-liaison-unit")
