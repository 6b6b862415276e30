"""Comparison pages: the permission matrix, each write's state and audit row, query counts, exports."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bianzhi.lib.idnumbers import make_id, mask_id
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from jobs.models import Job, JobStatus
from tests.builders.findings import PDF, csv_upload, run_finance, verification_objects
from tests.builders.registry import make_person, make_unit, make_user
from units.choices import Nature
from units.models import UnitAlias
from verification.findings.models import ComparisonRun, Finding, FindingStatus, PartnerUpload, UploadStatus
from verification.findings.services import comparison_run, finding_share, partner_upload

LIST_VIEWS = ["verification:index", "verification:finding_list", "verification:finding_export"]
OFFICE_LIST_VIEWS = ["verification:run_list", "verification:unmatched"]
OBJECT_VIEWS = [
    ("verification:upload_detail", "upload"),
    ("verification:run_detail", "run"),
    ("verification:run_download", "run"),
    ("verification:finding_detail", "finding"),
    ("verification:attachment_download", "attachment"),
]
OBJECT_WRITES = [("verification:finding_answer", "finding"), ("verification:finding_decide", "finding")]
WRITES = ["verification:upload_create", "verification:run_create", "verification:alias_add"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def objs(unit_a):
    return verification_objects(unit_a)


@pytest.fixture
def partner_si(region):
    user = make_user("partner_si", Role.PARTNER, regions=[region], full_name="人社经办")
    user.profile.department = "漳县人力资源和社会保障局"
    user.profile.save()
    return user


def url(name: str, kind: str | None = None, objs: dict | None = None) -> str:
    return reverse(name, args=[objs[kind].pk]) if kind else reverse(name)


def sheets(data: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# ---- permission matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [(n, None) for n in LIST_VIEWS + OFFICE_LIST_VIEWS + WRITES] + OBJECT_VIEWS + OBJECT_WRITES,
)
def test_anonymous_is_sent_to_login(client, objs, name, kind):
    target = url(name, kind, objs)
    for response in (client.get(target), client.post(target, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kind"), OBJECT_VIEWS + OBJECT_WRITES)
def test_other_units_liaison_and_other_region_get_404(
    client, objs, liaison_b, other_office_staff, name, kind
):
    for user in (liaison_b, other_office_staff):
        client.force_login(user)
        assert client.get(url(name, kind, objs)).status_code == 404
        # an upload page refuses a user without its capability before the body is read (issue 13)
        refused = 403 if name == "verification:finding_answer" and user == other_office_staff else 404
        assert client.post(url(name, kind, objs), {}).status_code == refused


@pytest.mark.parametrize("name", OFFICE_LIST_VIEWS + ["verification:upload_create"])
def test_liaison_cannot_open_office_pages(client, objs, liaison_a, name):
    client.force_login(liaison_a)
    assert client.get(url(name)).status_code == 403


def test_partner_without_a_department_source_sees_nothing(client, objs, partner_clerk):
    client.force_login(partner_clerk)
    for name in LIST_VIEWS + OFFICE_LIST_VIEWS + ["verification:upload_create"]:
        assert client.get(url(name)).status_code == 403, name
    assert client.get(url("verification:finding_detail", "finding", objs)).status_code == 404


def test_supervisor_reads_but_never_writes(client, objs, supervisor):
    client.force_login(supervisor)
    for name in LIST_VIEWS + OFFICE_LIST_VIEWS:
        assert client.get(url(name)).status_code == 200, name
    for name, kind in OBJECT_VIEWS:
        assert client.get(url(name, kind, objs)).status_code == 200, name
    before = AuditEntry.objects.exclude(action__in=["比对问题.导出", "比对结果.下载"]).count()
    for name in WRITES:
        assert client.post(url(name), {"region": objs["run"].region_id}).status_code == 403, name
    assert client.get(url("verification:upload_create")).status_code == 403
    decide = url("verification:finding_decide", "finding", objs)
    assert client.post(decide, {"decision": "已整改"}).status_code == 403
    assert AuditEntry.objects.exclude(action__in=["比对问题.导出", "比对结果.下载"]).count() == before
    assert Finding.objects.get().status == FindingStatus.EXPLAINED


def test_liaison_sees_only_their_units_findings(client, region, unit_a, unit_b, objs, liaison_a, liaison_b):
    make_person(unit_b, name="李四")
    run_finance(region, objs["run"].actor)
    client.force_login(liaison_a)
    assert client.get(url("verification:index")).status_code == 302
    page = client.get(url("verification:finding_list")).content.decode()
    assert unit_a.name in page and "李四" not in page
    assert client.get(url("verification:finding_detail", "finding", objs)).status_code == 200
    assert client.get(url("verification:attachment_download", "attachment", objs)).status_code == 200
    assert client.get(url("verification:finding_export")).status_code == 403
    client.force_login(liaison_b)
    page = client.get(url("verification:finding_list")).content.decode()
    assert "李四" in page and objs["finding"].person_name not in page


def test_partner_sees_their_uploads_and_findings_on_their_source_but_not_confidential_units(
    client, region, unit_a, objs, partner_si
):
    secret = make_unit(region, "漳县保密单位")
    secret.is_confidential = True
    secret.save()
    make_person(unit_a, name="赵五")
    make_person(secret, name="钱六")
    client.force_login(partner_si)
    response = client.post(
        url("verification:upload_create"), {"source": "si", "region": region.pk, "file": csv_upload("si", [])}
    )
    assert response.status_code == 302
    staff = objs["run"].actor
    comparison_run(region=region, actor=staff)
    page = client.get(url("verification:finding_list")).content.decode()
    # register people missing from the partner's data stay with the office until it shares them
    assert "赵五" not in page and "钱六" not in page and ">实名制在编、未正常参保</a>" not in page
    found = Finding.objects.get(person_name="赵五", code="REG_NOT_IN_SI")
    assert client.get(reverse("verification:finding_detail", args=[found.pk])).status_code == 404
    for finding in Finding.objects.filter(code="REG_NOT_IN_SI"):
        finding_share(finding=finding, actor=staff)
    page = client.get(url("verification:finding_list")).content.decode()
    assert "赵五" in page and "钱六" not in page
    assert ">实名制在编、财政供养名单无</a>" not in page and ">实名制在编、未正常参保</a>" in page
    assert client.get(url("verification:finding_detail", "finding", objs)).status_code == 404  # finance
    assert client.get(url("verification:upload_detail", "upload", objs)).status_code == 404  # finance upload
    assert client.get(url("verification:run_detail", "run", objs)).status_code == 404
    assert client.get(reverse("units:unit_list")).status_code == 403
    detail = client.get(reverse("verification:finding_detail", args=[found.pk])).content.decode()
    assert mask_id(found.id_number) in detail and found.id_number not in detail


# ---- uploads -----------------------------------------------------------------------------------------


def test_upload_with_row_errors_shows_them_and_keeps_nothing_valid(client, region, office_staff):
    client.force_login(office_staff)
    rows = [{"姓名": "张三", "公民身份号码": "1", "参保单位名称": "", "参保状态": "在缴"}]
    response = client.post(
        url("verification:upload_create"),
        {"source": "si", "region": region.pk, "file": csv_upload("si", rows)},
    )
    upload = PartnerUpload.objects.get()
    assert response.status_code == 302 and upload.status == UploadStatus.INVALID
    page = client.get(response["Location"]).content.decode()
    assert "参保单位名称" in page and "不能为空" in page and "未通过校验" in page
    assert not PartnerUpload.objects.filter(status=UploadStatus.VALID).exists()
    errors = client.get(reverse("verification:upload_errors", args=[upload.pk]))
    book = sheets(content(errors))
    assert [book["错误清单"][1][0], int(book["错误清单"][1][1]), book["错误清单"][1][2]] == [
        "Sheet1",
        2,
        "参保单位名称",
    ]
    assert AuditEntry.objects.filter(action="比对数据.上传", after__status="未通过校验").exists()


def test_unreadable_upload_is_refused_on_the_form(client, region, office_staff):
    client.force_login(office_staff)
    fake = SimpleUploadedFile("data.xlsx", b"not a workbook")
    response = client.post(
        url("verification:upload_create"), {"source": "org", "region": region.pk, "file": fake}
    )
    assert response.status_code == 400 and "工作簿" in response.content.decode()
    assert not PartnerUpload.objects.exists()


def test_upload_preview_masks_ids_for_the_supervisor(client, region, unit_a, office_staff, supervisor):
    person = make_person(unit_a)
    upload = partner_upload(
        region=region,
        source="finance",
        upload=csv_upload(
            "finance", [{"姓名": person.name, "公民身份号码": person.id_number, "单位名称": "x"}]
        ),
        actor=office_staff,
    )
    client.force_login(office_staff)
    assert (
        person.id_number
        in client.get(reverse("verification:upload_detail", args=[upload.pk])).content.decode()
    )
    client.force_login(supervisor)
    page = client.get(reverse("verification:upload_detail", args=[upload.pk])).content.decode()
    assert person.id_number not in page and mask_id(person.id_number) in page


# ---- runs --------------------------------------------------------------------------------------------


def test_rerun_through_the_page_shows_new_still_open_and_gone(
    client, settings, region, unit_a, unit_b, office_staff
):
    settings.JOBS_EAGER = (
        True  # the page queues a job; here it runs at once (tests/test_jobs_*.py: the queue)
    )
    p1, p2 = make_person(unit_a), make_person(unit_b)
    client.force_login(office_staff)
    run1 = run_finance(region, office_staff)
    stranger = {
        "姓名": "王某",
        "公民身份号码": make_id("621125", dt.date(1985, 1, 1), 77),
        "单位名称": unit_a.name,
    }
    partner_upload(
        region=region,
        source="finance",
        upload=csv_upload(
            "finance", [{"姓名": p1.name, "公民身份号码": p1.id_number, "单位名称": unit_a.name}, stranger]
        ),
        actor=office_staff,
    )
    response = client.post(url("verification:run_create"), {"region": region.pk})
    run2 = ComparisonRun.objects.exclude(pk=run1.pk).get()
    job = Job.objects.get(kind="verification.compare")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.owner == office_staff and job.region == region
    assert job.result_url == reverse("verification:run_detail", args=[run2.pk])
    assert job.message == "比对完成：共 2 个问题，新增 1 个，消失 1 个。"
    job_page = client.get(response["Location"]).content.decode()
    assert "查看结果" in job_page and job.result_url in job_page and job.message in job_page
    assert AuditEntry.objects.filter(action="比对.运行", actor=office_staff).count() == 2
    list_url = url("verification:finding_list")
    new = client.get(list_url, {"presence": "new"}).content.decode()
    assert "王某" in new and p2.name not in new
    still = client.get(list_url, {"presence": "open"}).content.decode()
    assert p2.name in still and "王某" not in still and p1.name not in still
    gone = client.get(list_url, {"presence": "gone"}).content.decode()
    assert p1.name in gone and p2.name not in gone
    detail = client.get(reverse("verification:run_detail", args=[run2.pk])).content.decode()
    assert "财政供养、实名制无" in detail and "最近一次" in detail


def test_run_result_download_is_audited(client, objs, office_staff):
    client.force_login(office_staff)
    response = client.get(url("verification:run_download", "run", objs))
    assert response.status_code == 200
    assert "附件4 事业单位" in sheets(content(response))
    assert AuditEntry.objects.filter(action="比对结果.下载", actor=office_staff).exists()


# ---- findings: list, export, answer, decide ----------------------------------------------------------


def test_filters_and_counts(client, region, unit_a, unit_b, office_staff):
    make_person(unit_a, name="张三")
    make_person(unit_b, name="李四")
    run_finance(
        region, office_staff, extra_rows=[{"姓名": "王五", "公民身份号码": "123", "单位名称": "某单位"}]
    )
    client.force_login(office_staff)
    list_url = url("verification:finding_list")
    page = client.get(list_url).content.decode()
    assert "实名制在编、财政供养名单无 <b>2</b>" in page and "张三" in page and "李四" in page
    page = client.get(list_url, {"unit": "疾病"}).content.decode()
    assert "李四" in page and "张三" not in page
    page = client.get(list_url, {"code": "INVALID_ID"}).content.decode()
    assert "王五" in page and "张三" not in page
    page = client.get(list_url, {"status": "已说明"}).content.decode()
    assert "没有符合条件的问题" in page
    page = client.get(list_url, {"source": "register"}).content.decode()
    assert "没有符合条件的问题" in page


def test_export_of_the_filtered_list_is_audited_and_signed(client, region, unit_a, unit_b, office_staff):
    make_person(unit_a, name="张三")
    make_person(unit_b, name="李四")
    run_finance(region, office_staff)
    client.force_login(office_staff)
    response = client.get(url("verification:finding_export"), {"unit": "财政"})
    book = sheets(response.content)
    assert (
        book["问题清单"][0][:3] == ["问题代码", "问题类型", "数据来源"] and book["问题清单"][0][-1] == "状态"
    )
    assert [r[4] for r in book["问题清单"][1:]] == ["张三"]
    assert book["导出说明"][0] == ["导出人", "李编办"]
    entry = AuditEntry.objects.get(action="比对问题.导出")
    assert entry.actor == office_staff and entry.after["filters"] == {"unit": "财政"}


@pytest.mark.parametrize("n", [10, 60])
def test_finding_list_queries_do_not_grow(client, region, office_staff, n, django_assert_max_num_queries):
    big = make_unit(region, "漳县第一中学", nature=Nature.PUBLIC_INSTITUTION, quotas={"事业编制": 100})
    liaison = make_user("liaison_big", Role.LIAISON, units=[big])
    for _ in range(n):
        make_person(big)
    run_finance(region, office_staff)
    assert Finding.objects.count() == n
    for user in (office_staff, liaison):
        client.force_login(user)
        with django_assert_max_num_queries(10):
            response = client.get(url("verification:finding_list"), {"presence": "new", "township": "县直"})
        assert response.status_code == 200 and response.content.decode().count(
            'badge-danger">本次新增'
        ) == min(n, 50)


def test_liaison_answers_with_a_pdf_and_the_office_accepts(
    client, region, unit_a, office_staff, liaison_a, liaison_b
):
    make_person(unit_a)
    run_finance(region, office_staff)
    finding = Finding.objects.get()
    client.force_login(liaison_a)
    answer_url = reverse("verification:finding_answer", args=[finding.pk])
    fake = SimpleUploadedFile("批复.pdf", b"this is text")
    response = client.post(answer_url, {"text": "已补录", "files": [fake]})
    assert response.status_code == 400 and "不符" in response.content.decode()
    response = client.post(answer_url, {"text": "已补录", "files": [SimpleUploadedFile("批复.pdf", PDF)]})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.EXPLAINED
    assert AuditEntry.objects.filter(action="比对问题.答复", actor=liaison_a).exists()
    attachment = finding.answers.get().attachments.get()
    download = client.get(reverse("verification:attachment_download", args=[attachment.pk]))
    assert content(download) == PDF
    client.force_login(office_staff)
    assert (
        client.post(reverse("verification:finding_answer", args=[finding.pk]), {"text": "x"}).status_code
        == 403
    )
    page = client.get(reverse("verification:finding_detail", args=[finding.pk])).content.decode()
    assert "已补录" in page and "批复.pdf" in page and "编办审核" in page
    decide = reverse("verification:finding_decide", args=[finding.pk])
    assert client.post(decide, {"decision": "已整改"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FIXED
    assert AuditEntry.objects.filter(action="比对问题.审核", actor=office_staff).exists()


def test_office_returns_an_answer_with_a_note(client, objs, office_staff):
    finding = objs["finding"]
    client.force_login(office_staff)
    decide = reverse("verification:finding_decide", args=[finding.pk])
    assert client.post(decide, {"decision": "return", "note": ""}).status_code == 400
    assert client.post(decide, {"decision": "return", "note": "请附财政批复"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    answer = finding.answers.get()
    assert answer.decision == "退回" and answer.decision_note == "请附财政批复"
    page = client.get(reverse("verification:finding_detail", args=[finding.pk])).content.decode()
    assert "请附财政批复" in page and "已退回" in page


# ---- unit matching -----------------------------------------------------------------------------------


def test_alias_in_one_click_then_rerun_clears_unit_unknown(
    client, settings, region, unit_a, office_staff, supervisor
):
    settings.JOBS_EAGER = True  # the rerun below is a job run at once
    person = make_person(unit_a)
    rows = [{"姓名": person.name, "公民身份号码": person.id_number, "单位名称": "县财政局"}]
    run = run_finance(region, office_staff, extra_rows=rows)
    client.force_login(supervisor)
    page = client.get(url("verification:unmatched")).content.decode()
    assert "县财政局" in page and unit_a.name in page and "添加为其他名称" not in page
    form = {"run": run.pk, "source": "finance", "name": "县财政局", "unit": unit_a.pk}
    assert client.post(url("verification:alias_add"), form).status_code == 403
    client.force_login(office_staff)
    page = client.get(url("verification:unmatched")).content.decode()
    assert "添加为其他名称" in page and "重新比对" in page
    assert client.post(url("verification:alias_add"), form | {"name": "别的名字"}).status_code == 404
    response = client.post(url("verification:alias_add"), form)
    assert response.status_code == 302
    assert UnitAlias.objects.filter(unit=unit_a, name="县财政局").exists()
    assert AuditEntry.objects.filter(action="机构.添加其他名称", actor=office_staff).exists()
    assert "已添加为" in client.get(url("verification:unmatched")).content.decode()
    client.post(url("verification:run_create"), {"region": region.pk})
    latest = ComparisonRun.objects.first()
    assert latest.pk != run.pk
    assert not Finding.objects.filter(code="UNIT_UNKNOWN", last_run=latest).exists()
    assert "部门数据的单位全部匹配" in client.get(url("verification:unmatched")).content.decode()


def test_township_choices_come_from_the_units_in_scope(client, region, other_region, unit_a, office_staff):
    make_unit(region, "大草滩镇人民政府", township="大草滩镇")
    make_unit(region, "石川镇卫生院", nature=Nature.PUBLIC_INSTITUTION, township="石川镇")
    make_unit(other_region, "安定区某镇政府", township="外区镇")
    mine = make_unit(region, "四族镇人民政府", township="四族镇")
    liaison = make_user("liaison_town", Role.LIAISON, units=[mine])
    options = {}
    for user in (office_staff, liaison):
        client.force_login(user)
        page = client.get(url("verification:finding_list")).content.decode()
        datalist = page[page.index('<datalist id="townships">') : page.index("</datalist>")]
        options[user.username] = datalist
    assert all(t in options["staff1"] for t in ("大草滩镇", "石川镇", "四族镇"))
    assert "外区镇" not in options["staff1"]  # another region's township
    assert "四族镇" in options["liaison_town"] and "大草滩镇" not in options["liaison_town"]


@pytest.mark.parametrize("presence", ["", "new", "gone"])
def test_finding_list_names_region_ids_not_a_subquery(
    client, region, other_region, unit_a, office_staff, presence
):
    """A province has 150,000 findings: ``region_id IN (SELECT …)`` (or an OR over every region of the
    system) kept the databases off the region-first indexes, so every page read and sorted them all."""
    make_person(unit_a)
    run_finance(region, office_staff)
    run_finance(other_region, make_user("other_staff", Role.OFFICE_STAFF, regions=[other_region]))
    client.force_login(office_staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("verification:finding_list"), {"presence": presence})
    assert response.status_code == 200 and "实名制在编、财政供养名单无" in response.content.decode()
    finding_sql = [q["sql"] for q in ctx.captured_queries if 'FROM "verification_finding"' in q["sql"]]
    assert finding_sql and not [sql for sql in finding_sql if "(SELECT" in sql]
    assert not [sql for sql in finding_sql if f'"region_id" = {other_region.pk} ' in sql]


# ---- finding types by their Chinese names (issue 12, point 7) ---------------------------------------

CODE_RE = re.compile(r"[A-Z]{2,}_[A-Z_]+")


def visible(html: str) -> str:
    """What a user reads: the text and the tooltips, not the tags, links or option values."""
    titles = " ".join(re.findall(r'title="([^"]*)"', html))
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html) + " " + titles


def test_pages_show_finding_types_by_their_chinese_names_only(client, region, unit_a, office_staff):
    make_person(unit_a, name="张三")
    run = run_finance(
        region, office_staff, extra_rows=[{"姓名": "王五", "公民身份号码": "123", "单位名称": "某单位"}]
    )
    finding = Finding.objects.get(person_name="张三")
    client.force_login(office_staff)
    pages = {
        "list": client.get(url("verification:finding_list")),
        "list by type": client.get(url("verification:finding_list"), {"code": "INVALID_ID"}),
        "detail": client.get(reverse("verification:finding_detail", args=[finding.pk])),
        "run": client.get(reverse("verification:run_detail", args=[run.pk])),
    }
    for name, response in pages.items():
        text = visible(response.content.decode())
        assert response.status_code == 200, name
        assert not CODE_RE.findall(text), (name, CODE_RE.findall(text))
    assert "实名制在编、财政供养名单无" in visible(pages["detail"].content.decode())
    for name in ("list", "run"):
        text = visible(pages[name].content.decode())
        assert "实名制在编、财政供养名单无" in text and "身份证号码无效" in text, name
    assert ">身份证号码无效</option>" in pages["list"].content.decode()  # the filter's dropdown
    book = sheets(client.get(url("verification:finding_export")).content)
    assert book["问题清单"][0][:2] == ["问题代码", "问题类型"]  # the code stays a column for scripts
    assert {"REG_NOT_IN_FIN", "INVALID_ID"} <= {r[0] for r in book["问题清单"][1:]}


def test_the_finding_type_filter_names_a_code_a_finding_or_a_name():
    from django.template import Context, Template

    finding = Finding(code="SI_NOT_IN_REG")
    rendered = Template(
        "{% load findings_tags %}{{ code|finding_type }}|{{ f|finding_type }}|{{ name|finding_type }}|{{ odd|finding_type }}"
    ).render(Context({"code": "REG_NOT_IN_FIN", "f": finding, "name": "超编", "odd": "NEW_CODE"}))
    assert rendered == "实名制在编、财政供养名单无|参保在缴、实名制无|超编|其他问题"
