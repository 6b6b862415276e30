"""重点工作台账 in a real browser: office staff set up the four default tasks, record progress with a scan,
finish a task's stages and complete it (the confirmation box first refused); the home-page panel shows
open tasks and overdue stages. Screenshots in tests/artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest

from keytasks.models import KeyTask
from keytasks.services import stage_add
from tests.browser import login, needs_chromium, shot

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_staff_keep_a_key_task_to_its_end(page, region, office_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = tmp_path / "动员会纪要.pdf"
    scan.write_bytes(b"%PDF-1.4\n%\xe2\xe3\n")
    login(page, "staff1")
    page.goto(page.base + "/keytasks/")
    page.click("text=建立默认重点工作")
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=已建立4项重点工作")
    task = KeyTask.objects.get(kind="实名制")
    stage_add(
        task=task, name="补录逾期阶段", actor=office_staff, planned_end=dt.date.today() - dt.timedelta(days=3)
    )
    page.goto(page.base + "/")
    page.wait_for_selector("text=逾期未完成的阶段")
    shot(page, "keytasks_panel")
    page.goto(page.base + f"/keytasks/{task.pk}/")
    page.click("text=登记进展")
    page.fill("input[name=occurred_on]", dt.date.today().isoformat())
    page.fill("textarea[name=text]", "各单位完成实名制信息采集。")
    page.set_input_files("input[name=uploads]", str(scan))
    page.click("button:has-text('提交')")
    page.wait_for_selector("text=工作进展已登记")
    for _ in range(task.stages.count()):
        page.locator("td.act a:has-text('完成')").first.click()
        page.fill("input[name=done_on]", dt.date.today().isoformat())
        page.click("button:has-text('提交')")
        page.wait_for_selector("text=已完成。")
    shot(page, "keytasks_detail")
    page.click("text=完成并归档")
    page.fill("input[name=completed_on]", dt.date.today().isoformat())
    page.fill("textarea[name=results]", "实名制信息与实有人员逐一对应。")
    page.click("button:has-text('确认完成并归档')")
    assert page.locator(".form-errors").count() == 1
    page.check("input[name=confirm]")
    page.click("button:has-text('确认完成并归档')")
    page.wait_for_selector("text=台账已归入独立档案")
    shot(page, "keytasks_done")
    task.refresh_from_db()
    assert task.status == "已完成" and task.archive_entry.dedicated_file.kind == "实名制"
