"""事业单位登记管理 services (issue 14, first half): every rule and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from archives.models import DedicatedEntry
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from registration import selectors, services
from registration.models import (
    MATERIALS,
    ApplicationKind,
    ApplicationStatus,
    RecordStatus,
    RegistrationRecord,
    ReportStatus,
)
from registration.services.applications import MAX_ATTACHMENTS
from tests.builders.registration import (
    REPORT,
    attach_all,
    backdate,
    establish_data,
    file_application,
    make_institution,
    pdf_upload,
    register,
)
from tests.builders.registry import make_document, make_person, make_unit, make_user
from units.choices import Funding, Nature, UnitStatus
from units.models import Unit
from units.services.reform import merge_preview
from units.services.registry import unit_end, unit_update

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


def _entries(title_part: str):
    return DedicatedEntry.objects.filter(dedicated_file__kind="事业单位登记", title__contains=title_part)


# ---- 设立登记 -----------------------------------------------------------------------------------------


def test_establish_from_liaison_to_approval(inst, inst_liaison, office_admin):
    application = services.application_create(
        unit=inst, kind=ApplicationKind.ESTABLISH, data=establish_data(inst), actor=inst_liaison
    )
    assert application.status == ApplicationStatus.DRAFT
    assert application.record.status == RecordStatus.PENDING
    attach_all(application, inst_liaison)
    services.application_submit(application=application, actor=inst_liaison)
    services.application_approve(application=application, actor=office_admin)
    record = RegistrationRecord.objects.get(unit=inst)
    today = timezone.localdate()
    assert record.status == RecordStatus.REGISTERED
    assert record.certificate_number == "事证第621125000001号"
    assert (record.registered_on, record.valid_from) == (today, today)
    assert record.valid_to == today.replace(year=today.year + 5) - dt.timedelta(days=1)
    assert record.capital == 50 and record.legal_rep == "王主任"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.decided_at
    assert [s.to_status for s in application.steps.all()] == ["草稿", "已提交", "已核准"]
    assert all(s.at for s in application.steps.all())
    actions = set(
        AuditEntry.objects.filter(action__startswith="事业单位登记.").values_list("action", flat=True)
    )
    assert {"事业单位登记.申请", "事业单位登记.上传材料", "事业单位登记.提交", "事业单位登记.核准"} <= actions
    assert _entries("设立登记核准").count() == 1
    certificate = _entries("法人证书（正本）").get()
    assert certificate.attachment and certificate.attachment.read(4) == b"%PDF"


def test_second_certificate_number_follows(region, office_admin):
    first = register(make_institution(region), reviewer=office_admin)
    second = register(make_institution(region), reviewer=office_admin)
    assert (first.certificate_number, second.certificate_number) == (
        "事证第621125000001号",
        "事证第621125000002号",
    )


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        (
            "name",
            "漳县农业技术服务中心",
            "登记名称“漳县农业技术服务中心”与机构编制部门批准的名称“漳县农业技术推广中心”不一致",
        ),
        ("funding", Funding.SELF, "登记的经费来源“自收自支”与批准的经费形式“全额拨款”不一致"),
        ("nature", Nature.CIVIL_PI, "登记的机构性质“参公事业单位”与批准的机构性质“事业单位”不一致"),
    ],
)
def test_establish_must_follow_the_registry(inst, office_staff, field, value, said):
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            unit=inst,
            kind=ApplicationKind.ESTABLISH,
            data=establish_data(inst, **{field: value}),
            actor=office_staff,
        )
    assert any(said in m for m in exc.value.messages)
    assert any("先审批机构编制、后登记" in m for m in exc.value.messages)
    assert not RegistrationRecord.objects.exists()


def test_only_institutions_are_registered(unit_a, office_staff):
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            unit=unit_a, kind=ApplicationKind.ESTABLISH, data=establish_data(unit_a), actor=office_staff
        )
    assert "“漳县财政局”是行政机关，不属于事业单位法人登记范围" in exc.value.messages[0]


def test_a_civil_service_institution_is_registered(region, office_admin):
    unit = make_unit(region, "漳县社会保险事业管理局", nature=Nature.CIVIL_PI, credit_code="")
    record = register(unit, credit_code=_code(), reviewer=office_admin)
    assert record.status == RecordStatus.REGISTERED and record.nature == Nature.CIVIL_PI


def _code():
    from bianzhi.lib.idnumbers import make_credit_code

    return make_credit_code(99)


def test_no_founding_document_no_registration(inst, office_staff):
    Unit.objects.filter(pk=inst.pk).update(founding_document=None)
    inst.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            unit=inst, kind=ApplicationKind.ESTABLISH, data=establish_data(inst), actor=office_staff
        )
    assert "没有设立文件" in exc.value.messages[0]


def test_an_ended_unit_is_not_registered(inst, office_staff):
    unit_end(
        unit=inst,
        status=UnitStatus.ABOLISHED,
        occurred_on=dt.date(2024, 1, 2),
        document=make_document(inst.region),
        actor=office_staff,
    )
    inst.refresh_from_db()
    with pytest.raises(ValidationError, match="已撤销或合并"):
        services.application_create(
            unit=inst, kind=ApplicationKind.ESTABLISH, data=establish_data(inst), actor=office_staff
        )


def test_registered_twice_is_refused(inst, office_admin, office_staff):
    register(inst, reviewer=office_admin)
    with pytest.raises(ValidationError, match="已有登记记录"):
        services.application_create(
            unit=inst, kind=ApplicationKind.ESTABLISH, data=establish_data(inst), actor=office_staff
        )


def test_credit_code_is_checked(inst, office_staff):
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            unit=inst,
            kind=ApplicationKind.ESTABLISH,
            data=establish_data(inst, credit_code="12621125000000001X"),
            actor=office_staff,
        )
    assert "校验位错误" in str(exc.value)
    other = _code()
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            unit=inst,
            kind=ApplicationKind.ESTABLISH,
            data=establish_data(inst, credit_code=other),
            actor=office_staff,
        )
    assert f"统一社会信用代码“{other}”与机构编制台账中的“{inst.credit_code}”不一致" in exc.value.messages[0]


def test_every_missing_fact_is_listed(inst, office_staff):
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            unit=inst,
            kind=ApplicationKind.ESTABLISH,
            data={"name": inst.name, "capital": "-1"},
            actor=office_staff,
        )
    errors = exc.value.message_dict
    assert {"purpose", "address", "legal_rep", "sponsor", "capital"} <= set(errors)


@pytest.mark.parametrize("who", ["liaison_b", "supervisor", "other_office_staff", "partner_clerk"])
def test_who_may_not_file(inst, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.application_create(
            unit=inst, kind=ApplicationKind.ESTABLISH, data=establish_data(inst), actor=actor
        )


def test_the_liaison_files_only_for_their_unit(inst, region, inst_liaison):
    other = make_institution(region)
    with pytest.raises(PermissionDenied):
        services.application_create(
            unit=other, kind=ApplicationKind.ESTABLISH, data=establish_data(other), actor=inst_liaison
        )


# ---- review: 一次性告知, approval rules -------------------------------------------------------------------


def test_return_lists_every_missing_material_at_once(inst, inst_liaison, office_admin):
    application = file_application(inst, actor=inst_liaison, attach=False, submit=False)
    services.attachment_add(
        application=application,
        material=MATERIALS[ApplicationKind.ESTABLISH][0],
        upload=pdf_upload(),
        actor=inst_liaison,
    )
    services.application_submit(application=application, actor=inst_liaison)
    with pytest.raises(ValidationError) as exc:
        services.application_approve(application=application, actor=office_admin)
    for material in MATERIALS[ApplicationKind.ESTABLISH][1:]:
        assert material in exc.value.messages[0]
    services.application_return(
        application=application,
        deficient=[MATERIALS[ApplicationKind.ESTABLISH][0]],
        reasons="住所证明须为房产证或租赁合同\n章程草案须经举办单位盖章",
        actor=office_admin,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    items = application.returned_reasons
    assert [i for i in items if i.startswith("缺少材料：")] == [
        f"缺少材料：{m}" for m in MATERIALS[ApplicationKind.ESTABLISH][1:]
    ]
    assert f"材料不符合要求：{MATERIALS[ApplicationKind.ESTABLISH][0]}" in items
    assert "章程草案须经举办单位盖章" in items
    assert application.steps.last().note.count("缺少材料") == 5
    # the unit corrects everything and submits again; now it is approved
    attach_all(application, inst_liaison)
    services.application_submit(application=application, actor=inst_liaison)
    services.application_approve(application=application, actor=office_admin)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.returned_reasons == []


def test_a_return_needs_a_reason(inst, office_admin):
    application = file_application(inst)
    with pytest.raises(ValidationError, match="一次性告知"):
        services.application_return(application=application, reasons="  ", actor=office_admin)


def test_the_liaison_and_the_supervisor_do_not_review(inst, inst_liaison, supervisor):
    application = file_application(inst, actor=inst_liaison)
    for actor in (inst_liaison, supervisor):
        with pytest.raises(PermissionDenied):
            services.application_approve(application=application, actor=actor)
        with pytest.raises(PermissionDenied):
            services.application_return(application=application, reasons="不全", actor=actor)


def test_only_submitted_applications_are_decided(inst, office_admin):
    application = file_application(inst, submit=False)
    with pytest.raises(ValidationError, match="不能核准"):
        services.application_approve(application=application, actor=office_admin)
    services.application_submit(application=application, actor=office_admin)
    with pytest.raises(ValidationError, match="不能提交"):
        services.application_submit(application=application, actor=office_admin)
    with pytest.raises(ValidationError, match="不能修改"):
        services.application_update(application=application, data=establish_data(inst), actor=office_admin)
    with pytest.raises(ValidationError, match="不能再上传"):
        services.attachment_add(
            application=application,
            material=MATERIALS[ApplicationKind.ESTABLISH][0],
            upload=pdf_upload(),
            actor=office_admin,
        )


def test_a_registry_change_after_filing_is_caught_at_approval(inst, office_admin, office_staff):
    application = file_application(inst, actor=office_staff)
    unit_update(
        unit=inst, name="漳县农业技术服务中心", document=make_document(inst.region), actor=office_staff
    )
    with pytest.raises(ValidationError, match="不一致"):
        services.application_approve(application=application, actor=office_admin)


def test_materials_are_checked_and_bounded(inst, office_staff, settings):
    application = file_application(inst, actor=office_staff, attach=False, submit=False)
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            application=application,
            material=MATERIALS[ApplicationKind.ESTABLISH][0],
            upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"),
            actor=office_staff,
        )
    assert "不符" in str(exc.value)
    with pytest.raises(ValidationError, match="不是设立登记所需的材料"):
        services.attachment_add(
            application=application, material="清算报告", upload=pdf_upload(), actor=office_staff
        )
    for _ in range(MAX_ATTACHMENTS):
        services.attachment_add(
            application=application,
            material=MATERIALS[ApplicationKind.ESTABLISH][0],
            upload=pdf_upload(),
            actor=office_staff,
        )
    with pytest.raises(ValidationError, match=f"最多上传{MAX_ATTACHMENTS}个"):
        services.attachment_add(
            application=application,
            material=MATERIALS[ApplicationKind.ESTABLISH][0],
            upload=pdf_upload(),
            actor=office_staff,
        )


# ---- 变更 and 注销 --------------------------------------------------------------------------------------


def test_change_applies_to_the_record(inst, inst_liaison, office_admin):
    record = register(inst, reviewer=office_admin)
    application = file_application(
        inst,
        ApplicationKind.CHANGE,
        actor=inst_liaison,
        data={"legal_rep": "赵新", "address": "新址2号", "capital": "50.00"},
    )
    assert application.data == {"legal_rep": "赵新", "address": "新址2号"}  # the unchanged capital is dropped
    services.application_approve(application=application, actor=office_admin)
    record.refresh_from_db()
    assert (record.legal_rep, record.address, record.certificate_number) == (
        "赵新",
        "新址2号",
        "事证第621125000001号",
    )
    assert _entries("变更登记核准").count() == 1


def test_a_name_change_follows_the_registry(inst, office_admin, office_staff):
    record = register(inst, reviewer=office_admin)
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            unit=inst, kind=ApplicationKind.CHANGE, data={"name": "漳县农业技术服务中心"}, actor=office_staff
        )
    assert "与机构编制部门批准的名称“漳县农业技术推广中心”不一致" in exc.value.messages[0]
    unit_update(
        unit=inst, name="漳县农业技术服务中心", document=make_document(inst.region), actor=office_staff
    )
    application = file_application(
        inst, ApplicationKind.CHANGE, actor=office_staff, data={"name": "漳县农业技术服务中心"}
    )
    services.application_approve(application=application, actor=office_admin)
    record.refresh_from_db()
    assert record.name == "漳县农业技术服务中心"


def test_a_change_must_change_something_and_wait_its_turn(inst, office_admin, office_staff):
    register(inst, reviewer=office_admin)
    with pytest.raises(ValidationError, match="至少一项"):
        services.application_create(
            unit=inst, kind=ApplicationKind.CHANGE, data={"legal_rep": "王主任"}, actor=office_staff
        )
    file_application(
        inst, ApplicationKind.CHANGE, actor=office_staff, data={"legal_rep": "赵新"}, submit=False
    )
    with pytest.raises(ValidationError, match="未办结的登记申请"):
        services.application_create(unit=inst, kind=ApplicationKind.CANCEL, actor=office_staff)


def test_change_or_cancel_needs_a_registration(inst, office_staff):
    for kind in (ApplicationKind.CHANGE, ApplicationKind.CANCEL):
        with pytest.raises(ValidationError, match="尚未核准登记"):
            services.application_create(unit=inst, kind=kind, data={"legal_rep": "赵新"}, actor=office_staff)


def test_abolition_waits_for_the_cancellation(inst, office_admin, office_staff, region):
    record = register(inst, reviewer=office_admin)
    end = {"status": UnitStatus.ABOLISHED, "occurred_on": dt.date(2024, 1, 2), "actor": office_staff}
    with pytest.raises(ValidationError) as exc:
        unit_end(unit=inst, document=make_document(region), **end)
    assert "须先核准其注销登记，才能撤销或合并" in exc.value.messages[0]
    plan = merge_preview(
        source=inst, target=make_unit(region), document=make_document(region), people=[], actor=office_staff
    )
    assert any("注销登记" in r for r in plan.refusals)
    application = file_application(inst, ApplicationKind.CANCEL, actor=office_staff)
    services.application_approve(application=application, actor=office_admin)
    record.refresh_from_db()
    assert record.status == RecordStatus.CANCELLED and record.cancelled_on == timezone.localdate()
    assert _entries("注销登记通知书").get().attachment
    unit_end(unit=inst, document=make_document(region), **end)
    inst.refresh_from_db()
    assert inst.status == UnitStatus.ABOLISHED


def test_a_pending_registration_also_holds_the_abolition(inst, office_staff, region):
    file_application(inst, actor=office_staff, submit=False)
    with pytest.raises(ValidationError, match="未办结的设立登记申请"):
        unit_end(
            unit=inst,
            status=UnitStatus.ABOLISHED,
            occurred_on=dt.date(2024, 1, 2),
            document=make_document(region),
            actor=office_staff,
        )


def test_an_unregistered_institution_is_ended_freely(inst, office_staff, region):
    unit_end(
        unit=inst,
        status=UnitStatus.ABOLISHED,
        occurred_on=dt.date(2024, 1, 2),
        document=make_document(region),
        actor=office_staff,
    )


# ---- database constraints ----------------------------------------------------------------------------


def test_one_live_record_per_unit_and_unique_certificates(inst, region, office_admin):
    record = register(inst, reviewer=office_admin)
    fields = {
        f: getattr(record, f)
        for f in (
            "region",
            "unit",
            "name",
            "credit_code",
            "nature",
            "purpose",
            "address",
            "legal_rep",
            "capital",
            "funding",
            "sponsor",
        )
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationRecord.objects.create(**fields, status=RecordStatus.PENDING)
    other = make_institution(region)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationRecord.objects.create(
            **(fields | {"unit": other}),
            status=RecordStatus.REGISTERED,
            certificate_number=record.certificate_number,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationRecord.objects.create(
            **(fields | {"unit": other}), status=RecordStatus.REGISTERED, certificate_number=""
        )


# ---- 证书补领 --------------------------------------------------------------------------------------------


def test_reissue_is_recorded_counted_and_audited(inst, office_admin, office_staff, supervisor):
    record = register(inst, reviewer=office_admin)
    with pytest.raises(ValidationError, match="补领原因"):
        services.certificate_reissue(record=record, reason=" ", actor=office_staff)
    with pytest.raises(PermissionDenied):
        services.certificate_reissue(record=record, reason="遗失", actor=supervisor)
    services.certificate_reissue(record=record, reason="证书遗失，已登报声明作废", actor=office_staff)
    record.refresh_from_db()
    assert record.reissue_count == 1 and record.reissues.get().reason.startswith("证书遗失")
    row = AuditEntry.objects.get(action="事业单位登记.证书补领")
    assert row.reason == "证书遗失，已登报声明作废"
    assert _entries("补领").get().attachment


def test_a_cancelled_certificate_is_not_reissued(inst, office_admin):
    record = register(inst, reviewer=office_admin)
    services.application_approve(
        application=file_application(inst, ApplicationKind.CANCEL), actor=office_admin
    )
    record.refresh_from_db()
    with pytest.raises(ValidationError, match="不能补领"):
        services.certificate_reissue(record=record, reason="遗失", actor=office_admin)


# ---- 年度报告 ---------------------------------------------------------------------------------------------


@pytest.fixture
def registered(inst, office_admin):
    record = register(inst, reviewer=office_admin)
    backdate(record, dt.date(LAST - 2, 5, 1))
    return record


def test_report_filed_submitted_and_accepted(registered, inst_liaison, office_admin):
    report = services.report_save(
        record=registered, year=LAST, data={"activities": "推广新技术"}, actor=inst_liaison
    )
    assert report.status == ReportStatus.DRAFT and report.capital == registered.capital
    with pytest.raises(ValidationError) as exc:
        services.report_save(record=registered, year=LAST, data={}, submit=True, actor=inst_liaison)
    assert "年初净资产" in exc.value.messages[0] and "从业人数" in exc.value.messages[0]
    report = services.report_save(record=registered, year=LAST, data=REPORT, submit=True, actor=inst_liaison)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at
    with pytest.raises(ValidationError, match="不能修改"):
        services.report_save(record=registered, year=LAST, data=REPORT, actor=inst_liaison)
    with pytest.raises(PermissionDenied):
        services.report_accept(report=report, actor=inst_liaison)
    services.report_accept(report=report, actor=office_admin)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert _entries(f"{LAST}年度报告").count() == 1
    assert AuditEntry.objects.filter(action="事业单位登记.年度报告通过", target_id=str(report.pk)).exists()


def test_report_return_needs_a_reason_and_reopens(registered, office_admin, office_staff):
    report = services.report_save(record=registered, year=LAST, data=REPORT, submit=True, actor=office_staff)
    with pytest.raises(ValidationError, match="写明理由"):
        services.report_return(report=report, reason="", actor=office_admin)
    services.report_return(report=report, reason="年末净资产与财务报表不符", actor=office_admin)
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    report = services.report_save(
        record=registered, year=LAST, data={"net_assets_end": "131"}, submit=True, actor=office_staff
    )
    assert report.status == ReportStatus.SUBMITTED


def test_report_year_rules(registered, inst_liaison, region, office_admin):
    this_year = timezone.localdate().year
    with pytest.raises(ValidationError, match="尚未结束"):
        services.report_save(record=registered, year=this_year, data=REPORT, actor=inst_liaison)
    with pytest.raises(ValidationError, match="无须报送"):
        services.report_save(record=registered, year=LAST - 3, data=REPORT, actor=inst_liaison)
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            record=registered, year=LAST, data={"staff_count": "很多", "capital": "x"}, actor=inst_liaison
        )
    assert set(exc.value.message_dict) == {"staff_count", "capital"}


def test_deadline_default_and_set(region, office_admin, supervisor):
    assert selectors.deadline(region, LAST) == dt.date(LAST + 1, 3, 31)
    services.report_year_set(region=region, year=LAST, deadline=dt.date(LAST + 1, 4, 30), actor=office_admin)
    assert selectors.deadline(region, LAST) == dt.date(LAST + 1, 4, 30)
    with pytest.raises(ValidationError, match="结束之后"):
        services.report_year_set(region=region, year=LAST, deadline=dt.date(LAST, 12, 1), actor=office_admin)
    with pytest.raises(PermissionDenied):
        services.report_year_set(region=region, year=LAST, deadline=dt.date(LAST + 1, 4, 1), actor=supervisor)


def test_rate_and_who_has_not_filed(region, office_admin, office_staff):
    records = [register(make_institution(region), reviewer=office_admin) for _ in range(4)]
    for r in records[:3]:
        backdate(r, dt.date(LAST - 1, 1, 1))
    # records[3] registered this year: not due for last year
    first, second, _third = records[:3]
    services.report_accept(
        report=services.report_save(record=first, year=LAST, data=REPORT, submit=True, actor=office_staff),
        actor=office_admin,
    )
    services.report_save(record=second, year=LAST, data=REPORT, submit=True, actor=office_staff)
    figures = selectors.year_figures(office_admin, LAST)
    assert (figures.registered, figures.filed, figures.accepted, figures.not_filed) == (3, 2, 1, 1)
    assert figures.rate == pytest.approx(33.3)
    not_filed = selectors.year_rows(office_admin, LAST, {"state": "not_filed"})
    assert [row.record.pk for row in not_filed] == [records[2].pk]
    assert [r.record.pk for r in selectors.year_rows(office_admin, LAST, {"state": "accepted"})] == [first.pk]


def test_dashboard_figures(region, office_admin, rf, supervisor, liaison_b):
    inst = make_institution(region)
    make_institution(region)  # not registered
    record = register(inst, reviewer=office_admin)
    RegistrationRecord.objects.filter(pk=record.pk).update(
        valid_to=timezone.localdate() + dt.timedelta(days=30)
    )
    request = rf.get("/")
    request.user = supervisor
    panel = selectors.dashboard_panel(request)
    assert (panel["registered"], panel["to_register"], panel["expiring"]) == (1, 2, 1)  # unit B too
    request.user = liaison_b  # unit B's liaison sees unit B only, not registered yet
    panel = selectors.dashboard_panel(request)
    assert (panel["registered"], panel["to_register"], panel["expiring"]) == (0, 1, 0)


def test_the_person_on_payroll_does_not_matter(inst, office_admin):
    make_person(inst)
    assert register(inst, reviewer=office_admin).status == RecordStatus.REGISTERED


def test_an_approval_day_is_never_in_the_future(inst, office_admin):
    application = file_application(inst)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.application_approve(
            application=application, actor=office_admin, on=timezone.localdate() + dt.timedelta(days=1)
        )
    services.application_approve(application=application, actor=office_admin, on=dt.date(2023, 5, 4))
    record = RegistrationRecord.objects.get(unit=inst)
    assert (record.registered_on, record.valid_to) == (dt.date(2023, 5, 4), dt.date(2028, 5, 3))
