"""机构改革 in one step (issue 11 point 8): unit_merge and merge_preview, called as each role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from archives.selectors import unit_history
from bianzhi.models import AuditEntry
from ledgers.models import EstablishmentRow, UnitLedgerEntry
from ledgers.services import rebuild
from tests.builders.registry import make_document, make_person, make_slip, make_unit
from units.choices import LeaderPost, MovementKind, Nature, SlipStatus, UnitEventKind, UnitStatus
from units.models import LeaderPostQuota, Movement, Person, Quota, Unit, UnitEvent, UseSlip
from units.services.reform import merge_preview, unit_merge

DAY = dt.date(2024, 3, 1)


@pytest.fixture
def county(region):
    source = make_unit(
        region,
        "漳县旅游局",
        quotas={"行政编制": 4, "工勤编制": 1},
        posts={"单位正职": 1, "单位副职": 1, "内设机构领导": 1},
    )
    division = make_unit(region, "综合股", nature=Nature.DIVISION, parent=source)
    target = make_unit(region, "漳县文化局", quotas={"行政编制": 5}, posts={"单位正职": 1})
    people = {
        "chief": make_person(source, name="旅游局长", leader_post=LeaderPost.CHIEF),
        "head": make_person(
            source, name="综合股长", division=division, leader_post=LeaderPost.DIVISION_CHIEF
        ),
        "clerk": make_person(source, name="旅游科员"),
        "driver": make_person(source, name="旅游司机", establishment_type="工勤编制"),
        "target_chief": make_person(target, name="文化局长", leader_post=LeaderPost.CHIEF),
    }
    document = make_document(
        region, "漳编发〔2024〕3号", issued_on=DAY, title="关于漳县旅游局并入漳县文化局的通知"
    )
    return {"source": source, "target": target, "division": division, "people": people, "document": document}


def merge(county, actor, **kw):
    args = {"source": county["source"], "target": county["target"], "document": county["document"]}
    return unit_merge(**(args | {"occurred_on": DAY, "actor": actor, "reason": "机构改革"} | kw))


def quota(unit, etype):
    return Quota.objects.get(unit=unit, establishment_type=etype)


def posts(unit, category):
    return LeaderPostQuota.objects.get(unit=unit, category=category).approved


# ---- the happy path ------------------------------------------------------------------------------------


def test_merge_moves_people_quotas_posts_and_abolishes_the_source(county, office_staff):
    source, target, division, people = (
        county["source"],
        county["target"],
        county["division"],
        county["people"],
    )
    slips_before = list(UseSlip.objects.order_by("pk").values_list("pk", "status"))
    audit_before = AuditEntry.objects.count()

    plan = merge(county, office_staff)

    assert plan.ok and len(plan.people) == 4
    source.refresh_from_db()
    division.refresh_from_db()
    assert (source.status, source.ended_on, source.merged_into_id) == (UnitStatus.MERGED, DAY, target.pk)
    assert (division.status, division.ended_on) == (UnitStatus.ABOLISHED, DAY)
    # people: all in the target, type kept; the division head's post ends with the division
    moved = {p.name: p for p in Person.objects.filter(pk__in=[p.pk for p in people.values()])}
    assert {p.unit_id for p in moved.values()} == {target.pk}
    assert all(p.division_id is None and p.in_establishment for p in moved.values())
    assert moved["旅游局长"].leader_post == LeaderPost.CHIEF
    assert moved["综合股长"].leader_post == LeaderPost.NONE
    assert moved["旅游司机"].establishment_type == "工勤编制"
    assert moved["旅游科员"].entry_doc_number == "漳编发〔2024〕3号"
    # quotas and posts: source decreases, target increases
    assert quota(source, "行政编制").approved == 0 and quota(target, "行政编制").approved == 9
    assert quota(source, "工勤编制").approved == 0 and quota(target, "工勤编制").approved == 1
    assert (
        posts(target, "单位正职") == 2
        and posts(target, "单位副职") == 1
        and posts(target, "内设机构领导") == 1
    )
    assert posts(source, "单位正职") == 0

    # change records on both units, all citing the Document
    def events(unit):
        return list(
            UnitEvent.objects.filter(unit=unit, occurred_on=DAY)
            .order_by("pk")
            .values_list("kind", "establishment_type", "post_category", "delta", "balance", "document_id")
        )

    doc = county["document"].pk
    assert events(source) == [
        (UnitEventKind.QUOTA, "行政编制", "", -4, 0, doc),
        (UnitEventKind.QUOTA, "工勤编制", "", -1, 0, doc),
        (UnitEventKind.POSTS, "", "单位正职", -1, 0, doc),
        (UnitEventKind.POSTS, "", "单位副职", -1, 0, doc),
        (UnitEventKind.POSTS, "", "内设机构领导", -1, 0, doc),
        (UnitEventKind.MERGED, "", "", 0, None, doc),
    ]
    assert events(target) == [
        (UnitEventKind.QUOTA, "行政编制", "", 4, 9, doc),
        (UnitEventKind.QUOTA, "工勤编制", "", 1, 1, doc),
        (UnitEventKind.POSTS, "", "单位正职", 1, 2, doc),
        (UnitEventKind.POSTS, "", "单位副职", 1, 1, doc),
        (UnitEventKind.POSTS, "", "内设机构领导", 1, 1, doc),
        (UnitEventKind.MERGED, "", "", 0, None, doc),
    ]
    assert events(division) == [(UnitEventKind.ABOLISHED, "", "", 0, None, doc)]
    # each person's history: one 调动 citing the Document, no slip
    transfers = Movement.objects.filter(kind=MovementKind.TRANSFER, occurred_on=DAY)
    assert transfers.count() == 4
    assert set(transfers.values_list("from_unit_id", "to_unit_id", "document_id", "doc_number")) == {
        (source.pk, target.pk, doc, "漳编发〔2024〕3号")
    }
    head = transfers.get(person=people["head"])
    assert (head.from_post, head.to_post) == (LeaderPost.DIVISION_CHIEF, LeaderPost.NONE)
    # no slip created or consumed
    assert list(UseSlip.objects.order_by("pk").values_list("pk", "status")) == slips_before
    # one audit row naming everything
    assert AuditEntry.objects.count() == audit_before + 1
    row = AuditEntry.objects.latest("pk")
    assert row.action == "机构.合并" and row.actor == office_staff and row.reason == "机构改革"
    assert row.target_id == str(source.pk)
    assert row.after["并入单位"] == "漳县文化局" and row.after["文件"] == "漳编发〔2024〕3号"
    assert row.after["转出编制"] == {"行政编制": 4, "工勤编制": 1}
    assert row.after["转出职数"] == {"单位正职": 1, "单位副职": 1, "内设机构领导": 1}
    assert sorted(p["姓名"] for p in row.after["转入人员"]) == [
        "旅游司机",
        "旅游局长",
        "旅游科员",
        "综合股长",
    ]
    assert row.after["撤销内设机构"] == ["综合股"] and row.after["免去内设机构领导职务"] == ["综合股长"]
    # ledgers in step: entries on both units, 表一 recounted, the rebuild finds nothing
    for unit in (source, target):
        assert UnitLedgerEntry.objects.filter(unit=unit, doc_number="漳编发〔2024〕3号").exists()
    row_t = EstablishmentRow.objects.get(pk=target.pk)
    assert (row_t.admin_approved, row_t.admin_occupied, row_t.support_occupied) == (9, 4, 1)
    assert EstablishmentRow.objects.get(pk=source.pk).admin_occupied == 0
    assert rebuild.differences().differences == []
    # 沿革 of both units cite the Document
    for unit in (source, target):
        assert doc in {line.document.pk for line in unit_history(unit)}


def test_partial_transfer_keeps_the_source(county, office_staff):
    """划转: part of the people and quotas move, the source stays live; both 沿革 record it."""
    source, target, people = county["source"], county["target"], county["people"]
    plan = merge(
        county,
        office_staff,
        abolish_source=False,
        people=[people["clerk"].pk],
        quotas={"行政编制": 1},
        posts={},
    )
    assert plan.ok
    source.refresh_from_db()
    assert source.is_live
    assert Person.objects.get(pk=people["clerk"].pk).unit_id == target.pk
    assert Person.objects.get(pk=people["chief"].pk).unit_id == source.pk
    assert quota(source, "行政编制").approved == 3 and quota(target, "行政编制").approved == 6
    assert UnitEvent.objects.filter(
        unit=source, kind=UnitEventKind.INFO, document=county["document"]
    ).exists()
    assert UnitEvent.objects.filter(
        unit=target, kind=UnitEventKind.INFO, document=county["document"]
    ).exists()
    assert AuditEntry.objects.latest("pk").action == "机构.划转"
    assert rebuild.differences().differences == []


def test_military_earmark_moves_with_the_admin_quota(region, office_staff):
    doc = make_document(region, issued_on=DAY)
    source = make_unit(region, "漳县甲局", quotas={"行政编制": 3})
    Quota.objects.filter(unit=source).update(military_earmark=2)
    target = make_unit(region, "漳县乙局", quotas={"行政编制": 2})
    unit_merge(
        source=source,
        target=target,
        document=doc,
        occurred_on=DAY,
        actor=office_staff,
        quotas={"行政编制": 2},
    )
    assert (quota(source, "行政编制").approved, quota(source, "行政编制").military_earmark) == (1, 1)
    assert (quota(target, "行政编制").approved, quota(target, "行政编制").military_earmark) == (4, 1)


def test_preview_lists_what_will_happen_and_writes_nothing(county, office_staff):
    audit_before, events_before = AuditEntry.objects.count(), UnitEvent.objects.count()
    plan = merge_preview(
        source=county["source"], target=county["target"], document=county["document"], actor=office_staff
    )
    assert plan.ok and plan.occurred_on == DAY  # the Document's date by default
    assert plan.people_by_type == {"行政编制": 3, "工勤编制": 1}
    admin = next(line for line in plan.quotas if line.item == "行政编制")
    assert (
        admin.source_before,
        admin.moved,
        admin.source_after,
        admin.target_before,
        admin.target_after,
    ) == (
        4,
        4,
        0,
        5,
        9,
    )
    assert [d.name for d in plan.divisions] == ["综合股"] and [p.name for p in plan.posts_ended] == [
        "综合股长"
    ]
    assert (AuditEntry.objects.count(), UnitEvent.objects.count()) == (audit_before, events_before)
    assert Person.objects.filter(unit=county["source"], in_establishment=True).count() == 4


def test_target_already_over_is_not_blamed_on_people_whose_quotas_moved(region, office_staff):
    """The shortfall counts only the excess the moved people add."""
    doc = make_document(region, issued_on=DAY)
    source = make_unit(region, "漳县丙局", quotas={"行政编制": 1})
    make_person(source)
    target = make_unit(region, "漳县丁局", quotas={"行政编制": 1})
    make_person(target)
    Quota.objects.filter(unit=target).update(approved=0)  # a 建账 that recorded an existing 超编
    plan = merge_preview(source=source, target=target, document=doc, occurred_on=DAY, actor=office_staff)
    assert plan.ok, plan.refusals


# ---- refusals ------------------------------------------------------------------------------------------


def assert_nothing_written(county, audit_before):
    assert AuditEntry.objects.count() == audit_before
    assert Person.objects.filter(unit=county["source"], in_establishment=True).count() == 4
    county["source"].refresh_from_db()
    assert county["source"].is_live
    assert quota(county["source"], "行政编制").approved == 4


@pytest.mark.parametrize("who", ["liaison_a", "supervisor", "other_office_staff", "partner_clerk"])
def test_only_office_writers_of_the_region_may_merge(county, request, who):
    actor = request.getfixturevalue(who)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        merge(county, actor)
    with pytest.raises(PermissionDenied):
        merge_preview(
            source=county["source"], target=county["target"], document=county["document"], actor=actor
        )
    assert_nothing_written(county, audit_before)


def refused(county, actor, **kw) -> str:
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        merge(county, actor, **kw)
    assert_nothing_written(county, audit_before)
    return "\n".join(exc.value.messages)


def test_document_of_another_region_is_refused(county, office_staff, other_region):
    other_doc = make_document(other_region, "定编发〔2024〕1号", issued_on=DAY)
    assert "不属于本区划" in refused(county, office_staff, document=other_doc)


def test_no_document_is_refused(county, office_staff):
    assert "批准文件" in refused(county, office_staff, document=None)


def test_same_unit_is_refused(county, office_staff):
    assert "不能是原单位本身" in refused(county, office_staff, target=county["source"])


def test_internal_division_is_refused_on_either_side(county, office_staff):
    assert "内设机构" in refused(county, office_staff, target=county["division"])
    with pytest.raises(ValidationError, match="内设机构"):
        merge(county, office_staff, source=county["division"], target=county["target"])


def test_dead_target_is_refused(county, office_staff, region):
    gone = make_unit(region, "漳县已撤局")
    Unit.objects.filter(pk=gone.pk).update(status=UnitStatus.ABOLISHED)
    assert "已撤销或合并" in refused(county, office_staff, target=gone)


def test_type_not_allowed_in_the_target_is_refused(county, office_staff, unit_b):
    message = refused(county, office_staff, target=unit_b)
    assert "混用编制" in message and "不能使用行政编制" in message
    assert "3名行政编制人员，不能转入" in message


def test_target_shortfall_is_refused_with_the_numbers(county, office_staff):
    Quota.objects.filter(unit=county["target"], establishment_type="行政编制").update(approved=2)
    message = refused(county, office_staff, quotas={"工勤编制": 1})
    assert "并入单位编制不足" in message
    assert "行政编制缺2名（核定2名，已用1名，转入3名）" in message


def test_reserved_slots_of_the_target_count_in_the_shortfall(county, office_staff):
    make_slip(county["target"], "行政编制")
    Quota.objects.filter(unit=county["target"], establishment_type="行政编制").update(approved=3)
    message = refused(county, office_staff, quotas={"行政编制": 0, "工勤编制": 1})
    assert "行政编制缺2名（核定3名，已用2名，转入3名）" in message


def test_post_shortfall_is_refused(county, office_staff):
    message = refused(county, office_staff, posts={"单位副职": 1})
    assert "并入单位领导职数不足" in message and "单位正职缺1名" in message


def test_people_left_in_an_abolished_source_are_refused(county, office_staff):
    people = county["people"]
    message = refused(county, office_staff, people=[people["chief"].pk, people["head"].pk])
    assert "仍会留下2名在编人员" in message and "旅游科员" in message


def test_moving_more_than_the_source_has_is_refused(county, office_staff):
    assert "不能转出5名" in refused(county, office_staff, quotas={"行政编制": 5, "工勤编制": 1})


def test_unused_slip_of_an_abolished_source_is_refused(county, office_staff):
    slip = make_slip(county["source"], "行政编制")
    assert slip.status == SlipStatus.VALID
    assert "未使用的编制使用单" in refused(county, office_staff)


def test_date_before_founding_or_in_the_future_is_refused(county, office_staff):
    assert "不能晚于今天" in refused(county, office_staff, occurred_on=dt.date.today() + dt.timedelta(days=1))
    assert "设立日期" in refused(county, office_staff, occurred_on=dt.date(1999, 1, 1))
