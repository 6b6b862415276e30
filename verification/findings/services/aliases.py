"""Unit matching: a partner's spelling of a unit that matched no register unit becomes another name
(其他名称) of the register unit the office chose; the next run matches it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from bianzhi.roles import authorize
from units import services as unit_services
from units.models import Unit, UnitAlias
from verification.compare.data import SOURCE_LABEL
from verification.findings.models import ComparisonRun


@transaction.atomic
def unmatched_alias_add(*, run: ComparisonRun, source: str, name: str, unit: Unit, actor) -> UnitAlias:
    """Add ``name`` (an unmatched unit of ``run``'s ``source`` data) as another name of ``unit`` (a unit
    of the run's region). Office administrators and staff of the region; audited by
    ``units.services.unit_alias_add`` (机构.添加其他名称)."""
    authorize(actor, "run_comparison", region=run.region_id)
    if name not in {item[0] for item in run.unmatched.get(source, [])}:
        raise ValidationError("该名称不在比对的未匹配单位中。")
    if unit.region_id != run.region_id:
        raise ValidationError("只能添加为本区划机构的其他名称。")
    return unit_services.unit_alias_add(
        unit=unit, name=name, actor=actor, reason=f"{SOURCE_LABEL[source]}数据比对未匹配单位"
    )
