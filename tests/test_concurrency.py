"""Races for the last vacancy and the last leader post (PostgreSQL: real row locks, real threads)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from bianzhi.lib.idnumbers import make_id
from bianzhi.roles import Role
from tests.builders.registry import make_person, make_region, make_unit, make_user, office_approver
from units import services
from units.models import EstablishmentRequest, Person, UseSlip

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock races need PostgreSQL (CI runs them there)"
    ),
]
TODAY = dt.date.today()


def race(workers):
    """Start the callables together; return (successes, Chinese refusal messages)."""
    barrier = threading.Barrier(len(workers))
    wins, refusals, crashes = [], [], []

    def run(fn):
        try:
            barrier.wait()
            wins.append(fn())
        except ValidationError as exc:
            refusals.append(" ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 - a crash must fail the test, not vanish with the thread
            crashes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not crashes, crashes
    return wins, refusals


@pytest.fixture
def setting():
    region = make_region()
    staff = make_user("racer", Role.OFFICE_STAFF, regions=[region])
    unit = make_unit(region, "漳县统计局", quotas={"行政编制": 2}, posts={"单位正职": 1})
    make_person(unit)
    return region, staff, unit


def test_only_one_approval_wins_the_last_vacancy(setting):
    _, staff, unit = setting
    requests = [
        services.request_create(
            unit=unit,
            establishment_type="行政编制",
            count=1,
            reason="补充力量",
            entry_method="考录",
            planned_on=TODAY,
            actor=staff,
        )
        for _ in range(4)
    ]
    approver = office_approver(unit.region)  # four eyes: not the clerk who filed them
    wins, refusals = race([lambda r=r: services.request_approve(request=r, actor=approver) for r in requests])
    assert len(wins) == 1 and len(refusals) == 3
    assert all("不能批准" in m or "不能改为" in m for m in refusals)
    assert UseSlip.objects.filter(unit=unit, status="有效").count() == 1
    assert EstablishmentRequest.objects.filter(status="已批准", pk__in=[r.pk for r in requests]).count() == 1


def test_only_one_entry_wins_with_one_slip(setting):
    _, staff, unit = setting
    req = services.request_create(
        unit=unit,
        establishment_type="行政编制",
        count=1,
        reason="补充力量",
        entry_method="考录",
        planned_on=TODAY,
        actor=staff,
    )
    (slip,) = services.request_approve(request=req, actor=office_approver(unit.region))

    def enter(seq):
        return services.person_enter(
            unit=unit,
            name=f"抢{seq}",
            id_number=make_id("621125", dt.date(1996, 2, 2), seq),
            establishment_type="行政编制",
            category="公务员",
            entered_on=TODAY,
            actor=staff,
            slip=slip,
        )

    wins, refusals = race([lambda s=s: enter(s) for s in range(4)])
    assert len(wins) == 1 and len(refusals) == 3 and all("已经使用过" in m for m in refusals)
    assert Person.objects.filter(unit=unit, in_establishment=True).count() == 2


def test_only_one_full_hiring_wins_the_last_vacancy(setting):
    """Four clerks each run request → approval → 入编 for the same last vacancy."""
    _, staff, unit = setting

    def hire(seq):
        birth = dt.date(1997, 3, 3)
        return make_person(unit, actor=staff, birth=birth, id_number=make_id("621125", birth, seq))

    wins, refusals = race([lambda s=s: hire(s) for s in range(4)])
    assert len(wins) == 1 and len(refusals) == 3
    assert all("空编" in m or "不准超编进人" in m for m in refusals), refusals
    assert Person.objects.filter(unit=unit, in_establishment=True).count() == 2


def test_only_one_appointment_wins_the_last_post(setting):
    _, staff, unit = setting
    people = list(Person.objects.filter(unit=unit))
    people.append(
        make_person(unit, actor=staff, name="副手", id_number=make_id("621125", dt.date(1990, 4, 4), 9))
    )
    wins, refusals = race(
        [
            lambda p=p: services.person_change_post(
                person=p, leader_post="单位正职", occurred_on=TODAY, actor=staff
            )
            for p in people
        ]
    )
    assert len(wins) == 1 and all("不准超职数" in m for m in refusals)
    assert Person.objects.filter(unit=unit, leader_post="单位正职").count() == 1
