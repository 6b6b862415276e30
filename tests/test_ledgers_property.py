"""Property: whatever sequence of registry operations runs, the kept ledgers equal a full rebuild.

A Hypothesis state machine drives the real ``units`` services (create units and divisions, change
quotas and posts, 入编, 出编, 调动, 职务变动, limits, abolition, a bulk load) and ledger reversals;
after every step ``rebuild.differences()`` must be empty. Each example runs in a transaction that is
rolled back, so examples do not see each other.
"""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bianzhi.lib.idnumbers import make_id
from ledgers import services
from ledgers.models import UnitLedgerEntry
from ledgers.services import rebuild
from tests.builders.registry import make_document, make_person, make_region, make_slip, make_unit
from units import services as unit_services
from units import signals
from units.choices import ALLOWED_TYPES, LeaderPost, Nature, PostCategory, UnitStatus
from units.models import Person, Unit

NATURES = [Nature.ORGAN, Nature.CIVIL_PI, Nature.PUBLIC_INSTITUTION]
POSTS = [LeaderPost.NONE, LeaderPost.CHIEF, LeaderPost.DEPUTY]
DAY = dt.date(2021, 3, 1)
_bulk_seq = itertools.count(900)
pick = st.integers(min_value=0, max_value=1000)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.region = make_region()
        self.doc = make_document(self.region)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # -- helpers ----------------------------------------------------------------------------------------
    def live_units(self) -> list[Unit]:
        return list(
            Unit.objects.filter(status=UnitStatus.ACTIVE).exclude(nature=Nature.DIVISION).order_by("pk")
        )

    def people(self) -> list[Person]:
        return list(Person.objects.filter(in_establishment=True).order_by("pk"))

    def has_units(self) -> bool:
        return Unit.objects.filter(status=UnitStatus.ACTIVE).exclude(nature=Nature.DIVISION).exists()

    def has_people(self) -> bool:
        return Person.objects.filter(in_establishment=True).exists()

    @staticmethod
    def attempt(fn, **kwargs) -> None:
        try:
            fn(**kwargs)
        except ValidationError:
            pass  # refused by a rule: nothing may have been written

    # -- rules -------------------------------------------------------------------------------------------
    @rule(nature=st.sampled_from(NATURES), quota=st.integers(0, 4), deputies=st.integers(0, 2))
    def create_unit(self, nature, quota, deputies):
        self.attempt(
            make_unit,
            region=self.region,
            nature=nature,
            quotas={ALLOWED_TYPES[nature][0]: quota},
            posts={PostCategory.CHIEF: 1, PostCategory.DEPUTY: deputies},
            document=self.doc,
        )

    @precondition(has_units)
    @rule(i=pick)
    def create_division(self, i):
        units = self.live_units()
        self.attempt(
            make_unit,
            region=self.region,
            nature=Nature.DIVISION,
            parent=units[i % len(units)],
            document=self.doc,
        )

    @precondition(has_units)
    @rule(i=pick, t=st.integers(0, 1), n=st.integers(0, 6))
    def set_quota(self, i, t, n):
        unit = self.live_units()[i % len(self.live_units())]
        self.attempt(
            unit_services.quota_set,
            unit=unit,
            establishment_type=ALLOWED_TYPES[unit.nature][t],
            approved=n,
            document=self.doc,
            actor=None,
        )

    @precondition(has_units)
    @rule(i=pick, c=st.sampled_from(PostCategory.values), n=st.integers(0, 3))
    def set_posts(self, i, c, n):
        units = self.live_units()
        self.attempt(
            unit_services.leader_posts_set,
            unit=units[i % len(units)],
            category=c,
            approved=n,
            document=self.doc,
            actor=None,
        )

    @precondition(has_units)
    @rule(i=pick, post=st.sampled_from(POSTS), t=st.integers(0, 1))
    def enter(self, i, post, t):
        unit = self.live_units()[i % len(self.live_units())]
        self.attempt(
            make_person, unit=unit, leader_post=post, establishment_type=ALLOWED_TYPES[unit.nature][t]
        )

    @precondition(has_people)
    @rule(j=pick)
    def leave(self, j):
        people = self.people()
        self.attempt(
            unit_services.person_leave,
            person=people[j % len(people)],
            left_on=DAY,
            leave_reason="退休",
            actor=None,
        )

    @precondition(lambda self: self.has_people() and self.has_units())
    @rule(j=pick, i=pick, post=st.sampled_from(POSTS))
    def transfer(self, j, i, post):
        people, units = self.people(), self.live_units()
        to = units[i % len(units)]
        self.attempt(self._transfer, person=people[j % len(people)], to_unit=to, leader_post=post)

    @staticmethod
    def _transfer(*, person, to_unit, leader_post):
        etype = ALLOWED_TYPES[to_unit.nature][0]
        slip = make_slip(to_unit, etype)  # 核编在先 at the receiving unit
        unit_services.person_transfer(
            person=person,
            to_unit=to_unit,
            establishment_type=etype,
            occurred_on=DAY,
            leader_post=leader_post,
            actor=None,
            slip=slip,
        )

    @precondition(has_people)
    @rule(j=pick, post=st.sampled_from(POSTS))
    def change_post(self, j, post):
        people = self.people()
        self.attempt(
            unit_services.person_change_post,
            person=people[j % len(people)],
            leader_post=post,
            occurred_on=DAY,
            actor=None,
        )

    @rule(k=pick)
    def reverse(self, k):
        candidates = list(
            UnitLedgerEntry.objects.filter(reverses__isnull=True, reversed_by__isnull=True)
            .exclude(increase=0, decrease=0)
            .exclude(establishment_type="", post_category="")
            .order_by("pk")
        )
        if candidates:
            self.attempt(
                services.ledger_entry_reverse,
                entry=candidates[k % len(candidates)],
                reason="更正",
                actor=None,
            )

    @rule(limit_type=st.sampled_from(["行政编制", "事业编制"]), delta=st.integers(-5, 30).filter(bool))
    def add_limit(self, limit_type, delta):
        self.attempt(
            unit_services.limit_entry_add,
            region=self.region,
            limit_type=limit_type,
            delta=delta,
            document=self.doc,
            occurred_on=DAY,
            actor=None,
        )

    @precondition(has_units)
    @rule(i=pick)
    def end_unit(self, i):
        units = self.live_units()
        self.attempt(
            unit_services.unit_end,
            unit=units[i % len(units)],
            status=UnitStatus.ABOLISHED,
            occurred_on=DAY,
            document=self.doc,
            actor=None,
        )

    @precondition(has_units)
    @rule(i=pick, n=st.integers(1, 5))
    def bulk_load(self, i, n):
        """A bulk path writes people directly (超编 allowed) and announces the load once."""
        unit = self.live_units()[i % len(self.live_units())]
        birth = dt.date(1985, 3, 4)
        Person.objects.bulk_create(
            [
                Person(
                    unit=unit,
                    name=f"导入{k}",
                    id_number=make_id(self.region.code, birth, next(_bulk_seq)),
                    sex="男",
                    birth_date=birth,
                    establishment_type=ALLOWED_TYPES[unit.nature][0],
                    category="管理人员",
                    entered_on=dt.date(2016, 1, 1),
                )
                for k in range(n)
            ]
        )
        signals.registry_bulk_loaded.send(sender=None, region=self.region, unit_ids={unit.pk})

    @invariant()
    def ledgers_equal_rebuild(self):
        assert rebuild.differences().differences == []


@pytest.mark.django_db
def test_kept_ledgers_equal_a_full_rebuild_after_every_step():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
