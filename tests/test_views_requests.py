"""核编在先 pages: 用编申请, review, 编制使用单, prints, 机构限额, the override fields and the dashboard panels.

Permission matrix (anonymous → login, other unit → 404, read-only → 403, liaison → 403 on approve), each write's
state change and audit row, double submits, query counts.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from ledgers.models import LedgerCheck
from tests.builders.registry import make_document, make_person, make_slip, make_unit, office_approver
from units import services
from units.choices import RequestStatus, SlipStatus
from units.models import EstablishmentRequest, Movement, OrganLimit, Override, Person, RequestEvent, UseSlip

TODAY = timezone.localdate()


def new_request(unit, actor, count: int = 1, **kw) -> EstablishmentRequest:
    return services.request_create(
        unit=unit,
        establishment_type=kw.pop("establishment_type", "行政编制"),
        count=count,
        reason=kw.pop("reason", "补充业务骨干"),
        entry_method="考录",
        planned_on=TODAY,
        actor=actor,
        **kw,
    )


@pytest.fixture
def person_a(unit_a):
    return make_person(unit_a, name="张三")


@pytest.fixture
def req_a(unit_a, liaison_a):
    return new_request(unit_a, liaison_a)


@pytest.fixture
def slip_a(unit_a, office_staff):
    return make_slip(unit_a, actor=office_staff)


@pytest.fixture
def objs(unit_a, person_a, req_a, slip_a):
    return {"unit": unit_a, "person": person_a, "request": req_a, "slip": slip_a}


def url_of(name: str, kind: str | None, objs: dict) -> str:
    return reverse(name, args=[objs[kind].pk]) if kind else reverse(name)


def audit_count(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


LIST_VIEWS = [("units:request_list", None), ("units:slip_list", None), ("units:late_movements", None)]
OBJECT_READS = [
    ("units:request_detail", "request"),
    ("units:slip_pdf", "slip"),
    ("units:unit_certificate", "unit"),
    ("units:person_card", "person"),
]
OBJECT_WRITES = [
    ("units:request_approve", "request"),
    ("units:request_refuse", "request"),
    ("units:request_withdraw", "request"),
    ("units:slip_void", "slip"),
]
ALL_VIEWS = (
    LIST_VIEWS + OBJECT_READS + OBJECT_WRITES + [("units:request_create", None), ("units:organ_limits", None)]
)


# ---- permission matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), ALL_VIEWS)
def test_anonymous_is_sent_to_login(client, objs, name, kind):
    url = url_of(name, kind, objs)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kind"), OBJECT_READS + OBJECT_WRITES)
def test_other_units_liaison_gets_404(client, objs, liaison_b, name, kind):
    client.force_login(liaison_b)
    before = AuditEntry.objects.count()
    url = url_of(name, kind, objs)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 404
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("name", "kind"), OBJECT_READS + OBJECT_WRITES)
def test_other_regions_office_staff_gets_404(client, objs, other_office_staff, name, kind):
    client.force_login(other_office_staff)
    assert client.get(url_of(name, kind, objs)).status_code == 404


@pytest.mark.parametrize(
    ("name", "kind"),
    [("units:request_create", None), ("units:request_withdraw", "request"), ("units:slip_void", "slip")],
)
def test_supervisor_cannot_write_except_decide(client, objs, supervisor, name, kind):
    client.force_login(supervisor)
    before = AuditEntry.objects.count()
    url = url_of(name, kind, objs)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    assert AuditEntry.objects.count() == before


def test_supervisor_may_not_set_organ_limits_but_may_read_them(client, region, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("units:organ_limits")).status_code == 200
    doc = make_document(region)
    data = {"region": region.pk, "township": "", "limit": 30, "set_on": "2021-01-01", "document": doc.pk}
    assert client.post(reverse("units:organ_limits"), data).status_code == 403
    assert not OrganLimit.objects.exists()


@pytest.mark.parametrize(
    ("name", "kind"),
    [("units:request_approve", "request"), ("units:request_refuse", "request"), ("units:slip_void", "slip")],
)
def test_liaison_cannot_approve_refuse_or_void(client, objs, liaison_a, name, kind):
    client.force_login(liaison_a)
    assert (
        client.post(url_of(name, kind, objs), {"valid_days": 90, "reason": "x", "confirm": "on"}).status_code
        == 403
    )
    assert EstablishmentRequest.objects.get(pk=objs["request"].pk).status == RequestStatus.PENDING
    assert UseSlip.objects.get(pk=objs["slip"].pk).status == SlipStatus.VALID


def test_liaison_and_partner_cannot_see_organ_limits(client, unit_a, liaison_a, partner_clerk):
    for user in (liaison_a, partner_clerk):
        client.force_login(user)
        assert client.get(reverse("units:organ_limits")).status_code == 403


def test_partner_clerk_gets_403_on_lists_and_404_on_objects(client, objs, partner_clerk):
    client.force_login(partner_clerk)
    for name, _ in LIST_VIEWS + [("units:request_create", None)]:
        assert client.get(reverse(name)).status_code == 403
    for name, kind in OBJECT_READS:
        assert client.get(url_of(name, kind, objs)).status_code == 404


def test_liaison_lists_only_their_units_requests_and_slips(client, objs, unit_b, liaison_a, liaison_b):
    other = new_request(unit_b, liaison_b, establishment_type="事业编制", reason="疾控人员补充")
    make_slip(unit_b)
    client.force_login(liaison_a)
    listing = client.get(reverse("units:request_list"))
    shown = list(listing.context["page"])
    assert objs["request"] in shown and {r.unit_id for r in shown} == {objs["unit"].pk}
    assert other.reason not in listing.content.decode()
    slips = client.get(reverse("units:slip_list")).context["page"]
    assert {s.unit_id for s in slips} == {objs["unit"].pk}


# ---- 用编申请: create ------------------------------------------------------------------------------


def create_data(unit, **kw) -> dict:
    return {
        "unit": unit.pk,
        "establishment_type": "行政编制",
        "count": 1,
        "entry_method": "招聘",
        "planned_on": (TODAY + dt.timedelta(days=30)).isoformat(),
        "reason": "财政监督岗位空缺",
        "client_token": uuid.uuid4().hex,
    } | kw


def test_liaison_requests_for_own_unit_and_double_submit_makes_one(client, unit_a, liaison_a):
    client.force_login(liaison_a)
    url = reverse("units:request_create")
    form_page = client.get(url, {"unit": unit_a.pk})
    assert form_page.status_code == 200 and form_page.context["form"]["client_token"].value()
    data = create_data(unit_a, count=2)
    first = client.post(url, data)
    req = EstablishmentRequest.objects.get(unit=unit_a, reason="财政监督岗位空缺")
    assert first.status_code == 302 and first["Location"] == reverse("units:request_detail", args=[req.pk])
    assert req.requested_by == liaison_a and req.count == 2 and req.status == RequestStatus.PENDING
    assert AuditEntry.objects.get(action="用编申请.提交", target_id=str(req.pk)).actor == liaison_a
    assert RequestEvent.objects.filter(request=req, to_status=RequestStatus.PENDING).count() == 1
    second = client.post(url, data)  # the same form submitted again (second tab, double click)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert EstablishmentRequest.objects.filter(unit=unit_a).count() == 1 and audit_count("用编申请.提交") == 1
    assert "没有重复提交" in client.get(second["Location"]).content.decode()


def test_liaison_cannot_request_for_another_unit(client, unit_a, unit_b, liaison_a):
    client.force_login(liaison_a)
    response = client.post(
        reverse("units:request_create"), create_data(unit_b, establishment_type="事业编制")
    )
    assert response.status_code == 400 and response.context["form"].errors["unit"]
    assert not EstablishmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"count": 0}, "count", "正整数"),
        ({"count": -3}, "count", "正整数"),
        ({"count": 6}, "count", "出一进一"),  # unit_a: 5 行政编制, none vacant beyond that
        ({"planned_on": "2020-01-01"}, "planned_on", "不能早于今天"),
        ({"establishment_type": "事业编制"}, None, "事业编制"),  # 混用编制
        ({"reason": ""}, "reason", ""),
    ],
)
def test_bad_requests_are_refused_with_a_message(client, unit_a, office_staff, change, field, message):
    client.force_login(office_staff)
    response = client.post(reverse("units:request_create"), create_data(unit_a, **change))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert (field in errors) if field else errors
    assert message in response.content.decode()
    assert not EstablishmentRequest.objects.exists() and audit_count("用编申请.提交") == 0


def test_full_unit_gets_a_replacement_request_for_a_named_leaver(client, region, office_staff, office_admin):
    unit = make_unit(region, "漳县统计局", quotas={"行政编制": 1})
    leaver = make_person(unit, name="老王")
    services.person_leave(person=leaver, left_on=TODAY, leave_reason="退休", actor=office_staff)
    make_person(unit, name="小李")  # the unit is full again
    client.force_login(office_staff)
    url = reverse("units:request_create")
    assert client.post(url, create_data(unit)).status_code == 400
    page = client.get(url, {"unit": unit.pk})
    assert "老王" in page.content.decode()
    response = client.post(url, create_data(unit, replacement_for=leaver.pk))
    req = EstablishmentRequest.objects.get(replacement_for=leaver)
    assert response.status_code == 302 and req.status == RequestStatus.PENDING
    client.force_login(office_admin)  # four eyes: the clerk who filed it does not approve it
    approved = client.post(reverse("units:request_approve", args=[req.pk]), {"valid_days": 30})
    assert approved.status_code == 302 and UseSlip.objects.get(request=req).is_replacement


def test_supervisor_and_partner_cannot_open_the_request_form(client, unit_a, supervisor, partner_clerk):
    for user in (supervisor, partner_clerk):
        client.force_login(user)
        assert client.get(reverse("units:request_create")).status_code == 403


# ---- review: approve, refuse, withdraw -------------------------------------------------------------------


def test_review_screen_shows_figures_history_and_decision_forms(
    client, unit_a, person_a, req_a, office_staff
):
    make_slip(unit_a)
    client.force_login(office_staff)
    response = client.get(reverse("units:request_detail", args=[req_a.pk]))
    assert response.context["figures"] == {"approved": 5, "occupied": 1, "reserved": 1, "vacancy": 3}
    html = response.content.decode()
    assert "批准并签发编制使用单" in html and "不予批准" in html and "张三" in html
    assert reverse("ledgers:unit_ledger", args=[unit_a.pk]) in html


def test_liaison_sees_review_screen_without_decision_forms(client, req_a, liaison_a):
    client.force_login(liaison_a)
    response = client.get(reverse("units:request_detail", args=[req_a.pk]))
    assert response.status_code == 200 and response.context["approve_form"] is None
    assert response.context["can_withdraw"]


@pytest.mark.parametrize("approver", ["office_staff", "supervisor"])
def test_office_role_approves_and_slips_are_issued(client, req_a, approver, request):
    user = request.getfixturevalue(approver)
    client.force_login(user)
    url = reverse("units:request_approve", args=[req_a.pk])
    assert client.get(url).status_code == 302  # GET only goes back to the review page
    response = client.post(url, {"valid_days": 60, "note": "同意"})
    assert response.status_code == 302
    req = EstablishmentRequest.objects.get(pk=req_a.pk)
    (slip,) = req.slips.all()
    assert req.status == RequestStatus.APPROVED and req.decided_by == user
    assert slip.valid_until == slip.issued_on + dt.timedelta(days=60)
    assert AuditEntry.objects.get(action="用编申请.批准", target_id=str(req.pk)).actor == user
    page = client.get(response["Location"]).content.decode()
    assert slip.number in page and reverse("units:slip_pdf", args=[slip.pk]) in page
    again = client.post(url, {"valid_days": 60})
    assert again.status_code == 400 and "当前状态为“已批准”" in again.content.decode()
    assert UseSlip.objects.filter(request=req).count() == 1 and audit_count("用编申请.批准") == 1


def test_approval_refused_when_vacancy_was_used_meanwhile(client, unit_a, liaison_a, office_staff):
    req = new_request(unit_a, liaison_a, count=5)
    make_slip(unit_a, actor=office_staff)  # another request took one of the five
    client.force_login(office_staff)
    response = client.post(reverse("units:request_approve", args=[req.pk]), {"valid_days": 90})
    assert response.status_code == 400 and "不能批准" in response.content.decode()
    assert EstablishmentRequest.objects.get(pk=req.pk).status == RequestStatus.PENDING


def test_the_filer_cannot_approve_their_own_request(client, unit_a, office_staff, office_admin):
    req = new_request(unit_a, office_staff)
    client.force_login(office_staff)
    page = client.get(reverse("units:request_detail", args=[req.pk]))
    assert page.status_code == 200 and page.context["approve_form"] is None
    response = client.post(reverse("units:request_approve", args=[req.pk]), {"valid_days": 30})
    assert response.status_code == 403
    assert "不准越权审批：申请人不能审批自己提交的用编申请。" in response.content.decode()
    req.refresh_from_db()
    assert (
        req.status == RequestStatus.PENDING and not req.slips.exists() and audit_count("用编申请.批准") == 0
    )
    client.force_login(office_admin)
    assert client.get(reverse("units:request_detail", args=[req.pk])).context["approve_form"] is not None
    assert client.post(reverse("units:request_approve", args=[req.pk]), {"valid_days": 30}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.decided_by == office_admin
    assert AuditEntry.objects.get(action="用编申请.批准").actor == office_admin


def test_bad_validity_is_refused(client, req_a, office_staff):
    client.force_login(office_staff)
    for days in (0, -5, 400):
        response = client.post(reverse("units:request_approve", args=[req_a.pk]), {"valid_days": days})
        assert response.status_code == 400 and "有效期" in response.content.decode()
    assert not UseSlip.objects.filter(request=req_a).exists()


def test_refusal_needs_a_reason(client, req_a, supervisor):
    client.force_login(supervisor)
    url = reverse("units:request_refuse", args=[req_a.pk])
    missing = client.post(url, {"reason": "  "})
    assert missing.status_code == 400 and "必须填写理由" in missing.content.decode()
    assert client.post(url, {"reason": "岗位职责可由现有人员承担"}).status_code == 302
    req = EstablishmentRequest.objects.get(pk=req_a.pk)
    assert req.status == RequestStatus.REFUSED and req.decision_note == "岗位职责可由现有人员承担"
    assert AuditEntry.objects.get(action="用编申请.不予批准").actor == supervisor


def test_requester_withdraws(client, req_a, liaison_a):
    client.force_login(liaison_a)
    response = client.post(reverse("units:request_withdraw", args=[req_a.pk]), {"reason": "计划取消"})
    assert response.status_code == 302
    assert EstablishmentRequest.objects.get(pk=req_a.pk).status == RequestStatus.WITHDRAWN
    assert AuditEntry.objects.get(action="用编申请.撤回").actor == liaison_a
    again = client.post(reverse("units:request_withdraw", args=[req_a.pk]), {})
    assert again.status_code == 400 and "已撤回" in again.content.decode()


# ---- 编制使用单 ------------------------------------------------------------------------------------


def test_slip_list_states_and_filters(client, unit_a, office_staff):
    fresh, old, used = (make_slip(unit_a, actor=office_staff) for _ in range(3))
    UseSlip.objects.filter(pk=old.pk).update(
        issued_on=TODAY - dt.timedelta(days=200), valid_until=TODAY - dt.timedelta(days=10)
    )
    make_person(unit_a, slip=used)
    client.force_login(office_staff)
    url = reverse("units:slip_list")
    states = {s.pk: state for s, state in client.get(url).context["rows"]}
    assert states == {fresh.pk: "有效", old.pk: "已过期", used.pk: "已使用"}
    assert [s.pk for s, _ in client.get(url, {"status": "已过期"}).context["rows"]] == [old.pk]
    assert [s.pk for s, _ in client.get(url, {"status": "有效"}).context["rows"]] == [fresh.pk]
    assert [s.pk for s, _ in client.get(url, {"q": fresh.number[-6:]}).context["rows"]] == [fresh.pk]


@pytest.mark.parametrize("who", ["office_staff", "liaison_a"])
def test_slip_pdf_downloads_and_is_audited(client, slip_a, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse("units:slip_pdf", args=[slip_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response["Content-Disposition"].startswith("attachment")
    assert "%E7%BC%96%E5%88%B6%E4%BD%BF%E7%94%A8%E5%8D%95" in response["Content-Disposition"]  # 编制使用单
    assert AuditEntry.objects.get(action="打印.编制使用单", target_id=str(slip_a.pk)).actor == user


def test_certificate_and_person_card_pdfs(client, unit_a, person_a, liaison_a):
    client.force_login(liaison_a)
    for name, pk, action in (
        ("units:unit_certificate", unit_a.pk, "打印.机构编制管理证"),
        ("units:person_card", person_a.pk, "打印.人员编制管理卡"),
    ):
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert AuditEntry.objects.get(action=action, target_id=str(pk)).actor == liaison_a


def test_slip_void_needs_reason_and_confirmation(client, slip_a, office_staff):
    client.force_login(office_staff)
    url = reverse("units:slip_void", args=[slip_a.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "招聘计划取消"}).status_code == 400  # not confirmed
    assert client.post(url, {"confirm": "on"}).status_code == 400  # no reason
    assert UseSlip.objects.get(pk=slip_a.pk).status == SlipStatus.VALID
    response = client.post(url, {"reason": "招聘计划取消", "confirm": "on"})
    assert response.status_code == 302
    assert UseSlip.objects.get(pk=slip_a.pk).status == SlipStatus.VOID
    assert AuditEntry.objects.get(action="编制使用单.作废").actor == office_staff
    again = client.post(url, {"reason": "再次作废", "confirm": "on"})
    assert again.status_code == 400 and "不能作废" in again.content.decode()


def test_used_slip_cannot_enter_a_second_person(client, unit_a, slip_a, office_staff):
    make_person(unit_a, slip=slip_a)
    client.force_login(office_staff)
    data = {
        "slip": slip_a.pk,
        "name": "第二人",
        "id_number": make_id("621125", dt.date(1996, 1, 2), 77),
        "establishment_type": "行政编制",
        "category": "公务员",
        "entered_on": TODAY.isoformat(),
        "duty_status": "在岗",
        "leader_post": "无",
    }
    response = client.post(reverse("units:person_enter", args=[unit_a.pk]), data)
    assert response.status_code == 400 and "已经使用、作废或过期" in response.content.decode()
    assert not Person.objects.filter(name="第二人").exists()


def test_enter_form_preselects_the_slip(client, unit_a, slip_a, office_staff):
    client.force_login(office_staff)
    form = client.get(reverse("units:person_enter", args=[unit_a.pk]), {"slip": slip_a.pk}).context["form"]
    assert form["slip"].value() == slip_a.pk and form["establishment_type"].value() == "行政编制"


# ---- override fields -----------------------------------------------------------------------------------


def test_only_the_administrator_sees_and_uses_the_override(
    client, region, unit_a, office_admin, office_staff
):
    url = reverse("units:person_enter", args=[unit_a.pk])
    doc = make_document(region, "漳编发〔2021〕99号")
    data = {
        "name": "特批人员",
        "id_number": make_id("621125", dt.date(1993, 6, 1), 88),
        "establishment_type": "行政编制",
        "category": "公务员",
        "entered_on": TODAY.isoformat(),
        "duty_status": "在岗",
        "leader_post": "无",
        "override_document": doc.pk,
        "override_reason": "县委常委会议定事项",
    }
    client.force_login(office_staff)
    assert "特批原因" not in client.get(url).content.decode()
    refused = client.post(url, data)  # the override fields are not on a staff member's form: ignored
    assert refused.status_code == 400 and "核编在先" in refused.content.decode()
    assert not Override.objects.exists()
    client.force_login(office_admin)
    assert "特批原因" in client.get(url).content.decode()
    assert (
        "特批原因"
        in client.get(reverse("units:person_transfer", args=[make_person(unit_a).pk])).content.decode()
    )
    no_reason = client.post(url, data | {"override_reason": ""})
    assert no_reason.status_code == 400 and "特批必须填写原因" in no_reason.content.decode()
    assert client.post(url, data).status_code == 302
    person = Person.objects.get(name="特批人员")
    override = Override.objects.get(person=person)
    assert override.kind == "无编制使用单入编" and override.document == doc and override.actor == office_admin
    assert AuditEntry.objects.filter(action="特批.无编制使用单入编", actor=office_admin).exists()
    dashboard = client.get(reverse("units:dashboard")).content.decode()
    assert "规则特批记录" in dashboard and "县委常委会议定事项" in dashboard and doc.number in dashboard


# ---- 机构限额 -----------------------------------------------------------------------------------------


def test_office_staff_sets_an_organ_limit(client, region, unit_a, office_staff):
    doc = make_document(region)
    client.force_login(office_staff)
    url = reverse("units:organ_limits")
    page = client.get(url)
    assert page.status_code == 200 and "县级党政机构" in page.content.decode()
    data = {"region": region.pk, "township": "", "limit": 30, "set_on": "2021-03-01"}
    assert client.post(url, data).status_code == 400  # no document
    assert client.post(url, data | {"document": doc.pk, "limit": 0}).status_code == 400
    assert client.post(url, data | {"document": doc.pk}).status_code == 302
    limit = OrganLimit.objects.get()
    assert limit.limit == 30 and limit.actor == office_staff
    assert AuditEntry.objects.get(action="机构限额.核定").actor == office_staff
    rows = client.get(url).context["rows"]
    assert rows[0]["limit"] == limit and rows[0]["count"] == 1 and rows[0]["spare"] == 29


# ---- dashboard panels ----------------------------------------------------------------------------------


def test_dashboard_panels(client, unit_a, unit_b, person_a, req_a, office_staff, liaison_b, monkeypatch):
    new_request(unit_b, liaison_b, establishment_type="事业编制")
    Movement.objects.filter(person=person_a).update(is_late=True)
    LedgerCheck.objects.create(started_at=timezone.now(), ok=False, difference_count=3)
    monkeypatch.setattr("units.selectors.pages.missing_years", lambda today=None: [2099])
    client.force_login(office_staff)
    response = client.get(reverse("units:dashboard"))
    html = response.content.decode()
    assert response.context["pending_requests"] == 2 and "待审核用编申请" in html
    assert response.context["late_count"] == 1 and reverse("units:late_movements") in html
    assert "2099年" in html and "节假日安排" in html
    assert "3 处差异" in html and reverse("ledgers:index") in html
    late = client.get(reverse("units:late_movements"))
    assert [m.person for m in late.context["page"]] == [person_a]


def test_liaison_dashboard_counts_only_their_units(
    client, unit_a, unit_b, req_a, liaison_a, liaison_b, monkeypatch
):
    new_request(unit_b, liaison_b, establishment_type="事业编制")
    monkeypatch.setattr("units.selectors.pages.missing_years", lambda today=None: [2099])
    client.force_login(liaison_a)
    response = client.get(reverse("units:dashboard"))
    assert response.context["pending_requests"] == 1
    html = response.content.decode()
    assert not response.context["show_ledger_check"] and "台账核对" not in html and "2099年" not in html


def test_unit_page_shows_reserved_and_print_buttons(client, unit_a, slip_a, liaison_a, supervisor):
    client.force_login(liaison_a)
    response = client.get(reverse("units:unit_detail", args=[unit_a.pk]))
    line = response.context["est"].types["行政编制"]
    assert (line.reserved, line.vacancy, line.available) == (1, 5, 4)
    html = response.content.decode()
    assert "打印管理证" in html and f"{reverse('units:request_create')}?unit={unit_a.pk}" in html
    assert reverse("ledgers:unit_ledger", args=[unit_a.pk]) in html and "用编申请" in html
    client.force_login(supervisor)
    assert "申请用编" not in client.get(reverse("units:unit_detail", args=[unit_a.pk])).content.decode()


# ---- query counts do not grow with rows ---------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 40])
def test_request_and_slip_lists_query_count(client, region, office_staff, django_assert_max_num_queries, n):
    units = [make_unit(region, f"单位{i}", quotas={"行政编制": 50}) for i in range(4)]
    for i in range(n):
        new_request(units[i % 4], office_staff, reason=f"理由{i}")
    req = new_request(units[0], office_staff, count=n)
    services.request_approve(request=req, actor=office_approver(region))
    for slip in UseSlip.objects.all()[:3]:
        make_person(slip.unit, slip=slip)
    client.force_login(office_staff)
    client.get(reverse("units:dashboard"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("units:request_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("units:slip_list")).status_code == 200
