"""The registry services: every rule refuses what it must, writes an audit row and signals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from bianzhi.lib.idnumbers import make_id
from bianzhi.models import AuditEntry
from tests.builders.registry import make_document, make_person, make_slip, make_unit
from units import services, signals
from units.choices import Nature, UnitStatus
from units.models import Person, Quota, Unit, UnitEvent


@pytest.fixture
def heard():
    got = []

    def listener(sender, **kwargs):
        got.append((sender.__name__, kwargs))

    signals.establishment_changed.connect(listener)
    signals.staff_moved.connect(listener)
    yield got
    signals.establishment_changed.disconnect(listener)
    signals.staff_moved.disconnect(listener)


def test_unit_needs_a_document(region, office_staff):
    with pytest.raises(ValidationError, match="批准文件"):
        services.unit_create(
            region=region,
            name="新局",
            nature=Nature.ORGAN,
            system="政府",
            funding="全额拨款",
            document=None,
            actor=office_staff,
        )
    assert not Unit.objects.filter(name="新局").exists()


def test_unit_create_audits_and_signals(region, office_staff, heard):
    doc = make_document(region)
    unit = services.unit_create(
        region=region,
        name="漳县应急管理局",
        nature=Nature.ORGAN,
        system="政府",
        funding="全额拨款",
        document=doc,
        actor=office_staff,
        aliases=["县应急局"],
    )
    assert unit.aliases.get().name == "县应急局"
    entry = AuditEntry.objects.get(action="机构.设立")
    assert (
        entry.actor == office_staff
        and entry.actor_name == "李编办"
        and entry.after["name"] == "漳县应急管理局"
    )
    assert UnitEvent.objects.get(unit=unit).document == doc
    assert heard[-1][0] == "unit_create" and heard[-1][1]["unit_ids"] == {unit.pk}


def test_duplicate_live_name_refused_but_abolished_name_reusable(region, unit_a, office_staff):
    doc = make_document(region)
    with pytest.raises(ValidationError, match="已有名为"):
        services.unit_create(
            region=region,
            name=unit_a.name,
            nature=Nature.ORGAN,
            system="政府",
            funding="全额拨款",
            document=doc,
            actor=office_staff,
        )
    for p in unit_a.people.all():
        services.person_leave(person=p, left_on=dt.date(2021, 1, 1), leave_reason="退休", actor=office_staff)
    services.unit_end(
        unit=unit_a,
        status=UnitStatus.ABOLISHED,
        occurred_on=dt.date(2021, 1, 1),
        document=doc,
        actor=office_staff,
    )
    again = services.unit_create(
        region=region,
        name=unit_a.name,
        nature=Nature.ORGAN,
        system="政府",
        funding="全额拨款",
        document=doc,
        actor=office_staff,
    )
    assert Unit.objects.filter(name=unit_a.name).count() == 2 and again.is_live


def test_database_refuses_two_live_units_with_one_name(region, unit_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            region=region, name=unit_a.name, nature=Nature.ORGAN, system="政府", funding="全额拨款"
        )


def test_division_rules(region, unit_a, office_staff):
    doc = make_document(region)
    div = services.unit_create(
        region=region, name="办公室", nature=Nature.DIVISION, parent=unit_a, document=doc, actor=office_staff
    )
    assert div.system == "" and div.legal_unit == unit_a
    with pytest.raises(ValidationError, match="上级机构"):
        services.unit_create(
            region=region, name="综合股", nature=Nature.DIVISION, document=doc, actor=office_staff
        )
    with pytest.raises(ValidationError, match="内设机构不单独核定编制"):
        services.quota_set(
            unit=div, establishment_type="行政编制", approved=1, document=doc, actor=office_staff
        )


def test_mixed_establishment_refused(unit_a, unit_b, office_staff, region):
    doc = make_document(region)
    with pytest.raises(ValidationError, match="混用编制"):
        services.quota_set(
            unit=unit_a, establishment_type="事业编制", approved=3, document=doc, actor=office_staff
        )
    with pytest.raises(ValidationError, match="混用编制"):
        make_person(unit_b, establishment_type="行政编制")
    assert not Quota.objects.filter(unit=unit_a, establishment_type="事业编制").exists()


def test_quota_limit_is_respected(region, unit_a, office_staff):
    doc = make_document(region)
    services.limit_entry_add(
        region=region,
        limit_type="行政编制",
        delta=6,
        document=doc,
        occurred_on=dt.date(2020, 1, 1),
        actor=office_staff,
    )
    services.quota_set(
        unit=unit_a, establishment_type="行政编制", approved=6, document=doc, actor=office_staff
    )
    with pytest.raises(ValidationError, match="超出行政编制限额"):
        services.quota_set(
            unit=unit_a, establishment_type="行政编制", approved=7, document=doc, actor=office_staff
        )
    with pytest.raises(ValidationError, match="少于已核定"):
        services.limit_entry_add(
            region=region,
            limit_type="行政编制",
            delta=-1,
            document=doc,
            occurred_on=dt.date(2020, 2, 1),
            actor=office_staff,
        )


def test_quota_change_is_a_change_record(unit_a, office_staff, region):
    doc = make_document(region)
    services.quota_set(
        unit=unit_a, establishment_type="行政编制", approved=8, document=doc, actor=office_staff
    )
    event = UnitEvent.objects.filter(unit=unit_a, kind="编制调整").last()
    assert (event.delta, event.balance, event.document) == (3, 8, doc)
    with pytest.raises(ValidationError, match="批准文件"):
        services.quota_set(
            unit=unit_a, establishment_type="行政编制", approved=9, document=None, actor=office_staff
        )


def test_no_hiring_over_quota(region, office_staff):
    unit = make_unit(region, quotas={"行政编制": 1})
    make_person(unit, actor=office_staff)
    with pytest.raises(ValidationError, match="空编0名"):
        make_person(unit, actor=office_staff)  # no slip is issued
    with pytest.raises(ValidationError, match="核编在先"):
        make_person(unit, actor=office_staff, slip=None)
    assert unit.people.count() == 1


def test_one_person_one_slot(unit_a, unit_b, office_staff):
    number = make_id("621125", dt.date(1985, 3, 3), 7)
    make_person(unit_a, id_number=number)
    with pytest.raises(ValidationError, match="一人一编"):
        make_person(unit_b, id_number=number.lower())
    p = Person.objects.get(id_number=number)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            unit=unit_b,
            name="某",
            id_number=number,
            sex=p.sex,
            birth_date=p.birth_date,
            establishment_type="事业编制",
            category="管理人员",
            entered_on=dt.date(2020, 1, 1),
        )


def test_sex_and_birth_must_agree_with_id(unit_a):
    base = dict(
        unit=unit_a,
        name="王五",
        id_number=make_id("621125", dt.date(1985, 3, 3), 7, "男"),
        establishment_type="行政编制",
        category="公务员",
        entered_on=dt.date(2010, 1, 1),
        actor=None,
        slip=make_slip(unit_a),
    )
    with pytest.raises(ValidationError, match="性别"):
        services.person_enter(**base, sex="女")
    with pytest.raises(ValidationError, match="出生日期"):
        services.person_enter(**base, birth_date=dt.date(1985, 3, 4))
    assert services.person_enter(**base, sex="男", birth_date=dt.date(1985, 3, 3)).sex == "男"


def test_no_over_post_leaders(unit_a, office_staff):
    make_person(unit_a, leader_post="单位正职")
    with pytest.raises(ValidationError, match="不准超职数"):
        make_person(unit_a, leader_post="单位正职")
    p = make_person(unit_a)
    with pytest.raises(ValidationError, match="不准超职数"):
        services.person_change_post(
            person=p, leader_post="单位正职", occurred_on=dt.date(2021, 1, 1), actor=office_staff
        )
    services.person_change_post(
        person=p, leader_post="单位副职", occurred_on=dt.date(2021, 1, 1), actor=office_staff
    )
    assert Person.objects.get(pk=p.pk).leader_post == "单位副职"


def test_leave_releases_the_slot_and_keeps_history(region, office_staff, heard):
    unit = make_unit(region, quotas={"行政编制": 1})
    p = make_person(unit)
    services.person_leave(person=p, left_on=dt.date(2022, 1, 1), leave_reason="退休", actor=office_staff)
    assert heard[-1][0] == "person_leave"
    again = make_person(unit, id_number=p.id_number)
    assert again.pk != p.pk and Person.objects.filter(id_number=p.id_number).count() == 2
    assert [m.kind for m in p.movements.all()] == ["入编", "出编"]
    with pytest.raises(ValidationError, match="已出编"):
        services.person_leave(person=p, left_on=dt.date(2022, 1, 1), leave_reason="退休", actor=office_staff)


def test_transfer_needs_vacancy_and_allowed_type(region, unit_a, office_staff, heard):
    full = make_unit(region, quotas={"行政编制": 1})
    make_person(full)
    p = make_person(unit_a)
    with pytest.raises(ValidationError, match="核编在先"):
        services.person_transfer(
            person=p,
            to_unit=full,
            establishment_type="行政编制",
            occurred_on=dt.date(2022, 1, 1),
            actor=office_staff,
        )
    with pytest.raises(ValidationError, match="空编0名"):
        make_slip(full)
    with pytest.raises(ValidationError, match="混用编制"):
        services.person_transfer(
            person=p,
            to_unit=full,
            establishment_type="事业编制",
            occurred_on=dt.date(2022, 1, 1),
            actor=office_staff,
        )
    dest = make_unit(region, quotas={"行政编制": 2})
    services.person_transfer(
        person=p,
        to_unit=dest,
        establishment_type="行政编制",
        occurred_on=dt.date(2022, 1, 1),
        actor=office_staff,
        slip=make_slip(dest),
    )
    p.refresh_from_db()
    assert p.unit == dest and heard[-1][1]["unit_ids"] == {unit_a.pk, dest.pk}
    assert AuditEntry.objects.filter(action="人员.调动", target_id=str(p.pk)).exists()


def test_key_field_change_needs_reason(unit_a, office_staff):
    p = make_person(unit_a)
    with pytest.raises(ValidationError, match="必须填写原因"):
        services.person_update(person=p, name="改名", actor=office_staff)
    services.person_update(person=p, name="改名", actor=office_staff, reason="户籍更正")
    services.person_update(person=p, education="研究生", actor=office_staff)
    assert Person.objects.get(pk=p.pk).name == "改名"
    assert p.movements.filter(kind="信息变更").count() == 2


def test_future_dates_refused(unit_a):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        make_person(unit_a, entered_on=dt.date.today() + dt.timedelta(days=3))


def test_late_recording_is_flagged(unit_a, office_staff):
    p = make_person(unit_a, entered_on=dt.date(2021, 9, 30))
    assert p.movements.get().is_late is True
    # after Thu 2021-09-30 the working days are 10-08, 10-09 (make-up Saturday), 10-11, 10-12, 10-13, 10-14
    assert services.is_late(dt.date(2021, 9, 30), dt.date(2021, 10, 13)) is False  # the 5th working day
    assert services.is_late(dt.date(2021, 9, 30), dt.date(2021, 10, 14)) is True  # the 6th
    assert services.is_late(dt.date(2031, 1, 5), dt.date(2031, 1, 20)) is None  # no calendar for 2031


def test_county_organ_limit(region, office_staff):
    doc = make_document(region)
    existing = services.organ_count(region)
    services.organ_limit_set(
        region=region, limit=existing + 2, document=doc, set_on=dt.date(2020, 1, 1), actor=office_staff
    )
    make_unit(region, "漳县乡村振兴局")  # 政府 organs count
    make_unit(region, "漳县数据局")
    with pytest.raises(ValidationError, match="超出机构限额"):
        make_unit(region, "漳县大数据管理局")
    make_unit(region, "漳县老干部活动中心", nature=Nature.PUBLIC_INSTITUTION)  # not a 党政机构
    with pytest.raises(ValidationError, match="少于现有"):
        services.organ_limit_set(
            region=region, limit=1, document=doc, set_on=dt.date(2020, 1, 1), actor=office_staff
        )


def test_township_office_limit(region, office_staff):
    doc = make_document(region)
    town = make_unit(region, "中共武阳镇委员会、武阳镇人民政府", system="乡镇", township="武阳镇")
    services.organ_limit_set(
        region=region,
        township="武阳镇",
        limit=1,
        document=doc,
        set_on=dt.date(2020, 1, 1),
        actor=office_staff,
    )
    make_unit(region, "党政综合办公室", nature=Nature.DIVISION, parent=town)
    with pytest.raises(ValidationError, match="武阳镇内设综合办事机构限额1个"):
        make_unit(region, "经济发展办公室", nature=Nature.DIVISION, parent=town)


def test_rank_raise_needs_document(unit_a, office_staff, region):
    with pytest.raises(ValidationError, match="批准文件"):
        services.unit_update(unit=unit_a, actor=office_staff, rank="副处级")
    services.unit_update(unit=unit_a, actor=office_staff, rank="副处级", document=make_document(region))
    assert UnitEvent.objects.filter(unit=unit_a, kind="规格调整").exists()


def test_alias_add(unit_a, unit_b, office_staff, supervisor):
    services.unit_alias_add(unit=unit_a, name="县财政", actor=office_staff, reason="财政部门数据使用此名")
    assert unit_a.aliases.filter(name="县财政").exists()
    assert AuditEntry.objects.filter(action="机构.添加其他名称").exists()
    with pytest.raises(ValidationError, match="已是漳县财政局"):
        services.unit_alias_add(unit=unit_b, name="县财政", actor=office_staff)
    with pytest.raises(PermissionDenied, match="只有编办管理员或编办工作人员"):
        services.unit_alias_add(unit=unit_b, name="县疾控", actor=supervisor)
    assert not unit_b.aliases.exists()


def test_withdrawn_document_cannot_be_cited(region, unit_a, office_staff):
    from archives.services import document_withdraw

    doc = make_document(region)
    document_withdraw(document=doc, reason="文号登记错误", actor=office_staff)
    doc.refresh_from_db()
    with pytest.raises(ValidationError, match="已撤回"):
        services.quota_set(
            unit=unit_a, establishment_type="行政编制", approved=9, document=doc, actor=office_staff
        )
    with pytest.raises(ValidationError, match="已撤回"):
        services.unit_create(
            region=region,
            name="漳县新局",
            nature=Nature.ORGAN,
            system="政府",
            funding="全额拨款",
            document=doc,
            actor=office_staff,
        )


def test_organ_limit_needs_office_staff(region, supervisor):
    with pytest.raises(PermissionDenied, match="只有编办管理员或编办工作人员"):
        services.organ_limit_set(
            region=region,
            limit=30,
            document=make_document(region),
            set_on=dt.date(2020, 1, 1),
            actor=supervisor,
        )
    assert not services.organ_limit(region)
