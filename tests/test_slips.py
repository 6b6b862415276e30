"""核编在先: 用编申请 → 审核 → 编制使用单 → 入编, refusals and the administrator's override."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from tests.builders.registry import make_document, make_person, make_unit, office_approver
from units import services
from units.models import EstablishmentRequest, Override, Person, UseSlip

TODAY = dt.date.today()


def ask(unit, actor, count=1, etype="行政编制", **kw):
    return services.request_create(
        unit=unit,
        establishment_type=etype,
        count=count,
        reason="工作需要",
        entry_method="考录",
        planned_on=TODAY,
        actor=actor,
        **kw,
    )


def approve(request, **kw):
    """Approved by a second office user of the region (four eyes: the filer never approves)."""
    return services.request_approve(request=request, actor=office_approver(request.unit.region), **kw)


def enter(unit, slip, actor=None, seq=1, etype="行政编制", **kw):
    return services.person_enter(
        unit=unit,
        name=f"新人{seq}",
        id_number=make_id("621125", dt.date(1995, 1, 1), seq),
        establishment_type=etype,
        category="公务员",
        entered_on=TODAY,
        actor=actor,
        slip=slip,
        **kw,
    )


@pytest.fixture
def small(region):
    return make_unit(region, "漳县审计局", quotas={"行政编制": 3}, posts={"单位正职": 1})


def test_request_approve_enter(small, liaison_a, office_staff, unit_a):
    unit = unit_a
    req = ask(unit, liaison_a, count=2)
    assert req.status == "待审核" and req.events.count() == 1
    slips = services.request_approve(request=req, actor=office_staff)
    assert len(slips) == 2 and slips[0].number.startswith("漳编使〔") and slips[0].valid_until > TODAY
    assert services.reserved(unit.pk, "行政编制") == 2
    person = enter(unit, slips[0], office_staff)
    slip = UseSlip.objects.get(pk=slips[0].pk)
    assert slip.status == "已使用" and slip.person == person and person.entry_doc_number == slip.number
    assert services.reserved(unit.pk, "行政编制") == 1
    assert AuditEntry.objects.filter(action="用编申请.批准").exists()


def test_slip_is_used_once(small, office_staff):
    (slip,) = approve(ask(small, office_staff))
    enter(small, slip, office_staff, seq=1)
    with pytest.raises(ValidationError, match="已经使用过"):
        enter(small, slip, office_staff, seq=2)
    assert small.people.count() == 1


def test_foreign_wrong_type_expired_and_void_slips_refused(small, unit_a, office_staff):
    (slip,) = approve(ask(unit_a, office_staff))
    with pytest.raises(ValidationError, match="不能用于"):
        enter(small, slip, office_staff)
    (slip2,) = approve(ask(small, office_staff))
    UseSlip.objects.filter(pk=slip2.pk).update(
        issued_on=TODAY - dt.timedelta(days=100), valid_until=TODAY - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="过期"):
        enter(small, slip2, office_staff)
    (slip3,) = approve(ask(small, office_staff))
    services.slip_void(slip=slip3, actor=office_staff, reason="招聘取消")
    with pytest.raises(ValidationError, match="已作废"):
        enter(small, slip3, office_staff)
    assert not Person.objects.filter(unit=small).exists()


def test_no_slip_beyond_vacancy(small, office_staff):
    ask(small, office_staff, count=3)
    with pytest.raises(ValidationError, match="出一进一"):
        ask(small, office_staff, count=4)
    approve(ask(small, office_staff, count=3))
    with pytest.raises(ValidationError, match="空编0名"):
        ask(small, office_staff, count=1)


def test_approval_recounts_vacancy(small, office_staff):
    first, second = ask(small, office_staff, count=2), ask(small, office_staff, count=2)
    approve(first)
    with pytest.raises(ValidationError, match="不能批准"):
        approve(second)
    assert EstablishmentRequest.objects.get(pk=second.pk).status == "待审核"


def test_reserved_slots_are_not_vacant_for_others(region, office_staff):
    unit = make_unit(region, quotas={"行政编制": 1})
    approve(ask(unit, office_staff))
    with pytest.raises(ValidationError, match="空编0名"):
        make_person(unit)  # no second slip
    assert services.vacancy(unit, "行政编制") == 0
    with pytest.raises(ValidationError, match="另有1名已由编制使用单预留"), transaction.atomic():
        services.check_vacancy(unit, "行政编制")


def test_one_out_one_in_for_a_full_unit(region, office_staff):
    unit = make_unit(region, quotas={"行政编制": 1})
    leaver = make_person(unit)
    with pytest.raises(ValidationError, match="出一进一"):
        ask(unit, office_staff)
    with pytest.raises(ValidationError, match="尚未出编"):
        ask(unit, office_staff, replacement_for=leaver)
    services.person_leave(person=leaver, left_on=TODAY, leave_reason="退休", actor=office_staff)
    req = ask(unit, office_staff, replacement_for=leaver)
    with pytest.raises(ValidationError, match="已经申请过"):
        ask(unit, office_staff, replacement_for=leaver)
    (slip,) = approve(req)
    assert slip.is_replacement and enter(unit, slip, office_staff).unit == unit


def test_only_office_roles_approve(small, liaison_a, supervisor, office_staff, unit_a):
    req = ask(unit_a, liaison_a)
    with pytest.raises(PermissionDenied, match="越权"):
        services.request_approve(request=req, actor=liaison_a)
    with pytest.raises(PermissionDenied, match="本单位联络员"):
        ask(small, liaison_a)
    services.request_approve(request=req, actor=supervisor)
    with pytest.raises(ValidationError, match="不能改为"):
        services.request_approve(request=req, actor=office_staff)


def test_refusal_needs_reason_and_withdrawal(small, office_staff, liaison_a, unit_a):
    req = ask(small, office_staff)
    with pytest.raises(ValidationError, match="理由"):
        services.request_refuse(request=req, actor=office_staff, reason=" ")
    services.request_refuse(request=req, actor=office_staff, reason="编制已另有安排")
    assert EstablishmentRequest.objects.get(pk=req.pk).status == "不予批准"
    mine = ask(unit_a, liaison_a)
    services.request_withdraw(request=mine, actor=liaison_a)
    assert [e.to_status for e in mine.events.all()] == ["待审核", "已撤回"]


def test_bad_counts_and_dates(small, office_staff):
    for count in (0, -1):
        with pytest.raises(ValidationError, match="正整数"):
            ask(small, office_staff, count=count)
    with pytest.raises(ValidationError, match="早于今天"):
        services.request_create(
            unit=small,
            establishment_type="行政编制",
            count=1,
            reason="x",
            entry_method="考录",
            planned_on=TODAY - dt.timedelta(days=1),
            actor=office_staff,
        )
    with pytest.raises(ValidationError, match="混用编制"):
        ask(small, office_staff, etype="事业编制")


def test_double_submission_is_idempotent(small, office_staff):
    a = ask(small, office_staff, client_token="tab-1")
    b = ask(small, office_staff, client_token="tab-1")
    assert a.pk == b.pk and EstablishmentRequest.objects.count() == 1


def test_transfer_needs_receiving_slip(small, unit_a, office_staff):
    person = make_person(unit_a)
    (slip,) = approve(ask(small, office_staff))
    services.person_transfer(
        person=person,
        to_unit=small,
        establishment_type="行政编制",
        occurred_on=TODAY,
        actor=office_staff,
        slip=slip,
    )
    assert UseSlip.objects.get(pk=slip.pk).person == person


def test_override_only_by_admin_with_document(region, office_staff, office_admin):
    unit = make_unit(region, quotas={"行政编制": 1})
    make_person(unit)
    doc = make_document(region)
    with pytest.raises(PermissionDenied, match="管理员"):
        enter(unit, None, office_staff, override_document=doc, override_reason="县委决定")
    with pytest.raises(ValidationError, match="批准文件"):
        enter(unit, None, office_admin, override_document=None, override_reason="县委决定")
    person = enter(unit, None, office_admin, override_document=doc, override_reason="县委常委会议定")
    assert {o.kind for o in Override.objects.all()} == {"无编制使用单入编", "超编进人"}
    assert {(o.person, o.document) for o in Override.objects.all()} == {(person, doc)}
    assert AuditEntry.objects.filter(action="特批.超编进人").exists()
