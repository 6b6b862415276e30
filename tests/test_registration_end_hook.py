"""The units hook (units.services.common.END_CHECKS): ending a unit — 撤销 or merging it away — consults
the checks higher apps register, and each refusal is shown as it is. (registration registers one.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.builders.registry import make_document, make_unit
from units.choices import UnitStatus
from units.services import common
from units.services.reform import merge_preview
from units.services.registry import unit_end


@pytest.fixture
def refusing():
    def check(unit):
        return f"{unit.name}尚未办理注销登记。" if unit.name.startswith("拒") else None

    common.END_CHECKS.append(check)
    yield check
    common.END_CHECKS.remove(check)


def test_unit_end_asks_the_registered_checks(region, office_staff, refusing):
    unit = make_unit(region, "拒绝撤销的中心")
    with pytest.raises(ValidationError) as exc:
        unit_end(
            unit=unit,
            status=UnitStatus.ABOLISHED,
            occurred_on=dt.date(2024, 1, 2),
            document=make_document(region),
            actor=office_staff,
        )
    assert "拒绝撤销的中心尚未办理注销登记。" in exc.value.messages
    unit.refresh_from_db()
    assert unit.status == UnitStatus.ACTIVE
    other = make_unit(region, "可以撤销的中心")
    unit_end(
        unit=other,
        status=UnitStatus.ABOLISHED,
        occurred_on=dt.date(2024, 1, 2),
        document=make_document(region),
        actor=office_staff,
    )
    other.refresh_from_db()
    assert other.status == UnitStatus.ABOLISHED


def test_merging_a_unit_away_asks_the_registered_checks(region, office_staff, refusing):
    source = make_unit(region, "拒绝合并的中心", quotas={})
    target = make_unit(region, "接收单位")
    plan = merge_preview(
        source=source, actor=office_staff, target=target, document=make_document(region), people=[]
    )
    assert "拒绝合并的中心尚未办理注销登记。" in plan.refusals
    partial = merge_preview(
        source=source,
        actor=office_staff,
        target=target,
        document=make_document(region),
        people=[],
        abolish_source=False,
    )
    assert "拒绝合并的中心尚未办理注销登记。" not in partial.refusals
