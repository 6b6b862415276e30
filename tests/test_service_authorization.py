"""The services check their caller themselves (issue 11 point 4): a call that skips the view is refused
the same way, for every role; a Document of another county is never the basis of a change; whoever filed
a 用编申请 never approves it (不准越权审批, four eyes).

Every write service is called directly as each persona of DOMAIN.md §1 — 编办管理员, 编办工作人员,
编委/编办领导 (read-only plus approvals), the unit's liaison, another unit's liaison, a partner clerk, and
an office user of another county. A refusal is a PermissionDenied with a Chinese message and writes
nothing (no audit row, the state unchanged); an allowed call changes the state and writes its audit row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from archives import services as archives
from archives.models import CatalogueClass, DedicatedEntry, DedicatedFile, Document, MinuteEntry
from archives.models import Request as ArchiveRequest
from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from ledgers import services as ledgers
from ledgers.models import UnitLedgerEntry
from tests.builders.registry import make_document, make_person, make_slip, make_unit, make_user
from units import services
from units.models import (
    EstablishmentRequest,
    LeaderPostQuota,
    OrganLimit,
    Override,
    Person,
    Quota,
    QuotaLimitEntry,
    Unit,
    UnitAlias,
    UseSlip,
)
from verification.compare.data import FINANCE
from verification.compare.engine import compare
from verification.compare.sources import SourceRows
from verification.findings.exports import findings_export, run_result_download
from verification.findings.models import ComparisonRun, Finding, FindingStatus
from verification.findings.register import load_register
from verification.findings.services import comparison_record, finding_transition

TODAY = dt.date.today()
PDF = b"%PDF-1.4\n%scan\n"
ROLES = ("admin", "staff", "leader", "liaison", "other_liaison", "partner", "other_county")
WRITERS = ("admin", "staff")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def people(office_admin, office_staff, supervisor, liaison_a, liaison_b, region, other_office_staff):
    partner = make_user("partner_fin", Role.PARTNER, regions=[region], full_name="财政局经办人")
    return {
        "admin": office_admin,
        "staff": office_staff,
        "leader": supervisor,
        "liaison": liaison_a,  # liaison of unit_a, the unit every case acts on
        "other_liaison": liaison_b,
        "partner": partner,
        "other_county": other_office_staff,
    }


@dataclass
class Case:
    """One write service: ``call(ctx, actor)`` performs it; ``probe(ctx)`` reads the state it changes;
    ``action`` is the audit action an allowed call writes."""

    call: Callable
    probe: Callable
    action: str
    allowed: tuple[str, ...] = WRITERS
    setup: Callable | None = None
    by: str = "staff"  # the allowed role whose call is checked after the refusals


def _pending(ctx, filer="liaison"):
    return services.request_create(
        unit=ctx["unit"],
        establishment_type="行政编制",
        count=1,
        reason="工作需要",
        entry_method="考录",
        planned_on=TODAY,
        actor=ctx["people"][filer],
    )


def _finding(ctx):
    rows = SourceRows(FINANCE)
    rows.add(2, "财政外人", make_id("621125", dt.date(1980, 1, 1), 901), ctx["unit"].name)
    result = compare(load_register(region=ctx["region"]), {FINANCE: rows})
    comparison_record(region=ctx["region"], result=result, sources=[FINANCE], cutoff=None, actor=None)
    return Finding.objects.filter(unit=ctx["unit"]).first() or Finding.objects.first()


def _transfer_setup(ctx):
    ctx["to_unit"] = make_unit(ctx["region"], "漳县审计局", quotas={"行政编制": 3})
    ctx["slip"] = make_slip(ctx["to_unit"])


def _reverse_setup(ctx):
    unit = ctx["unit"]
    services.quota_set(unit=unit, establishment_type="行政编制", approved=9, document=ctx["doc"], actor=None)
    ctx["entry"] = UnitLedgerEntry.objects.filter(unit=unit, establishment_type="行政编制").latest("id")


def _quota(ctx):
    return Quota.objects.get(unit=ctx["unit"], establishment_type="行政编制").approved


def _person(ctx):
    return Person.objects.values("in_establishment", "leader_post", "title", "unit_id").get(
        pk=ctx["person"].pk
    )


CASES: dict[str, Case] = {
    # ---- the registry -------------------------------------------------------------------------------
    "quota_set": Case(
        call=lambda c, a: services.quota_set(
            unit=c["unit"], establishment_type="行政编制", approved=7, document=c["doc"], actor=a
        ),
        probe=_quota,
        action="编制.调整",
    ),
    "leader_posts_set": Case(
        call=lambda c, a: services.leader_posts_set(
            unit=c["unit"], category="单位副职", approved=3, document=c["doc"], actor=a
        ),
        probe=lambda c: LeaderPostQuota.objects.get(unit=c["unit"], category="单位副职").approved,
        action="职数.调整",
    ),
    "unit_create": Case(
        call=lambda c, a: services.unit_create(
            region=c["region"],
            name="漳县新设局",
            nature="行政机关",
            system="政府",
            funding="全额拨款",
            document=c["doc"],
            actor=a,
        ),
        probe=lambda c: Unit.objects.filter(name="漳县新设局").count(),
        action="机构.设立",
    ),
    "unit_update": Case(
        call=lambda c, a: services.unit_update(unit=c["unit"], actor=a, duties="预算管理"),
        probe=lambda c: Unit.objects.get(pk=c["unit"].pk).duties,
        action="机构.变更",
    ),
    "unit_end": Case(
        setup=lambda c: c.update(empty=make_unit(c["region"], "漳县待撤销办")),
        call=lambda c, a: services.unit_end(
            unit=c["empty"], status="已撤销", occurred_on=TODAY, document=c["doc"], actor=a
        ),
        probe=lambda c: Unit.objects.get(pk=c["empty"].pk).status,
        action="机构.撤销",
    ),
    "limit_entry_add": Case(
        call=lambda c, a: services.limit_entry_add(
            region=c["region"],
            limit_type="行政编制",
            delta=100,
            document=c["doc"],
            occurred_on=TODAY,
            actor=a,
        ),
        probe=lambda c: QuotaLimitEntry.objects.count(),
        action="限额.调整",
    ),
    "organ_limit_set": Case(
        call=lambda c, a: services.organ_limit_set(
            region=c["region"], limit=40, document=c["doc"], set_on=TODAY, actor=a
        ),
        probe=lambda c: OrganLimit.objects.count(),
        action="机构限额.核定",
    ),
    "unit_alias_add": Case(
        call=lambda c, a: services.unit_alias_add(unit=c["unit"], name="县财政", actor=a),
        probe=lambda c: UnitAlias.objects.count(),
        action="机构.添加其他名称",
    ),
    # ---- the real-name record -----------------------------------------------------------------------
    "person_enter": Case(
        setup=lambda c: c.update(slip=make_slip(c["unit"])),
        call=lambda c, a: services.person_enter(
            unit=c["unit"],
            name="新进人员",
            id_number=make_id("621125", dt.date(1996, 3, 3), 77),
            establishment_type="行政编制",
            category="公务员",
            entered_on=TODAY,
            slip=c["slip"],
            actor=a,
        ),
        probe=lambda c: Person.objects.filter(unit=c["unit"]).count(),
        action="人员.入编",
    ),
    "person_leave": Case(
        call=lambda c, a: services.person_leave(
            person=c["person"], left_on=TODAY, leave_reason="退休", actor=a
        ),
        probe=_person,
        action="人员.出编",
    ),
    "person_change_post": Case(
        call=lambda c, a: services.person_change_post(
            person=c["person"], leader_post="单位副职", occurred_on=TODAY, actor=a
        ),
        probe=_person,
        action="人员.职务变动",
    ),
    "person_update": Case(
        call=lambda c, a: services.person_update(person=c["person"], actor=a, title="科员"),
        probe=_person,
        action="人员.信息变更",
    ),
    "person_transfer": Case(
        setup=lambda c: _transfer_setup(c),
        call=lambda c, a: services.person_transfer(
            person=c["person"],
            to_unit=c["to_unit"],
            establishment_type="行政编制",
            occurred_on=TODAY,
            slip=c["slip"],
            actor=a,
        ),
        probe=_person,
        action="人员.调动",
    ),
    # ---- 核编在先 -----------------------------------------------------------------------------------
    "request_create": Case(
        call=lambda c, a: services.request_create(
            unit=c["unit"],
            establishment_type="行政编制",
            count=1,
            reason="工作需要",
            entry_method="考录",
            planned_on=TODAY,
            actor=a,
        ),
        probe=lambda c: EstablishmentRequest.objects.count(),
        action="用编申请.提交",
        allowed=("admin", "staff", "liaison"),
        by="liaison",
    ),
    "request_approve": Case(
        setup=lambda c: c.update(req=_pending(c)),
        call=lambda c, a: services.request_approve(request=c["req"], actor=a),
        probe=lambda c: (EstablishmentRequest.objects.get(pk=c["req"].pk).status, UseSlip.objects.count()),
        action="用编申请.批准",
        allowed=("admin", "staff", "leader"),
        by="leader",  # 编委/编办领导: read-only plus approvals (DOMAIN §1)
    ),
    "request_refuse": Case(
        setup=lambda c: c.update(req=_pending(c)),
        call=lambda c, a: services.request_refuse(request=c["req"], actor=a, reason="编制另有安排"),
        probe=lambda c: EstablishmentRequest.objects.get(pk=c["req"].pk).status,
        action="用编申请.不予批准",
        allowed=("admin", "staff", "leader"),
    ),
    "request_withdraw": Case(
        setup=lambda c: c.update(req=_pending(c)),
        call=lambda c, a: services.request_withdraw(request=c["req"], actor=a, reason="不再需要"),
        probe=lambda c: EstablishmentRequest.objects.get(pk=c["req"].pk).status,
        action="用编申请.撤回",
        allowed=("admin", "staff", "liaison"),  # the liaison filed it
        by="liaison",
    ),
    "slip_void": Case(
        setup=lambda c: c.update(slip=make_slip(c["unit"])),
        call=lambda c, a: services.slip_void(slip=c["slip"], actor=a, reason="招聘取消"),
        probe=lambda c: UseSlip.objects.get(pk=c["slip"].pk).status,
        action="编制使用单.作废",
    ),
    # ---- the ledgers --------------------------------------------------------------------------------
    "ledger_entry_reverse": Case(
        setup=lambda c: _reverse_setup(c),
        call=lambda c, a: ledgers.ledger_entry_reverse(entry=c["entry"], reason="录入错误", actor=a),
        probe=lambda c: (_quota(c), UnitLedgerEntry.objects.count()),
        action="台账.冲销",
    ),
    # ---- the archives -------------------------------------------------------------------------------
    "document_create": Case(
        call=lambda c, a: archives.document_create(
            region=c["region"], number="漳编发〔2024〕88号", title="关于某事项的批复", actor=a
        ),
        probe=lambda c: Document.objects.count(),
        action="文件.登记",
    ),
    "document_update": Case(
        call=lambda c, a: archives.document_update(document=c["doc"], actor=a, title="改过的标题"),
        probe=lambda c: Document.objects.get(pk=c["doc"].pk).title,
        action="文件.修改",
    ),
    "document_withdraw": Case(
        setup=lambda c: c.update(loose=make_document(c["region"])),
        call=lambda c, a: archives.document_withdraw(document=c["loose"], reason="文号登记错误", actor=a),
        probe=lambda c: Document.objects.get(pk=c["loose"].pk).status,
        action="文件.撤回",
    ),
    "document_attach": Case(
        call=lambda c, a: archives.document_attach(
            document=c["doc"], upload=SimpleUploadedFile("批复.pdf", PDF), actor=a
        ),
        probe=lambda c: c["doc"].files.count(),
        action="文件.上传扫描件",
    ),
    "minute_create": Case(
        call=lambda c, a: archives.minute_create(
            region=c["region"],
            actor=a,
            kind="室务会议",
            met_on=TODAY,
            subject="室务会",
            attendees="全体",
            items="研究用编",
        ),
        probe=lambda c: MinuteEntry.objects.count(),
        action="会议记录.登记",
    ),
    "archive_request_create": Case(
        call=lambda c, a: archives.request_create(
            region=c["region"], actor=a, title="关于设立某中心的请示", requesting_body="漳县财政局"
        ),
        probe=lambda c: ArchiveRequest.objects.count(),
        action="请示事项.起草",
    ),
    "catalogue_class_create": Case(
        call=lambda c, a: archives.catalogue_class_create(code="Z9", name="测试类目", actor=a),
        probe=lambda c: CatalogueClass.objects.count(),
        action="档案分类.新增",
        allowed=("admin", "staff", "other_county"),  # one catalogue shared by the deployment's counties
    ),
    "dedicated_file_add_record": Case(
        call=lambda c, a: archives.dedicated_file_add_record(
            dedicated_file=DedicatedFile.objects.order_by("id").first(),
            region=c["region"],
            title="工作方案",
            actor=a,
        ),
        probe=lambda c: DedicatedEntry.objects.count(),
        action="独立档案.归档",
    ),
    # ---- comparison ---------------------------------------------------------------------------------
    "comparison_record": Case(
        call=lambda c, a: comparison_record(
            region=c["region"],
            result=compare(load_register(region=c["region"]), {FINANCE: SourceRows(FINANCE)}),
            sources=[FINANCE],
            cutoff=None,
            actor=a,
        ),
        probe=lambda c: ComparisonRun.objects.count(),
        action="比对.运行",
    ),
    "finding_transition": Case(
        setup=lambda c: c.update(finding=_finding(c)),
        call=lambda c, a: finding_transition(
            finding=c["finding"], to_status=FindingStatus.UNFOUNDED, actor=a
        ),
        probe=lambda c: Finding.objects.get(pk=c["finding"].pk).status,
        action="比对问题.状态",
    ),
    "run_result_download": Case(
        setup=lambda c: c.update(finding=_finding(c)),
        call=lambda c, a: run_result_download(run=ComparisonRun.objects.get(), actor=a),
        probe=lambda c: None,
        action="比对结果.下载",
        allowed=("admin", "staff", "leader"),
        by="leader",
    ),
    "findings_export": Case(
        setup=lambda c: c.update(finding=_finding(c)),
        call=lambda c, a: findings_export(findings=Finding.objects.all(), actor=a, filters={}),
        probe=lambda c: None,
        action="比对问题.导出",
        allowed=("admin", "staff", "leader"),
    ),
}


@pytest.fixture
def ctx(region, other_region, unit_a, unit_b, people):
    doc = make_document(region)
    person = make_person(unit_a, title="")
    return {
        "region": region,
        "unit": unit_a,
        "doc": doc,
        "foreign_doc": make_document(other_region, "安编发〔2020〕1号"),
        "person": person,
        "people": people,
    }


def _assert_refused(ctx, case: Case, role: str) -> None:
    before_state, before_audit = case.probe(ctx), AuditEntry.objects.count()
    with pytest.raises(PermissionDenied) as info:
        case.call(ctx, ctx["people"][role])
    message = str(info.value)
    assert CHINESE.search(message) and message.endswith("。"), message
    assert AuditEntry.objects.count() == before_audit, f"{role}: a refused call wrote an audit row"
    assert case.probe(ctx) == before_state, f"{role}: a refused call changed the state"


@pytest.mark.parametrize("name", list(CASES))
def test_each_service_refuses_every_role_outside_it_and_serves_the_allowed(ctx, name):
    case = CASES[name]
    if case.setup:
        case.setup(ctx)
    for role in ROLES:
        if role not in case.allowed:
            _assert_refused(ctx, case, role)
    actor = ctx["people"][case.by]
    before = case.probe(ctx)
    case.call(ctx, actor)
    if before is not None:
        assert case.probe(ctx) != before
    assert AuditEntry.objects.filter(action=case.action, actor=actor).exists()


@pytest.mark.parametrize("name", ["quota_set", "person_leave", "request_approve", "document_create"])
def test_the_administrator_is_allowed(ctx, name):
    case = CASES[name]
    if case.setup:
        case.setup(ctx)
    before = case.probe(ctx)
    case.call(ctx, ctx["people"]["admin"])
    assert case.probe(ctx) != before
    assert AuditEntry.objects.filter(action=case.action, actor=ctx["people"]["admin"]).exists()


# ---- precise refusals --------------------------------------------------------------------------------


def test_read_only_leader_and_liaison_refused_with_the_role_message(ctx):
    for role in ("leader", "liaison", "partner"):
        with pytest.raises(PermissionDenied, match="只有编办管理员或编办工作人员可以办理此项变更。"):
            CASES["quota_set"].call(ctx, ctx["people"][role])
    assert _quota(ctx) == 5


def test_office_user_of_another_county_refused_by_region(ctx):
    with pytest.raises(PermissionDenied, match="您不能办理其他区划的事项。"):
        CASES["quota_set"].call(ctx, ctx["people"]["other_county"])
    with pytest.raises(PermissionDenied, match="其他区划"):
        services.person_leave(
            person=ctx["person"], left_on=TODAY, leave_reason="退休", actor=ctx["people"]["other_county"]
        )
    assert _quota(ctx) == 5 and Person.objects.get(pk=ctx["person"].pk).in_establishment


def test_liaisons_file_requests_only_for_their_own_unit(ctx, unit_b):
    with pytest.raises(PermissionDenied, match="本单位联络员"):
        services.request_create(
            unit=unit_b,
            establishment_type="事业编制",
            count=1,
            reason="x",
            entry_method="考录",
            planned_on=TODAY,
            actor=ctx["people"]["liaison"],
        )
    assert not EstablishmentRequest.objects.filter(unit=unit_b).exists()
    assert not services.can_request(ctx["people"]["liaison"], unit_b)
    assert services.can_request(ctx["people"]["liaison"], ctx["unit"])
    assert not services.can_request(ctx["people"]["other_county"], ctx["unit"])


def test_the_system_is_allowed(ctx):
    """actor=None is a management command or the demo loader (bianzhi.roles)."""
    services.quota_set(
        unit=ctx["unit"], establishment_type="行政编制", approved=6, document=ctx["doc"], actor=None
    )
    assert _quota(ctx) == 6


def test_override_is_the_administrators_of_the_region(ctx, other_region):
    unit = ctx["unit"]
    services.quota_set(unit=unit, establishment_type="行政编制", approved=1, document=ctx["doc"], actor=None)
    kwargs = dict(
        unit=unit,
        name="特批人员",
        id_number=make_id("621125", dt.date(1990, 2, 2), 55),
        establishment_type="行政编制",
        category="公务员",
        entered_on=TODAY,
        slip=None,
        override_reason="县委常委会议定",
    )
    with pytest.raises(PermissionDenied, match="只有编办管理员"):
        services.person_enter(actor=ctx["people"]["staff"], override_document=ctx["doc"], **kwargs)
    foreign_admin = make_user("admin_other", Role.OFFICE_ADMIN, regions=[other_region])
    with pytest.raises(PermissionDenied, match="其他区划"):
        services.person_enter(actor=foreign_admin, override_document=ctx["doc"], **kwargs)
    with pytest.raises(ValidationError) as info:
        services.person_enter(actor=ctx["people"]["admin"], override_document=ctx["foreign_doc"], **kwargs)
    assert "不属于本区划" in info.value.message_dict["document"][0]
    assert not Override.objects.exists() and not Person.objects.filter(name="特批人员").exists()
    services.person_enter(actor=ctx["people"]["admin"], override_document=ctx["doc"], **kwargs)
    assert Override.objects.filter(document=ctx["doc"]).exists()


# ---- four eyes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("filer", ["staff", "admin"])
def test_whoever_filed_a_request_cannot_approve_it(ctx, filer):
    req = _pending(ctx, filer=filer)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied, match="不准越权审批：申请人不能审批自己提交的用编申请。"):
        services.request_approve(request=req, actor=ctx["people"][filer])
    req.refresh_from_db()
    assert req.status == "待审核" and req.decided_by is None
    assert not UseSlip.objects.filter(request=req).exists()
    assert AuditEntry.objects.count() == audit_before
    second = ctx["people"]["admin" if filer == "staff" else "staff"]
    (slip,) = services.request_approve(request=req, actor=second)
    req.refresh_from_db()
    assert req.status == "已批准" and req.decided_by == second and slip.request == req
    assert AuditEntry.objects.filter(action="用编申请.批准", actor=second).exists()


def test_builders_approve_with_a_second_office_user(unit_a):
    slip = make_slip(unit_a)
    request = slip.request
    assert request.requested_by != request.decided_by
    assert request.decided_by.username == "builder-approver-621125"


# ---- Documents of another region --------------------------------------------------------------------


def _foreign(ctx, call) -> dict:
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        call()
    assert AuditEntry.objects.count() == audit_before
    messages = info.value.message_dict["document"]
    assert any("不属于本区划" in m for m in messages), messages
    return messages


def test_a_document_of_another_county_is_refused(ctx):
    staff, foreign, unit, person = ctx["people"]["staff"], ctx["foreign_doc"], ctx["unit"], ctx["person"]
    _foreign(
        ctx,
        lambda: services.quota_set(
            unit=unit, establishment_type="行政编制", approved=7, document=foreign, actor=staff
        ),
    )
    _foreign(
        ctx,
        lambda: services.leader_posts_set(
            unit=unit, category="单位副职", approved=3, document=foreign, actor=staff
        ),
    )
    _foreign(
        ctx,
        lambda: services.unit_create(
            region=ctx["region"],
            name="漳县外文件局",
            nature="行政机关",
            system="政府",
            funding="全额拨款",
            document=foreign,
            actor=staff,
        ),
    )
    _foreign(ctx, lambda: services.unit_update(unit=unit, actor=staff, rank="正处级", document=foreign))
    _foreign(ctx, lambda: services.unit_update(unit=unit, actor=staff, duties="x", document=foreign))
    empty = make_unit(ctx["region"], "漳县空办")
    _foreign(
        ctx,
        lambda: services.unit_end(
            unit=empty, status="已撤销", occurred_on=TODAY, document=foreign, actor=staff
        ),
    )
    _foreign(
        ctx,
        lambda: services.limit_entry_add(
            region=ctx["region"],
            limit_type="行政编制",
            delta=5,
            document=foreign,
            occurred_on=TODAY,
            actor=staff,
        ),
    )
    _foreign(
        ctx,
        lambda: services.organ_limit_set(
            region=ctx["region"], limit=40, document=foreign, set_on=TODAY, actor=staff
        ),
    )
    _foreign(
        ctx,
        lambda: services.person_leave(
            person=person, left_on=TODAY, leave_reason="退休", document=foreign, actor=staff
        ),
    )
    _foreign(
        ctx,
        lambda: services.person_change_post(
            person=person, leader_post="单位副职", occurred_on=TODAY, document=foreign, actor=staff
        ),
    )
    slip = make_slip(unit)
    _foreign(
        ctx,
        lambda: services.person_enter(
            unit=unit,
            name="外文件",
            id_number=make_id("621125", dt.date(1997, 4, 4), 66),
            establishment_type="行政编制",
            category="公务员",
            entered_on=TODAY,
            slip=slip,
            document=foreign,
            actor=staff,
        ),
    )
    to_unit = make_unit(ctx["region"], "漳县统计局", quotas={"行政编制": 2})
    to_slip = make_slip(to_unit)
    _foreign(
        ctx,
        lambda: services.person_transfer(
            person=person,
            to_unit=to_unit,
            establishment_type="行政编制",
            occurred_on=TODAY,
            slip=to_slip,
            document=foreign,
            actor=staff,
        ),
    )
    services.quota_set(unit=unit, establishment_type="行政编制", approved=9, document=ctx["doc"], actor=None)
    entry = UnitLedgerEntry.objects.filter(unit=unit, establishment_type="行政编制").latest("id")
    _foreign(
        ctx, lambda: ledgers.ledger_entry_reverse(entry=entry, reason="错", document=foreign, actor=staff)
    )
    # nothing above was written
    assert _quota(ctx) == 9 and Person.objects.get(pk=person.pk).unit_id == unit.pk
    assert (
        Unit.objects.get(pk=empty.pk).status == "正常"
        and not Unit.objects.filter(name="漳县外文件局").exists()
    )
    assert (
        UseSlip.objects.get(pk=slip.pk).status == "有效"
        and UseSlip.objects.get(pk=to_slip.pk).status == "有效"
    )


def test_the_system_too_cites_only_its_own_region(ctx):
    with pytest.raises(ValidationError, match="不属于本区划"):
        services.quota_set(
            unit=ctx["unit"],
            establishment_type="行政编制",
            approved=8,
            document=ctx["foreign_doc"],
            actor=None,
        )
    assert _quota(ctx) == 5


def test_archives_link_only_documents_of_the_region(ctx):
    staff, foreign = ctx["people"]["staff"], ctx["foreign_doc"]
    folder = DedicatedFile.objects.order_by("id").first()
    with pytest.raises(PermissionDenied, match="其他区划"):  # filing another county's Document
        archives.dedicated_file_add_document(dedicated_file=folder, document=foreign, actor=staff)
    with pytest.raises(ValidationError, match="不属于本区划"):
        archives.minute_create(
            region=ctx["region"],
            actor=staff,
            documents=[foreign],
            kind="室务会议",
            met_on=TODAY,
            subject="室务会",
            attendees="全体",
            items="研究",
        )
    with pytest.raises(ValidationError, match="不属于本区划"):
        archives.request_create(
            region=ctx["region"], actor=staff, basis=[foreign], title="请示", requesting_body="x"
        )
    assert not DedicatedEntry.objects.filter(document=foreign).exists()
    assert not MinuteEntry.objects.exists() and not ArchiveRequest.objects.exists()
