"""核验编制使用单 in a real browser: a partner clerk of 组织部 types the code printed on a slip, reads its state,
records 录用审批 with the confirmation box; a forged code is refused; the office sees the act on the slip list."""

from __future__ import annotations

import pytest

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.browser import login, logout, needs_chromium, shot
from tests.builders.registry import make_slip, make_user
from units.models import SlipActRecord
from units.selectors.slipcheck import pretty, slip_code

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_verifies_and_records_hire_office_sees_it(page, unit_a, office_staff, region):
    clerk = make_user("org_clerk", Role.PARTNER, regions=[region], full_name="组织部张经办")
    clerk.profile.department = "中共漳县县委组织部"
    clerk.profile.save()
    slip = make_slip(unit_a)
    code = pretty(slip_code(slip))

    login(page, "org_clerk")
    page.get_by_role("link", name="核验编制使用单").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=code]", code[:-1] + ("0" if code[-1] != "0" else "1"))  # one character off
    page.get_by_role("button", name="核验").click()
    page.wait_for_load_state("networkidle")
    assert "核验码有误" in page.content()
    shot(page, "slip_verify_forged")

    page.fill("input[name=code]", code.lower().replace("-", " "))
    page.get_by_role("button", name="核验").click()
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert slip.number in body and "漳县财政局" in body and "尚未办理入编" in body
    page.fill("input[name=note]", "组干录〔2026〕3号")
    page.get_by_role("button", name="登记").click()
    page.wait_for_load_state("networkidle")
    assert "请勾选确认" in page.content() and not SlipActRecord.objects.exists()
    page.check("input[name=confirm]")
    page.get_by_role("button", name="登记").click()
    page.wait_for_load_state("networkidle")
    assert "已登记录用审批" in page.content()
    shot(page, "slip_verify_partner")
    assert SlipActRecord.objects.get().actor == clerk
    assert AuditEntry.objects.filter(action="核验.失败", actor=clerk).count() == 1

    logout(page)
    login(page, "staff1")
    page.goto(page.base + "/slips/")
    row = page.locator("tr", has_text=slip.number)
    assert "录用审批" in row.inner_text()
    shot(page, "slip_verify_office_list")
