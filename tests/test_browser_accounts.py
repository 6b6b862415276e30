"""Accounts in a real browser: the security administrator uploads a liaison workbook and sees the list of first
passwords; a liaison logs in with the first password, must change it, then sees only their unit."""

import pytest

from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from tests.browser import login, logout, needs_chromium, shot
from tests.builders.registry import make_unit

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_liaison_workbook_first_password_and_own_unit(page, region, security_admin, unit_a, unit_b, tmp_path):
    make_unit(region, "漳县审计局", quotas={"行政编制": 6})
    book = tmp_path / "联络员.xlsx"
    book.write_bytes(
        workbook_bytes(
            [
                SheetSpec(
                    "联络员",
                    ["单位名称", "姓名", "手机", "账号"],
                    [
                        ["漳县财政局", "钱联络", "13800000001", "qianlx"],
                        ["漳县疾病预防控制中心", "孙联络", "13800000002", "sunlx"],
                    ],
                )
            ]
        )
    )
    login(page, "secadmin1")  # liaisons are the security administrator's (三员分立)
    page.get_by_role("link", name="账号管理").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="批量建立联络员").first.click()
    page.set_input_files("input[type=file]", str(book))
    page.get_by_role("button", name="上传并建立").click()
    page.wait_for_load_state("networkidle")
    assert "联络员初始密码清单" in page.inner_text("h1")
    rows = page.locator("#issued tbody tr")
    assert rows.count() == 2
    cells = {
        rows.nth(i).locator("td").nth(2).inner_text(): rows.nth(i).locator("td").nth(3).inner_text()
        for i in range(2)
    }
    first = cells["qianlx"]
    assert len(first) >= 8
    shot(page, "accounts-01-password-list")

    logout(page)
    login(page, "qianlx", first)
    assert "/password/change/" in page.url and "初始密码" in page.inner_text("body")
    shot(page, "accounts-02-must-change")
    page.goto(page.base + "/units/")  # nothing else until the password is changed
    assert "/password/change/" in page.url
    page.fill("input[name=old_password]", first)
    page.fill("input[name=new_password1]", "Qian-2024-own")
    page.fill("input[name=new_password2]", "Qian-2024-own")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_load_state("networkidle")
    assert "密码已修改" in page.inner_text("body")

    page.goto(page.base + "/units/")
    body = page.inner_text("main")
    assert "漳县财政局" in body and "漳县疾病预防控制中心" not in body and "漳县审计局" not in body
    shot(page, "accounts-03-liaison-own-unit")
