"""重点工作台账: the services (every rule and refusal) and the pages (anonymous, another unit's liaison,
read-only supervisor, office staff with state and audit row), the panel and the ledger PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from bianzhi.models import AuditEntry
from keytasks import selectors
from keytasks.models import KeyTask, ProgressEntry, Stage
from keytasks.prints import ledger_pdf
from keytasks.services import (
    defaults_create,
    progress_add,
    stage_add,
    stage_done,
    task_complete,
    task_update,
)
from tests.browser import ARTIFACTS
from tests.builders.keytasks import make_task
from tests.builders.registry import make_document

TODAY = dt.date(2021, 12, 31)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def task(region, office_staff):
    return make_task(region, actor=office_staff)


def pdf_upload(name="纪要.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%\xe2\xe3\n", content_type="application/pdf")


def finish_stages(task, actor):
    for i, stage in enumerate(task.stages.order_by("order"), start=1):
        stage_done(stage=stage, done_on=dt.date(2021, 6, i), actor=actor, today=TODAY)


# ---- services --------------------------------------------------------------------------------------------


def test_create_with_documents_and_stages_is_audited(region, office_staff):
    make_document(region, "漳编发〔2021〕3号", actor=office_staff)
    task = make_task(region, actor=office_staff, document_numbers="漳编发[2021]3号")
    assert [d.number for d in task.documents.all()] == ["漳编发〔2021〕3号"]
    assert list(task.stages.values_list("order", "name")) == [(1, "制定方案"), (2, "组织实施")]
    entry = AuditEntry.objects.get(action="重点工作.建立")
    assert entry.actor == office_staff and entry.after["documents"] == ["漳编发〔2021〕3号"]


def test_create_refusals(region, office_staff, task):
    with pytest.raises(ValidationError, match="已有重点工作"):
        make_task(region, actor=office_staff)
    with pytest.raises(ValidationError, match="不能早于开始日期"):
        make_task(
            region,
            actor=office_staff,
            name="新任务",
            starts_on=dt.date(2021, 5, 1),
            due_on=dt.date(2021, 4, 1),
        )
    with pytest.raises(ValidationError, match="没有找到文号"):
        make_task(region, actor=office_staff, name="新任务", document_numbers="漳编发〔2099〕1号")
    with pytest.raises(ValidationError, match="工作类别"):
        make_task(region, actor=office_staff, name="新任务", kind="不存在")
    assert KeyTask.objects.count() == 1


@pytest.mark.parametrize("who", ["supervisor", "liaison_a", "partner_clerk", "other_office_staff"])
def test_only_office_staff_of_the_region_write(request, region, task, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        make_task(region, actor=actor, name="另一项")
    with pytest.raises(PermissionDenied):
        progress_add(task=task, occurred_on=dt.date(2021, 2, 1), text="x", actor=actor, today=TODAY)
    with pytest.raises(PermissionDenied):
        stage_done(stage=task.stages.first(), done_on=dt.date(2021, 2, 1), actor=actor, today=TODAY)
    with pytest.raises(PermissionDenied):
        task_complete(task=task, completed_on=TODAY, results="x", confirmed=True, actor=actor, today=TODAY)
    with pytest.raises(PermissionDenied):
        defaults_create(region=region, actor=actor)
    assert KeyTask.objects.count() == 1 and not ProgressEntry.objects.exists()


def test_the_four_default_tasks_once(region, office_staff):
    made = defaults_create(region=region, actor=office_staff, today=dt.date(2021, 3, 1))
    assert [t.kind for t in made] == ["机构改革", "事业单位分类改革", "实名制", "核查"]
    assert all(t.due_on == dt.date(2021, 12, 31) and t.stages.exists() for t in made)
    with pytest.raises(ValidationError, match="都已建立"):
        defaults_create(region=region, actor=office_staff)
    assert AuditEntry.objects.filter(action="重点工作.建立").count() == 4


def test_update_plan_audits_the_difference(task, office_staff):
    task_update(
        task=task,
        actor=office_staff,
        name=task.name,
        kind=task.kind,
        goal=task.goal,
        lead="县委编办主任",
        starts_on=task.starts_on,
        due_on=dt.date(2022, 6, 30),
        reason="延期",
    )
    entry = AuditEntry.objects.get(action="重点工作.修改")
    assert entry.before == {"lead": "编办秘书股", "due_on": "2021-12-31"} and entry.reason == "延期"


def test_stages_are_done_in_order(task, office_staff):
    first, second = task.stages.order_by("order")
    with pytest.raises(ValidationError, match="请先完成前一阶段“制定方案”"):
        stage_done(stage=second, done_on=dt.date(2021, 3, 1), actor=office_staff, today=TODAY)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        stage_done(stage=first, done_on=dt.date(2022, 1, 1), actor=office_staff, today=TODAY)
    with pytest.raises(ValidationError, match="不能早于工作开始日期"):
        stage_done(stage=first, done_on=dt.date(2020, 12, 1), actor=office_staff, today=TODAY)
    stage_done(stage=first, done_on=dt.date(2021, 3, 1), actor=office_staff, today=TODAY, note="方案已印发")
    with pytest.raises(ValidationError, match="已于2021-03-01完成"):
        stage_done(stage=first, done_on=dt.date(2021, 3, 2), actor=office_staff, today=TODAY)
    with pytest.raises(ValidationError, match="不能早于前一阶段的完成日期"):
        stage_done(stage=second, done_on=dt.date(2021, 2, 1), actor=office_staff, today=TODAY)
    stage_done(stage=second, done_on=dt.date(2021, 5, 1), actor=office_staff, today=TODAY)
    assert AuditEntry.objects.filter(action="重点工作.阶段完成").count() == 2
    third = stage_add(task=task, name="总结", actor=office_staff, planned_end=dt.date(2021, 12, 1))
    assert third.order == 3
    with pytest.raises(ValidationError, match="计划完成日期不能早于计划开始日期"):
        stage_add(
            task=task,
            name="x",
            actor=office_staff,
            planned_start=dt.date(2021, 5, 1),
            planned_end=dt.date(2021, 4, 1),
        )


def test_progress_with_documents_and_a_checked_scan(region, task, office_staff):
    make_document(region, "漳编发〔2021〕8号", actor=office_staff)
    entry = progress_add(
        task=task,
        occurred_on=dt.date(2021, 4, 1),
        text="印发实施方案。",
        stage=task.stages.first(),
        document_numbers="漳编发〔2021〕8号",
        uploads=[pdf_upload()],
        actor=office_staff,
        today=TODAY,
    )
    assert [d.number for d in entry.documents.all()] == ["漳编发〔2021〕8号"]
    item = entry.attachments.get()
    assert (
        item.original_name == "纪要.pdf" and item.content_type == "application/pdf" and len(item.sha256) == 64
    )
    assert AuditEntry.objects.get(action="重点工作.登记进展").after["attachments"] == ["纪要.pdf"]


def test_progress_refusals(region, task, office_staff):
    def add(**kw):
        args = {
            "task": task,
            "occurred_on": dt.date(2021, 4, 1),
            "text": "进展",
            "actor": office_staff,
            "today": TODAY,
        }
        return progress_add(**(args | kw))

    with pytest.raises(ValidationError, match="请填写工作进展"):
        add(text="  ")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        add(occurred_on=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError, match="不能早于工作开始日期"):
        add(occurred_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="没有找到文号"):
        add(document_numbers="漳编发〔2099〕1号")
    with pytest.raises(ValidationError, match="只能上传"):
        add(uploads=[SimpleUploadedFile("a.exe", b"MZ")])
    with pytest.raises(ValidationError, match="不符"):
        add(uploads=[SimpleUploadedFile("a.pdf", b"not a pdf")])
    other = make_task(region, actor=office_staff, name="另一项")
    with pytest.raises(ValidationError, match="不属于这项工作"):
        add(stage=other.stages.first())
    assert not ProgressEntry.objects.exists()


def test_complete_files_the_ledger_in_the_matching_archive(region, office_staff):
    task = make_task(region, actor=office_staff, name="2021年度机构编制核查", kind="核查")
    progress_add(
        task=task, occurred_on=dt.date(2021, 4, 1), text="各单位自查。", actor=office_staff, today=TODAY
    )
    finish_stages(task, office_staff)
    task_complete(
        task=task,
        completed_on=TODAY,
        results="核查完成，形成报告。",
        confirmed=True,
        actor=office_staff,
        today=TODAY,
    )
    task.refresh_from_db()
    assert task.status == "已完成" and task.completed_on == TODAY
    entry = task.archive_entry
    assert entry.dedicated_file.kind == "核查" and entry.attachment.read(5) == b"%PDF-"
    assert "重点工作台账：2021年度机构编制核查" in entry.title
    done = AuditEntry.objects.get(action="重点工作.完成")
    assert done.after["archive"] == "核查" and done.actor == office_staff
    assert AuditEntry.objects.filter(action="重点工作.打印台账").exists()
    with pytest.raises(ValidationError, match="已完成"):
        progress_add(task=task, occurred_on=TODAY, text="再记一笔", actor=office_staff, today=TODAY)
    with pytest.raises(ValidationError, match="已完成"):
        task_complete(
            task=task, completed_on=TODAY, results="x", confirmed=True, actor=office_staff, today=TODAY
        )


@pytest.mark.parametrize(
    ("kind", "archive"),
    [("机构改革", "机构改革"), ("事业单位分类改革", "机构改革"), ("实名制", "实名制"), ("其他", "其他")],
)
def test_each_kind_goes_to_its_archive(region, office_staff, kind, archive):
    task = make_task(region, actor=office_staff, name=f"任务{kind}", kind=kind, stages=[])
    task_complete(
        task=task, completed_on=TODAY, results="完成。", confirmed=True, actor=office_staff, today=TODAY
    )
    task.refresh_from_db()
    assert task.archive_entry.dedicated_file.kind == archive


def test_complete_refusals(task, office_staff):
    def complete(**kw):
        args = {
            "task": task,
            "completed_on": TODAY,
            "results": "完成",
            "confirmed": True,
            "actor": office_staff,
        }
        return task_complete(**(args | {"today": TODAY} | kw))

    with pytest.raises(ValidationError, match="请勾选确认"):
        complete(confirmed=False)
    with pytest.raises(ValidationError, match="请填写完成情况"):
        complete(results=" ")
    with pytest.raises(ValidationError, match="还有阶段未完成：“制定方案”"):
        complete()
    finish_stages(task, office_staff)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        complete(completed_on=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError, match="不能早于2021-06-02"):
        complete(completed_on=dt.date(2021, 6, 1))
    task.refresh_from_db()
    assert task.status == "进行中" and task.archive_entry is None


def test_the_ledger_pdf_is_cjk_and_whole(region, task, office_staff, tmp_path):
    progress_add(
        task=task,
        occurred_on=dt.date(2021, 4, 1),
        text="召开改革动员会议。",
        actor=office_staff,
        today=TODAY,
        uploads=[pdf_upload("动员会纪要.pdf")],
    )
    finish_stages(task, office_staff)
    task_complete(
        task=task,
        completed_on=TODAY,
        results="机构改革全面完成。",
        confirmed=True,
        actor=office_staff,
        today=TODAY,
    )
    pdf = ledger_pdf(KeyTask.objects.get(pk=task.pk), actor=office_staff)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "keytask_ledger.pdf"  # kept to look at (pdftoppm -r 50 -png)
    path.write_bytes(pdf)
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils missing")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    for words in (
        "重点工作台账",
        "机构改革",
        "召开改革动员会议",
        "动员会纪要.pdf",
        "机构改革全面完成",
        "制定方案",
    ):
        assert words in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)


def test_the_panel_shows_open_tasks_and_overdue_stages(region, office_staff, supervisor, liaison_a, task):
    stage_add(task=task, name="逾期阶段", actor=office_staff, planned_end=dt.date(2021, 2, 1))
    request = RequestFactory().get("/")
    request.user = supervisor
    panel = selectors.dashboard_panel(request)
    assert panel["open_count"] == 1 and [s.name for s in panel["overdue"]] == ["逾期阶段"]
    request.user = liaison_a
    assert selectors.dashboard_panel(request) is None


# ---- pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def attachment(task, office_staff):
    entry = progress_add(
        task=task,
        occurred_on=dt.date(2021, 4, 1),
        text="x",
        actor=office_staff,
        today=TODAY,
        uploads=[pdf_upload()],
    )
    return entry.attachments.get()


def task_urls(task, attachment):
    names = ("task_detail", "task_edit", "stage_add", "progress_add", "task_complete", "task_pdf")
    urls = [reverse(f"keytasks:{n}", args=[task.pk]) for n in names]
    urls.append(reverse("keytasks:stage_done", args=[task.stages.first().pk]))
    urls.append(reverse("keytasks:attachment_download", args=[attachment.pk]))
    return urls


def test_anonymous_is_sent_to_login(client, task, attachment):
    lists = [
        reverse("keytasks:task_list"),
        reverse("keytasks:task_create"),
        reverse("keytasks:task_defaults"),
    ]
    for url in [*lists, *task_urls(task, attachment)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_another_units_liaison_gets_404_on_a_task_and_403_on_the_lists(client, task, attachment, liaison_b):
    client.force_login(liaison_b)
    for url in task_urls(task, attachment):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("keytasks:task_complete", args=[task.pk]), {"confirm": "on"}).status_code == 404
    )
    assert client.get(reverse("keytasks:task_list")).status_code == 403
    assert client.post(reverse("keytasks:task_create"), {"name": "x"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "进行中"


def test_supervisor_reads_but_cannot_write(client, task, attachment, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("keytasks:task_list")).status_code == 200
    page = client.get(reverse("keytasks:task_detail", args=[task.pk]))
    assert page.status_code == 200 and "完成并归档" not in page.content.decode()
    assert client.get(reverse("keytasks:task_pdf", args=[task.pk])).status_code == 200
    assert client.get(reverse("keytasks:attachment_download", args=[attachment.pk])).status_code == 200
    for url in (
        reverse("keytasks:task_edit", args=[task.pk]),
        reverse("keytasks:stage_done", args=[task.stages.first().pk]),
        reverse("keytasks:task_complete", args=[task.pk]),
        reverse("keytasks:stage_add", args=[task.pk]),
    ):
        assert client.post(url, {"confirm": "on", "name": "x", "done_on": "2021-03-01"}).status_code == 403, (
            url
        )
    assert client.post(reverse("keytasks:progress_add", args=[task.pk]), {"text": "x"}).status_code == 403
    assert not Stage.objects.filter(done_on__isnull=False).exists() and task.stages.count() == 2


def test_staff_create_record_progress_and_complete(client, region, office_staff):
    client.force_login(office_staff)
    data = {
        "region": region.pk,
        "kind": "实名制",
        "name": "实名制管理",
        "goal": "人员信息动态更新。",
        "lead": "编办",
        "starts_on": "2021-01-01",
        "due_on": "2021-12-31",
        "stages": "信息采集\n数据核对",
    }
    response = client.post(reverse("keytasks:task_create"), data)
    task = KeyTask.objects.get()
    assert response.status_code == 302 and list(task.stages.values_list("name", flat=True)) == [
        "信息采集",
        "数据核对",
    ]
    url = reverse("keytasks:progress_add", args=[task.pk])
    response = client.post(
        url, {"occurred_on": "2021-03-01", "text": "完成信息采集。", "uploads": [pdf_upload()]}
    )
    assert response.status_code == 302 and task.entries.get().attachments.count() == 1
    refused = client.post(
        url, {"occurred_on": "2021-03-01", "text": "x", "uploads": [SimpleUploadedFile("a.pdf", b"x")]}
    )
    assert refused.status_code == 400 and "不符" in refused.content.decode()
    for stage in task.stages.order_by("order"):
        assert (
            client.post(
                reverse("keytasks:stage_done", args=[stage.pk]), {"done_on": "2021-06-01"}
            ).status_code
            == 302
        )
    complete = reverse("keytasks:task_complete", args=[task.pk])
    assert client.post(complete, {"completed_on": "2021-12-01", "results": "全部完成。"}).status_code == 400
    response = client.post(complete, {"completed_on": "2021-12-01", "results": "全部完成。", "confirm": "on"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "已完成" and task.archive_entry.dedicated_file.kind == "实名制"
    actions = set(AuditEntry.objects.filter(actor=office_staff).values_list("action", flat=True))
    assert {
        "重点工作.建立",
        "重点工作.登记进展",
        "重点工作.阶段完成",
        "重点工作.完成",
        "独立档案.归档",
    } <= actions
    page = client.get(reverse("keytasks:task_detail", args=[task.pk])).content.decode()
    assert "归入" in page and "登记进展" not in page


def test_staff_create_the_defaults_from_the_page(client, region, office_staff):
    client.force_login(office_staff)
    assert client.get(reverse("keytasks:task_defaults")).status_code == 200
    assert client.post(reverse("keytasks:task_defaults"), {"region": region.pk}).status_code == 302
    assert KeyTask.objects.count() == 4
    again = client.post(reverse("keytasks:task_defaults"), {"region": region.pk})
    assert again.status_code == 400 and "都已建立" in again.content.decode()


def test_the_list_is_searchable_filterable_and_paginated(
    client, region, office_staff, django_assert_max_num_queries
):
    for i in range(55):
        make_task(region, actor=office_staff, name=f"专项工作{i:02d}", stages=[])
    make_task(region, actor=office_staff, name="消化超编人员", kind="消化超编", stages=[])
    client.force_login(office_staff)
    page = client.get(reverse("keytasks:task_list"), {"q": "超编"}).content.decode()
    assert "消化超编人员" in page and "专项工作01" not in page
    with django_assert_max_num_queries(15):
        page = client.get(reverse("keytasks:task_list")).content.decode()
    assert "共 56 条" in page or "第 1 / 2 页" in page
    page = client.get(reverse("keytasks:task_list"), {"status": "已完成"}).content.decode()
    assert "没有符合条件的重点工作" in page


def test_a_cited_document_counts_its_key_tasks_and_entries(region, office_staff):
    from archives.services import citations

    doc = make_document(region, "漳编发〔2021〕3号", actor=office_staff)
    task = make_task(region, actor=office_staff, document_numbers=doc.number)
    progress_add(
        task=task,
        occurred_on=dt.date(2021, 2, 1),
        text="印发。",
        document_numbers=doc.number,
        actor=office_staff,
        today=TODAY,
    )
    cited = citations(doc)
    assert cited["重点工作"] == 1 and cited["工作进展"] == 1
