"""A plan's stage windows moved as a whole (windows_set): checked together, refused as a whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bianzhi.models import AuditEntry
from tests.builders.campaign import make_campaign
from verification.campaign import services as cs
from verification.campaign.models import Stage

pytestmark = pytest.mark.django_db


def _plan(start: dt.date) -> dict:
    d = lambda n: start + dt.timedelta(days=n)  # noqa: E731
    return {
        Stage.SELF_CHECK: (d(0), d(15)),
        Stage.NOTICE: (d(15), d(25)),
        Stage.COMPARISON: (d(25), d(45)),
        Stage.ONSITE: (d(45), d(65)),
        Stage.SAMPLING: (d(66), d(80)),
        Stage.UPDATE: (d(66), d(80)),
    }


def test_a_whole_plan_moves_in_one_step(unit_a, office_staff):
    campaign = make_campaign(unit_a.region, office_staff)
    plan = _plan(dt.date(2026, 9, 1))
    # one stage at a time this plan could not be reached (each step would break the order)
    with pytest.raises(ValidationError):
        cs.window_set(
            campaign=campaign,
            stage=Stage.ONSITE,
            starts_on=plan[Stage.ONSITE][0],
            ends_on=dt.date(2026, 9, 2),
            actor=office_staff,
            reason="调整",
        )
    cs.windows_set(campaign=campaign, windows=plan, actor=office_staff, reason="按县实施方案")
    assert {w.stage: (w.starts_on, w.ends_on) for w in campaign.windows.all()} == plan
    entry = AuditEntry.objects.filter(action="核查.调整环节时间").latest("pk")
    assert set(entry.after) == set(plan) and entry.reason == "按县实施方案"


def test_refusals_leave_every_window_as_it_was(unit_a, office_staff, supervisor, liaison_a):
    campaign = make_campaign(unit_a.region, office_staff)
    before = {w.stage: (w.starts_on, w.ends_on) for w in campaign.windows.all()}
    plan = _plan(dt.date(2026, 9, 1))
    bad = plan | {Stage.NOTICE: (dt.date(2026, 8, 1), dt.date(2026, 8, 5))}  # before 单位自查
    with pytest.raises(ValidationError, match="实施方案的顺序"):
        cs.windows_set(campaign=campaign, windows=bad, actor=office_staff, reason="调整")
    with pytest.raises(ValidationError, match="原因"):
        cs.windows_set(campaign=campaign, windows=plan, actor=office_staff, reason=" ")
    with pytest.raises(ValidationError, match="结束日期早于开始日期"):
        cs.windows_set(
            campaign=campaign,
            windows={Stage.NOTICE: (dt.date(2026, 9, 20), dt.date(2026, 9, 1))},
            actor=office_staff,
            reason="调整",
        )
    for actor in (supervisor, liaison_a):
        with pytest.raises(PermissionDenied, match="编办工作人员"):
            cs.windows_set(campaign=campaign, windows=plan, actor=actor, reason="调整")
    assert {w.stage: (w.starts_on, w.ends_on) for w in campaign.windows.all()} == before
    assert not AuditEntry.objects.filter(action="核查.调整环节时间").exists()
