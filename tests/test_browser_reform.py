"""A merger in a real browser: from the unit page, fill in the form, read the preview, confirm; the target's
page shows the moved people and quotas."""

import datetime as dt

import pytest

from tests.browser import login, needs_chromium, shot
from tests.builders.registry import make_document, make_person, make_unit
from units.choices import LeaderPost, Nature, UnitStatus
from units.models import Person, Unit

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2024, 3, 1)


def test_merge_preview_then_confirm(page, region, office_staff):
    source = make_unit(region, "漳县旅游局", quotas={"行政编制": 3, "工勤编制": 1}, posts={"单位正职": 1})
    make_unit(region, "综合股", nature=Nature.DIVISION, parent=source)
    target = make_unit(region, "漳县文化局", quotas={"行政编制": 4}, posts={"单位正职": 1})
    make_person(source, name="旅游局长", leader_post=LeaderPost.CHIEF)
    make_person(source, name="旅游科员")
    make_person(source, name="旅游司机", establishment_type="工勤编制")
    make_person(target, name="文化局长", leader_post=LeaderPost.CHIEF)
    document = make_document(
        region, "漳编发〔2024〕3号", issued_on=DAY, title="关于漳县旅游局并入漳县文化局的通知"
    )

    login(page, "staff1")
    page.goto(page.base + f"/units/{source.pk}/")
    page.get_by_role("link", name="合并/撤销并入…").click()
    page.wait_for_load_state("networkidle")
    assert "合并/撤销并入" in page.inner_text("h1")
    page.fill("input[name=target]", "漳县文化局")
    page.select_option("select[name=document]", str(document.pk))
    page.fill("input[name=occurred_on]", "2024-03-01")
    page.fill("input[name=reason]", "机构改革")
    assert page.input_value("input[name=quota_ADMIN]") == "3"
    assert page.is_checked("input[name=abolish_source]")
    shot(page, "reform-01-form")

    page.get_by_role("button", name="下一步：核对变动").click()
    page.wait_for_load_state("networkidle")
    assert "核对合并" in page.inner_text("h1")
    rows = page.locator("#merge-quotas tbody tr").all_inner_texts()
    assert rows[0].split("\t")[:9] == ["行政编制", "3", "3", "0", "4", "7", "1", "2", "—"]
    body = page.inner_text("body")
    assert "行政编制2名、工勤编制1名" in body and "综合股" in body
    assert Person.objects.filter(unit=source, in_establishment=True).count() == 3  # nothing written yet
    shot(page, "reform-02-preview")

    page.get_by_role("button", name="确认合并").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/units/{target.pk}/")
    assert "漳县旅游局已并入漳县文化局" in page.inner_text("body")
    assert "旅游司机" in page.inner_text("body")
    shot(page, "reform-03-target")
    assert Unit.objects.get(pk=source.pk).status == UnitStatus.MERGED
    assert Person.objects.filter(unit=target, in_establishment=True).count() == 4
