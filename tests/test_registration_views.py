"""事业单位登记管理 pages: for each, anonymous → login, another unit's liaison → 404, the read-only
supervisor → 403 on writes, the allowed role → the state changed and the audit row written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from registration import services
from registration.models import (
    MATERIALS,
    Application,
    ApplicationKind,
    ApplicationStatus,
    RecordStatus,
    RegistrationRecord,
    ReportStatus,
    ReportYear,
)
from tests.builders.registration import (
    REPORT,
    backdate,
    establish_data,
    file_application,
    make_institution,
    register,
)
from tests.builders.registry import make_user
from tests.builders.urlwalk import data_strings, english_words, visible_text

LAST = timezone.localdate().year - 1


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def inst(region):
    return make_institution(region, "漳县农业技术推广中心")


@pytest.fixture
def inst_liaison(inst):
    return make_user("liaison_njz", Role.LIAISON, units=[inst], full_name="农技中心联络员")


@pytest.fixture
def record(inst, office_admin):
    record = register(inst, reviewer=office_admin)
    backdate(record, dt.date(LAST - 1, 3, 1))
    return record


@pytest.fixture
def submitted(inst, inst_liaison):
    return file_application(inst, actor=inst_liaison)


def _audited(action: str) -> bool:
    return AuditEntry.objects.filter(action=action).exists()


def _login_redirect(client, url, method="get"):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


# ---- records -------------------------------------------------------------------------------------------


def test_record_list_and_detail(client, record, inst_liaison, liaison_b, supervisor, partner_clerk):
    url, detail = reverse("registration:record_list"), reverse("registration:record_detail", args=[record.pk])
    _login_redirect(client, url)
    _login_redirect(client, detail)
    client.force_login(supervisor)
    page = client.get(url, {"q": record.certificate_number}).content.decode()
    assert "漳县农业技术推广中心" in page and "事证第621125000001号" in page
    assert "漳县农业技术推广中心" not in client.get(url, {"q": "不存在"}).content.decode()
    assert (
        "漳县农业技术推广中心"
        not in client.get(url, {"status": "已注销"}).content.decode().split("待登记的事业单位")[0]
    )
    assert client.get(detail).status_code == 200
    client.force_login(liaison_b)
    assert "漳县农业技术推广中心" not in client.get(url).content.decode()
    assert client.get(detail).status_code == 404
    client.force_login(inst_liaison)
    assert client.get(detail).status_code == 200
    client.force_login(partner_clerk)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", ["record_certificate", "record_certificate_copy"])
def test_certificate_pdfs(client, record, inst_liaison, liaison_b, name):
    url = reverse(f"registration:{name}", args=[record.pk])
    _login_redirect(client, url)
    client.force_login(liaison_b)
    assert client.get(url).status_code == 404
    client.force_login(inst_liaison)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _audited("打印.事业单位法人证书" + ("副本" if "copy" in name else "正本"))


def test_cancel_notice_only_for_a_cancelled_record(client, record, office_admin, inst):
    url = reverse("registration:record_cancel_notice", args=[record.pk])
    client.force_login(office_admin)
    assert client.get(url).status_code == 404
    services.application_approve(
        application=file_application(inst, ApplicationKind.CANCEL), actor=office_admin
    )
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_reissue(client, record, supervisor, liaison_b, office_staff):
    url = reverse("registration:record_reissue", args=[record.pk])
    _login_redirect(client, url, "post")
    client.force_login(liaison_b)
    assert client.post(url, {"reason": "遗失", "confirm": "on"}).status_code == 404
    client.force_login(supervisor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "遗失", "confirm": "on"}).status_code == 403
    client.force_login(office_staff)
    assert client.post(url, {"reason": "遗失"}).status_code == 400  # the confirmation is required
    response = client.post(url, {"reason": "证书遗失", "confirm": "on"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.reissue_count == 1 and _audited("事业单位登记.证书补领")


# ---- applications --------------------------------------------------------------------------------------


def test_application_create(client, inst, inst_liaison, liaison_b, supervisor):
    url = reverse("registration:application_create")
    _login_redirect(client, url)
    data = {"unit": inst.pk, "kind": ApplicationKind.ESTABLISH, **establish_data(inst), "explanation": "新设"}
    client.force_login(supervisor)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    client.force_login(liaison_b)
    assert client.post(url, data).status_code == 400  # not their unit: not a choice
    client.force_login(inst_liaison)
    assert client.get(url).status_code == 200
    bad = client.post(url, data | {"name": "别的名称"})
    assert bad.status_code == 400 and "先审批机构编制、后登记" in bad.content.decode()
    response = client.post(url, data)
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/applications/{application.pk}/")
    assert application.status == ApplicationStatus.DRAFT and application.record.status == RecordStatus.PENDING
    assert _audited("事业单位登记.申请")


def test_application_list_detail_and_edit(client, inst, inst_liaison, liaison_b, supervisor, office_staff):
    application = file_application(inst, actor=inst_liaison, submit=False)
    lst = reverse("registration:application_list")
    detail = reverse("registration:application_detail", args=[application.pk])
    edit = reverse("registration:application_edit", args=[application.pk])
    _login_redirect(client, lst)
    client.force_login(liaison_b)
    assert "漳县农业技术推广中心" not in client.get(lst).content.decode()
    assert client.get(detail).status_code == 404
    assert client.post(edit, {}).status_code == 404
    client.force_login(supervisor)
    assert "漳县农业技术推广中心" in client.get(lst, {"kind": "设立登记"}).content.decode()
    assert client.get(detail).status_code == 200
    assert client.post(edit, establish_data(inst)).status_code == 403
    client.force_login(inst_liaison)
    page = client.get(detail).content.decode()
    assert "章程草案" in page and "提交审核" in page
    response = client.post(edit, establish_data(inst, legal_rep="孙主任"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.data["legal_rep"] == "孙主任" and _audited("事业单位登记.修改申请")


def test_attach_and_download(client, inst, inst_liaison, liaison_b, supervisor):
    application = file_application(inst, actor=inst_liaison, attach=False, submit=False)
    url = reverse("registration:application_attach", args=[application.pk])
    material = MATERIALS[ApplicationKind.ESTABLISH][0]

    def upload():
        return {"material": material, "upload": SimpleUploadedFile("申请书.pdf", b"%PDF-1.4\n")}

    _login_redirect(client, url, "post")
    client.force_login(supervisor)
    assert client.post(url, upload()).status_code == 403
    client.force_login(liaison_b)
    assert client.post(url, upload()).status_code == 404
    client.force_login(inst_liaison)
    bad = client.post(url, {"material": material, "upload": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert bad.status_code == 400 and "不符" in bad.content.decode()
    assert client.post(url, upload()).status_code == 302
    item = application.attachments.get()
    assert _audited("事业单位登记.上传材料")
    download = reverse("registration:attachment_download", args=[item.pk])
    client.force_login(liaison_b)
    assert client.get(download).status_code == 404
    client.force_login(inst_liaison)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="下载", after__filename="申请书.pdf").exists()


def test_submit(client, inst, inst_liaison, liaison_b, supervisor):
    application = file_application(inst, actor=inst_liaison, submit=False)
    url = reverse("registration:application_submit", args=[application.pk])
    _login_redirect(client, url, "post")
    client.force_login(liaison_b)
    assert client.post(url, {"confirm": "on"}).status_code == 404
    client.force_login(supervisor)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(inst_liaison)
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"confirm": "on"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and _audited("事业单位登记.提交")


def test_approve(client, submitted, inst_liaison, liaison_b, supervisor, office_admin):
    url = reverse("registration:application_approve", args=[submitted.pk])
    _login_redirect(client, url, "post")
    client.force_login(liaison_b)
    assert client.post(url, {"confirm": "on"}).status_code == 404
    for user in (supervisor, inst_liaison):
        client.force_login(user)
        assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(office_admin)
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"confirm": "on"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.APPROVED and _audited("事业单位登记.核准")
    assert RegistrationRecord.objects.get().status == RecordStatus.REGISTERED


def test_return(client, inst, inst_liaison, liaison_b, supervisor, office_admin):
    application = file_application(inst, actor=inst_liaison, attach=False)
    url = reverse("registration:application_return", args=[application.pk])
    _login_redirect(client, url, "post")
    client.force_login(liaison_b)
    assert client.post(url, {"reasons": "不全"}).status_code == 404
    client.force_login(supervisor)
    assert client.post(url, {"reasons": "不全"}).status_code == 403
    client.force_login(office_admin)
    assert client.post(url, {"reasons": "住所证明不清晰"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED and _audited("事业单位登记.退回")
    client.force_login(inst_liaison)
    page = client.get(reverse("registration:application_detail", args=[application.pk])).content.decode()
    assert "一次性告知" in page and "缺少材料：章程草案" in page and "住所证明不清晰" in page


# ---- annual reports ------------------------------------------------------------------------------------


def test_report_list_shows_who_has_not_filed(
    client, record, region, office_admin, supervisor, inst_liaison, partner_clerk
):
    other = register(make_institution(region, "漳县林业工作站"), reviewer=office_admin)
    backdate(other, dt.date(LAST - 1, 3, 1))
    services.report_save(record=record, year=LAST, data=REPORT, submit=True, actor=inst_liaison)
    url = reverse("registration:report_list")
    _login_redirect(client, url)
    client.force_login(supervisor)
    page = client.get(url, {"year": LAST, "state": "not_filed"}).content.decode()
    assert "漳县林业工作站" in page and "漳县农业技术推广中心" not in page
    assert "年报率" in page
    client.force_login(inst_liaison)
    page = client.get(url, {"year": LAST}).content.decode()
    assert "漳县农业技术推广中心" in page and "漳县林业工作站" not in page
    client.force_login(partner_clerk)
    assert client.get(url).status_code == 403


def test_report_fill(client, record, inst_liaison, liaison_b, supervisor):
    url = reverse("registration:report_fill", args=[record.pk, LAST])
    data = REPORT | {"submit": "on"}
    _login_redirect(client, url, "post")
    client.force_login(liaison_b)
    assert client.post(url, data).status_code == 404
    client.force_login(supervisor)
    assert client.post(url, data).status_code == 403
    client.force_login(inst_liaison)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    report = record.reports.get()
    assert report.status == ReportStatus.SUBMITTED and _audited("事业单位登记.年度报告提交")
    assert client.get(reverse("registration:report_detail", args=[report.pk])).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "state"),
    [
        ("report_accept", {"confirm": "on"}, ReportStatus.ACCEPTED),
        ("report_return", {"reason": "数据有误"}, ReportStatus.RETURNED),
    ],
)
def test_report_review(client, record, inst_liaison, liaison_b, supervisor, office_admin, name, data, state):
    report = services.report_save(record=record, year=LAST, data=REPORT, submit=True, actor=inst_liaison)
    url = reverse(f"registration:{name}", args=[report.pk])
    _login_redirect(client, url, "post")
    client.force_login(liaison_b)
    assert client.post(url, data).status_code == 404
    for user in (supervisor, inst_liaison):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    client.force_login(office_admin)
    assert client.post(url, {}).status_code == 400
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == state
    assert _audited("事业单位登记.年度报告" + ("通过" if state == ReportStatus.ACCEPTED else "退回"))


def test_report_deadline(client, region, supervisor, office_admin, inst_liaison):
    url = reverse("registration:report_year")
    data = {"year": LAST, "deadline": f"{LAST + 1}-04-30"}
    _login_redirect(client, url, "post")
    for user in (supervisor, inst_liaison):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    client.force_login(office_admin)
    assert client.post(url, data).status_code == 302
    assert ReportYear.objects.get().deadline == dt.date(LAST + 1, 4, 30)
    assert _audited("事业单位登记.年报截止日期")


# ---- the dashboard panel and the pages' language ------------------------------------------------------------


def test_dashboard_panel(rf, record, office_admin, partner_clerk, inst_liaison, liaison_a):
    """The panel registered with bianzhi.panels (the home page draws every registered panel)."""
    from django.template.loader import render_to_string

    from bianzhi.panels import _PANELS

    panel = _PANELS["registration/_dashboard.html"]

    def drawn(user):
        request = rf.get("/")
        request.user = user
        context = panel.context(request)
        return None if context is None else render_to_string(panel.template, context, request=request)

    page = drawn(office_admin)
    assert "事业单位登记管理" in page and "年报率" in page and "90天内到期证书" in page
    assert "待登记事业单位" in drawn(inst_liaison)
    assert drawn(partner_clerk) is None
    assert drawn(liaison_a) is None  # the liaison of a 行政机关: nothing to register


@pytest.mark.parametrize("role", ["office_admin", "supervisor", "inst_liaison"])
def test_pages_are_chinese(client, request, record, inst, inst_liaison, role):
    report = services.report_save(record=record, year=LAST, data=REPORT, submit=True, actor=inst_liaison)
    change = file_application(inst, ApplicationKind.CHANGE, data={"legal_rep": "赵新"}, attach=False)
    services.application_return(application=change, reasons="请补充材料", actor=None)
    client.force_login(request.getfixturevalue(role))
    urls = [
        reverse("registration:record_list"),
        reverse("registration:record_detail", args=[record.pk]),
        reverse("registration:application_list"),
        reverse("registration:application_create"),
        reverse("registration:application_detail", args=[change.pk]),
        reverse("registration:report_list"),
        reverse("registration:report_detail", args=[report.pk]),
        reverse("registration:report_fill", args=[record.pk, LAST]),
    ]
    data = data_strings()
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert not english_words(visible_text(response.content.decode()), data), url


def test_report_export(client, record, region, office_admin, supervisor, inst_liaison, liaison_b):
    other = register(make_institution(region, "漳县林业工作站"), reviewer=office_admin)
    backdate(other, dt.date(LAST - 1, 3, 1))
    services.report_save(record=record, year=LAST, data=REPORT, submit=True, actor=inst_liaison)
    url = reverse("registration:report_export")
    _login_redirect(client, url)
    for user in (inst_liaison, liaison_b):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(supervisor)
    response = client.get(url, {"year": LAST, "state": "not_filed"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    from bianzhi.lib.xlsx import read_named_sheet

    sheet = read_named_sheet(response.content, filename="a.xlsx", name="年度报告")
    names = str(sheet.header) + str(sheet.rows)
    assert "漳县林业工作站" in names and "漳县农业技术推广中心" not in names
    assert _audited("事业单位登记.导出年报情况")
