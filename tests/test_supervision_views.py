"""监督检查 pages: for every view the four cases — anonymous → login; another unit's liaison → 404 on unit
A's objects (403 on the office's lists); the read-only role (supervisor) → 403 on writes; the allowed role
→ the state changed and the audit row written. Also: the reporter is masked in pages and exports for a
role without ``view_reporter``, a liaison sees only their unit's questionnaire and notices, the pages
are Chinese, the list pages' queries do not grow with rows, the PDF is A4 with the CJK font embedded."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from bianzhi import roles
from bianzhi.models import AuditEntry
from bianzhi.panels import _PANELS
from supervision import services
from supervision.choices import NoticeStatus, QuestionnaireStatus, ReportStatus
from supervision.models import Notice, Report
from tests.builders.registry import make_document
from tests.builders.supervision import (
    RECEIVED,
    all_yes,
    make_inspection,
    make_notice,
    make_report,
    make_self_inspection,
    pdf_upload,
)
from tests.builders.urlwalk import data_strings, english_words, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def county(region, unit_a, unit_b, office_staff):
    report = make_report(region, unit=unit_a, actor=office_staff)
    si = make_self_inspection(region, actor=office_staff)
    qa = si.questionnaires.get(unit=unit_a)
    attachment = services.questionnaire_attach(questionnaire=qa, upload=pdf_upload(), actor=None)
    inspection = make_inspection(region, [unit_a, unit_b], actor=office_staff)
    notice = make_notice(inspection, unit_a, actor=office_staff)
    finding = services.finding_add(
        inspection=inspection, unit=unit_b, kind="其他", description="台账未更新。", actor=None
    )
    return {
        "report": report,
        "si": si,
        "qa": qa,
        "qb": si.questionnaires.get(unit=unit_b),
        "attachment": attachment,
        "inspection": inspection,
        "notice": notice,
        "finding": finding,
    }


def url(name, obj=None):
    return reverse(f"supervision:{name}", args=[obj.pk] if obj is not None else [])


OFFICE_PAGES = ["index", "report_list", "inspection_list", "settings", "statistics_export"]
OBJECT_PAGES = [
    ("report_detail", "report"),
    ("report_investigate", "report"),
    ("report_refuse", "report"),
    ("report_extend", "report"),
    ("report_close", "report"),
    ("self_detail", "si"),
    ("questionnaire_detail", "qa"),
    ("questionnaire_fill", "qa"),
    ("questionnaire_attach", "qa"),
    ("questionnaire_review", "qa"),
    ("attachment_download", "attachment"),
    ("inspection_detail", "inspection"),
    ("finding_add", "inspection"),
    ("notice_issue", "inspection"),
    ("finding_decide", "finding"),
    ("notice_detail", "notice"),
    ("notice_pdf", "notice"),
    ("evidence_add", "notice"),
    ("notice_close", "notice"),
    ("notice_reopen", "notice"),
    ("accountability_add", "notice"),
]


# ---- the four cases ---------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, county):
    login = reverse("login")
    for name in [
        *OFFICE_PAGES,
        "report_create",
        "self_list",
        "self_create",
        "inspection_create",
        "notice_list",
    ]:
        response = client.get(url(name))
        assert response.status_code == 302 and response["Location"].startswith(login), name
    for name, key in OBJECT_PAGES:
        response = client.get(url(name, county[key]))
        assert response.status_code == 302 and response["Location"].startswith(login), name
        assert client.post(url(name, county[key]), {}).status_code == 302, name


def test_another_units_liaison_gets_404_on_unit_a_and_403_on_office_lists(client, county, liaison_b):
    client.force_login(liaison_b)
    for name, key in OBJECT_PAGES:
        assert client.get(url(name, county[key])).status_code == 404, name
        assert client.post(url(name, county[key]), {}).status_code == 404, name
    for name in [*OFFICE_PAGES, "report_create", "self_create", "inspection_create", "year_archive"]:
        assert client.get(url(name)).status_code == 403, name
    # their own lists answer, with nothing of unit A
    for name in ("self_list", "notice_list"):
        response = client.get(url(name))
        assert response.status_code == 200 and "漳县财政局" not in response.content.decode(), name


WRITES = [
    ("report_investigate", "report", {"on": "2026-10-08"}),
    ("report_refuse", "report", {"on": "2026-10-08", "reason": "不属于", "confirm": "on"}),
    ("report_extend", "report", {"until": "2026-11-30", "reason": "外调"}),
    ("report_close", "report", {"on": "2026-10-08", "investigation": "查", "result": "结", "confirm": "on"}),
    ("questionnaire_review", "qa", {"decision": "accept"}),
    ("finding_add", "inspection", {"kind": "其他", "description": "问题"}),
    ("notice_issue", "inspection", {"deadline": "2099-01-01", "requirements": "改", "confirm": "on"}),
    ("finding_decide", "finding", {"decision": "confirm"}),
    ("notice_close", "notice", {"note": "同意", "confirm": "on"}),
    ("notice_reopen", "notice", {"reason": "回潮", "confirm": "on"}),
    ("accountability_add", "notice", {"person": "王某", "measure": "诫勉谈话", "decided_on": "2026-10-09"}),
    ("evidence_add", "notice", {"body": "已整改"}),
    ("questionnaire_fill", "qa", {"answer_机构": "是"}),
]


def test_the_read_only_role_reads_but_may_not_write(client, county, supervisor):
    client.force_login(supervisor)
    before = AuditEntry.objects.exclude(action__contains="打印").exclude(action="下载").count()
    for name in OFFICE_PAGES + ["self_list", "notice_list"]:
        assert client.get(url(name)).status_code == 200, name
    for name in (
        "report_detail",
        "self_detail",
        "questionnaire_detail",
        "inspection_detail",
        "notice_detail",
    ):
        key = dict(OBJECT_PAGES)[name]
        assert client.get(url(name, county[key])).status_code == 200, name
    for name, key, data in WRITES:
        assert client.post(url(name, county[key]), data).status_code == 403, name
    for name, data in (
        ("report_create", {"source": "来电"}),
        ("self_create", {"year": 2027}),
        ("inspection_create", {"kind": "专项检查"}),
        ("year_archive", {"year": 2026, "confirm": "on"}),
        ("settings", {"deadline_days": 10}),
    ):
        assert client.post(url(name), data).status_code == 403, name
    assert client.post(url("questionnaire_attach", county["qa"]), {"upload": pdf_upload()}).status_code == 403
    after = AuditEntry.objects.exclude(action__contains="打印").exclude(action="下载").count()
    assert after - before == 1  # only the export (audited as a read)
    assert Report.objects.get().status == ReportStatus.RECEIVED


def home_panels(user) -> str:
    """This app's home-page panel (registered with ``bianzhi.panels``) as drawn for ``user``."""
    request = RequestFactory().get("/")
    request.user = user
    panel = _PANELS["supervision/_dashboard.html"]
    context = panel.context(request)
    return render_to_string(panel.template, context, request=request) if context is not None else ""


def audited(action: str, actor) -> bool:
    return AuditEntry.objects.filter(action=action, actor=actor).exists()


def test_office_receives_and_closes_a_report_through_the_pages(client, county, office_staff, unit_a, region):
    client.force_login(office_staff)
    data = {
        "source": "来信",
        "received_on": "2026-09-30",
        "reporter_name": "李四",
        "reporter_contact": "0932-7654321",
        "unit": unit_a.pk,
        "matter": "超职数配备",
        "summary": "反映超职数配备副局长。",
    }
    response = client.post(url("report_create"), data)
    report = Report.objects.get(reporter_name="李四")
    assert response.status_code == 302 and response["Location"] == url("report_detail", report)
    assert report.deadline == dt.date(2026, 10, 27) and audited("监督.举报受理", office_staff)
    assert client.post(url("report_create"), data | {"reporter_name": ""}).status_code == 400
    client.post(url("report_investigate", report), {"on": "2026-10-08", "note": "调阅任职文件"})
    client.post(url("report_extend", report), {"until": "2026-11-30", "reason": "需外调"})
    make_document(region, "漳编办发〔2026〕12号", issued_on=dt.date(2026, 10, 20))
    close = {
        "on": "2026-10-21",
        "investigation": "属实",
        "result": "已责令免去超配职务",
        "answer_way": "书面",
        "answered_on": "2026-10-21",
        "documents": "漳编办发〔2026〕99号",
        "confirm": "on",
    }
    response = client.post(url("report_close", report), close)
    assert response.status_code == 400 and "没有找到文号" in response.content.decode()
    response = client.post(url("report_close", report), close | {"documents": "漳编办发〔2026〕12号"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and report.documents.get().number == "漳编办发〔2026〕12号"
    assert audited("监督.举报调查", office_staff) and audited("监督.举报延期", office_staff)
    assert audited("监督.举报办结", office_staff)
    page = client.get(url("report_detail", report)).content.decode()
    assert "李四" in page and "0932-7654321" in page and "已办结" in page


def test_settings_page_saves_and_audits(client, region, office_admin):
    client.force_login(office_admin)
    response = client.post(
        url("settings"),
        {"deadline_days": 10, "phones": "0932-12310", "show_on_home": "on", "show_on_notices": "on"},
    )
    assert response.status_code == 302 and audited("监督.设置", office_admin)
    assert "0932-12310" in client.get(url("index")).content.decode()
    assert "0932-12310" in home_panels(office_admin)


def test_self_inspection_pages(client, county, office_staff, liaison_a, liaison_b, unit_b):
    client.force_login(liaison_a)
    qa = county["qa"]
    data = {f"answer_{i}": a for i, (a, _) in all_yes().items()} | {"answer_编制": "否", "submit": "on"}
    response = client.post(url("questionnaire_fill", qa), data)
    assert response.status_code == 400 and "须说明" in response.content.decode()
    response = client.post(url("questionnaire_fill", qa), data | {"text_编制": "借调1人占编，已清退。"})
    assert response.status_code == 302
    qa.refresh_from_db()
    assert qa.status == QuestionnaireStatus.SUBMITTED and audited("监督.提交自查", liaison_a)
    # the liaison's own list: their unit only; another unit's questionnaire is 404
    assert client.get(url("questionnaire_detail", county["qb"])).status_code == 404
    assert "漳县疾病预防控制中心" not in client.get(url("self_list")).content.decode()
    assert client.post(url("questionnaire_review", qa), {"decision": "accept"}).status_code == 403
    # the office: who has not answered, 代填 with a reason, review
    client.force_login(office_staff)
    page = client.get(url("self_detail", county["si"]) + "?status=未答").content.decode()
    assert "漳县疾病预防控制中心" in page and "漳县财政局" not in visible_text(page).split("未报送")[-1]
    qb = county["qb"]
    fill = {f"answer_{i}": a for i, (a, _) in all_yes().items()} | {"submit": "on"}
    assert client.post(url("questionnaire_fill", qb), fill).status_code == 400
    client.post(url("questionnaire_fill", qb), fill | {"on_behalf_reason": "单位报送纸质自查表"})
    qb.refresh_from_db()
    assert qb.status == QuestionnaireStatus.SUBMITTED and audited("监督.代填提交自查", office_staff)
    assert client.post(url("questionnaire_review", qa), {"decision": "return"}).status_code == 400
    client.post(url("questionnaire_review", qa), {"decision": "return", "reason": "说明不清"})
    qa.refresh_from_db()
    assert qa.status == QuestionnaireStatus.RETURNED and audited("监督.自查退回", office_staff)
    response = client.post(url("self_create"), {"year": dt.date.today().year, "deadline": "2099-01-01"})
    assert response.status_code == 400 and "已经发起" in response.content.decode()
    del liaison_b


def test_liaison_sees_their_notice_and_records_evidence(client, county, office_staff, liaison_a, liaison_b):
    notice = county["notice"]
    client.force_login(liaison_b)
    assert client.get(url("notice_detail", notice)).status_code == 404
    assert notice.number not in client.get(url("notice_list")).content.decode()
    client.force_login(liaison_a)
    assert notice.number in client.get(url("notice_list")).content.decode()
    assert client.get(url("notice_pdf", notice))["Content-Type"] == "application/pdf"
    response = client.post(
        url("evidence_add", notice), {"body": "已撤销内设机构。", "upload": pdf_upload("批复.pdf")}
    )
    assert response.status_code == 302 and audited("监督.整改情况", liaison_a)
    assert notice.evidence.get().attachments.count() == 1
    assert client.post(url("notice_close", notice), {"note": "好", "confirm": "on"}).status_code == 403
    client.force_login(office_staff)
    assert client.post(url("notice_close", notice), {"note": "同意销号"}).status_code == 400  # no confirm
    assert client.post(url("notice_close", notice), {"note": "同意销号", "confirm": "on"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and audited("监督.整改销号", office_staff)


def test_inspection_pages_issue_a_notice(client, county, office_staff, unit_b):
    client.force_login(office_staff)
    inspection = county["inspection"]
    response = client.post(
        url("inspection_create"),
        {
            "kind": "专项检查",
            "year": 2026,
            "title": "专项",
            "inspected_on": "2026-10-09",
            "units": [unit_b.pk],
        },
    )
    assert response.status_code == 302 and audited("监督.登记检查", office_staff)
    data = {"unit": unit_b.pk, "deadline": "2099-01-01", "requirements": "按期整改", "confirm": "on"}
    response = client.post(url("notice_issue", inspection), data)
    notice = Notice.objects.get(unit=unit_b)
    assert response.status_code == 302 and notice.number.endswith("〕2号")
    assert audited("监督.下发整改通知书", office_staff)


# ---- confidentiality in pages and exports -------------------------------------------------------------------


def export_text(response) -> str:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


def test_reporter_is_masked_for_a_role_without_view_reporter_in_pages_and_exports(
    client, county, supervisor, monkeypatch
):
    report = county["report"]
    client.force_login(supervisor)
    assert "张三丰" in client.get(url("report_detail", report)).content.decode()
    assert "张三丰" in export_text(client.get(url("statistics_export") + "?year=2026"))
    monkeypatch.setitem(
        roles.CAPABILITIES, "view_reporter", frozenset({roles.Role.OFFICE_ADMIN, roles.Role.OFFICE_STAFF})
    )
    for page in (url("report_detail", report), url("report_list")):
        html = client.get(page).content.decode()
        assert "张三丰" not in html and "13812345678" not in html and "张**" in html
    assert "138****5678" in client.get(url("report_detail", report)).content.decode()
    text = export_text(client.get(url("statistics_export") + "?year=2026"))
    assert "张三丰" not in text and "13812345678" not in text and "张**" not in text and "举报人" not in text
    assert "举报〔2026〕1号" in text
    assert AuditEntry.objects.filter(action="监督.导出统计", after__reporter=False).exists()


def test_liaison_never_sees_reports(client, county, liaison_a):
    client.force_login(liaison_a)
    assert client.get(url("report_detail", county["report"])).status_code == 404
    assert client.get(url("report_list")).status_code == 403
    assert client.get(url("statistics_export")).status_code == 403
    home = client.get(reverse("units:dashboard")).content.decode()
    assert "张三丰" not in home and county["notice"].number in home  # their open notice on the panel


# ---- statistics, archive, panels --------------------------------------------------------------------------------


def test_statistics_page_and_year_archive(client, county, office_staff):
    client.force_login(office_staff)
    page = visible_text(client.get(url("index") + "?year=2026").content.decode())
    assert "受理举报" in page and "整改通知书" in page
    assert client.post(url("year_archive"), {"year": 2026}).status_code == 400  # no confirm
    response = client.post(url("year_archive"), {"year": 2026, "confirm": "on"})
    assert response.status_code == 302 and audited("监督.年度归档", office_staff)
    from archives.models import DedicatedEntry

    assert DedicatedEntry.objects.filter(title="2026年度机构编制监督检查统计表").exists()


def test_office_panel_on_the_home_page(client, county, office_staff):
    home = home_panels(office_staff)
    assert 'id="supervision-panel"' in home and "自查报送率" in home and "受理举报" in home


# ---- pages are Chinese; lists keep their query counts; the PDF ----------------------------------------------------


@pytest.mark.parametrize("role", ["office_admin", "supervisor", "liaison_a"])
def test_every_supervision_page_is_chinese(client, county, request, role):
    client.force_login(request.getfixturevalue(role))
    data = data_strings()
    names = [*OFFICE_PAGES, "report_create", "self_list", "self_create", "inspection_create", "notice_list"]
    urls = [url(n) for n in names if n != "statistics_export"]
    urls += [url(n, county[k]) for n, k in OBJECT_PAGES if n not in ("attachment_download", "notice_pdf")]
    english = []
    for u in urls:
        response = client.get(u)
        if response.status_code in (302,) or not response["Content-Type"].startswith("text/html"):
            continue
        if words := english_words(visible_text(response.content.decode()), data):
            english.append(f"{u}: {words}")
    assert not english


def test_list_queries_do_not_grow_with_rows(
    client, county, region, office_staff, django_assert_max_num_queries
):
    client.force_login(office_staff)
    for name in ("report_list", "notice_list", "inspection_list", "self_list"):
        client.get(url(name))
    for _ in range(5):
        make_report(region, actor=office_staff, received_on=RECEIVED)
    for name in ("report_list", "notice_list", "inspection_list", "self_list"):
        with django_assert_max_num_queries(20):
            assert client.get(url(name)).status_code == 200
    with django_assert_max_num_queries(24):
        client.get(url("self_detail", county["si"]))


def test_notice_pdf_is_a4_with_the_cjk_font_and_the_text(client, county, office_staff, tmp_path):
    services.setting_save(
        region=county["notice"].region,
        deadline_days=15,
        phones="0932-12310",
        show_on_notices=True,
        actor=office_staff,
    )
    client.force_login(office_staff)
    response = client.get(url("notice_pdf", county["notice"]))
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and "yes" in fonts  # the Noto CJK font, embedded
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    number = county["notice"].number
    assert number in text and "整改通知书" in text and "漳县财政局" in text and "0932-12310" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89" in info or "595.28 x 841.89" in info  # A4
    assert AuditEntry.objects.filter(action="监督.打印整改通知书", actor=office_staff).exists()


def test_office_writers_remaining_actions_change_state_and_audit(
    client, county, office_admin, region, unit_b
):
    client.force_login(office_admin)
    report, inspection, notice = county["report"], county["inspection"], county["notice"]
    response = client.post(url("report_refuse", report), {"on": "2026-10-08", "reason": "不属于机构编制事项"})
    assert response.status_code == 400  # the confirmation box is required
    client.post(
        url("report_refuse", report), {"on": "2026-10-08", "reason": "不属于机构编制事项", "confirm": "on"}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.REFUSED and audited("监督.举报不予受理", office_admin)
    client.post(
        url("finding_add", inspection), {"unit": unit_b.pk, "kind": "超编进人", "description": "超编1名"}
    )
    assert inspection.findings.filter(unit=unit_b, kind="超编进人").exists() and audited(
        "监督.检查问题", office_admin
    )
    finding = county["finding"]
    # as if proposed from the registry (tests/test_supervision_services.py builds a real one)
    finding.status = "待确认"
    finding.save(update_fields=["status"])
    client.post(url("finding_decide", finding), {"decision": "dismiss", "note": "经核实不属实"})
    finding.refresh_from_db()
    assert finding.status == "已排除" and audited("监督.排除问题", office_admin)
    services.evidence_add(notice=notice, body="已整改", actor=office_admin)
    services.notice_close(notice=notice, note="销号", actor=office_admin)
    client.post(url("notice_reopen", notice), {"reason": "回访发现反弹", "confirm": "on"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN and audited("监督.整改重新整改", office_admin)
    make_document(region, "漳纪发〔2026〕3号")
    data = {"person": "王某", "measure": "诫勉谈话", "decided_on": dt.date.today().isoformat()}
    assert client.post(url("accountability_add", notice), data | {"document": "无此文号"}).status_code == 400
    client.post(url("accountability_add", notice), data | {"document": "漳纪发〔2026〕3号"})
    assert notice.accountability.get().document.number == "漳纪发〔2026〕3号" and audited(
        "监督.问责", office_admin
    )
    qa = county["qa"]
    client.post(url("questionnaire_attach", qa), {"upload": pdf_upload("纸质自查表.pdf")})
    assert qa.attachments.filter(original_name="纸质自查表.pdf").exists() and audited(
        "监督.自查附件", office_admin
    )
    response = client.get(url("attachment_download", county["attachment"]))
    assert response.status_code == 200 and audited("下载", office_admin)
    client.get(url("statistics_export") + "?year=2026")
    assert audited("监督.导出统计", office_admin)
    response = client.post(url("self_create"), {"year": dt.date.today().year - 1, "deadline": "2099-01-01"})
    assert response.status_code == 302 and audited("监督.发起自查", office_admin)


def test_liaison_panel_shows_their_open_items_and_the_phone(
    county, liaison_a, liaison_b, office_staff, region
):
    services.setting_save(
        region=region, deadline_days=15, phones="0932-12310", show_to_liaisons=True, actor=office_staff
    )
    panel = home_panels(liaison_a)
    assert county["notice"].number in panel and "0932-12310" in panel and "漳县财政局" in panel
    assert county["notice"].number not in home_panels(liaison_b)
    services.setting_save(
        region=region, deadline_days=15, phones="0932-12310", show_to_liaisons=False, actor=office_staff
    )
    assert "0932-12310" not in home_panels(liaison_a)
