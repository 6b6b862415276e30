"""Shared by the registry services: field lists, refusals, date and Document checks."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from archives.models import Document
from archives.services import require_citable
from bianzhi.roles import can, refuse_below, works_in
from units.choices import (
    UnitEventKind,
)
from units.models import (
    Unit,
)

UNIT_FIELDS = (
    "name",
    "credit_code",
    "parent",
    "nature",
    "system",
    "rank",
    "funding",
    "institution_class",
    "township",
    "is_confidential",
    "duties",
    "founding_document",
    "founded_on",
    "status",
)
PERSON_FIELDS = (
    "unit",
    "division",
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "title",
    "grade",
    "establishment_type",
    "category",
    "leader_post",
    "entered_on",
    "entry_doc_number",
    "entry_method",
    "is_military_transfer",
    "work_started_on",
    "duty_status",
    "in_establishment",
    "left_on",
    "leave_reason",
)
# Changing these needs a recorded reason (DOMAIN.md §2).
PERSON_KEY_FIELDS = ("name", "id_number", "birth_date", "establishment_type", "entered_on")
# What 信息变更 may change: the person's own facts (not where they are, their post or their leaving).
PERSON_EDITABLE = tuple(
    f
    for f in PERSON_FIELDS
    if f not in ("unit", "leader_post", "in_establishment", "left_on", "leave_reason")
)
# Unit attribute changes that are registry changes and need a Document, with their event kind.
UNIT_DOCUMENTED_CHANGES = {
    "name": UnitEventKind.RENAMED,
    "nature": UnitEventKind.NATURE,
    "rank": UnitEventKind.RANK,
    "parent": UnitEventKind.PARENT,
    "funding": UnitEventKind.FUNDING,
}


# Checks that higher apps register (from their AppConfig.ready()) and that ending a unit (撤销, or merging
# it away) consults: each ``check(unit) -> str | None`` returns a Chinese refusal, or None. E.g.
# ``registration``: a registered 事业单位 is ended only after its 注销登记 (units never imports them).
END_CHECKS: list = []


def end_refusals(unit: Unit) -> list[str]:
    """What the registered ``END_CHECKS`` say against ending ``unit`` (empty: nothing against it)."""
    return [message for check in END_CHECKS if (message := check(unit))]


def _fail(message: str, field: str | None = None) -> None:
    raise ValidationError({field: message} if field else message)


def _today() -> dt.date:
    return timezone.localdate()


def _require_document(document: Document | None, what: str) -> None:
    if document is None:
        _fail(f"{what}必须依据批准文件（文号），请先选择或登记文件。", "document")
    require_citable(document)


def _check_date(value: dt.date | None, label: str, unit: Unit | None = None) -> None:
    if value is None:
        return
    if value > _today():
        _fail(f"{label}不能晚于今天。")
    if unit is not None and unit.founded_on and value < unit.founded_on:
        _fail(f"{label}不能早于{unit.name}的设立日期（{unit.founded_on:%Y-%m-%d}）。")


def authorize_unit(actor, unit: Unit, *, capability: str = "edit_registry") -> None:
    """Office users holding ``capability`` in the unit's region, or a liaison granted the unit (its 法人
    unit for an internal division). ``actor=None`` is the system (bianzhi.roles)."""
    from units.selectors import liaison_unit_ids

    if actor is None:
        return
    if can(actor, capability, region=unit.region_id):
        return
    if unit.legal_unit.pk in liaison_unit_ids(actor):
        return
    if can(actor, capability) and works_in(actor, unit.region_id):  # a county below a city's office
        raise PermissionDenied(refuse_below(unit.region_id))
    raise PermissionDenied("只有编办工作人员或本单位联络员可以办理此事项。")


OWN_REQUEST = "不准越权审批：申请人不能审批自己提交的用编申请。"


def authorize_second_person(actor, filed_by_id: int | None) -> None:
    """Four eyes: whoever filed a request never decides it (``actor=None``, the system, may)."""
    if actor is not None and filed_by_id is not None and filed_by_id == actor.pk:
        raise PermissionDenied(OWN_REQUEST)


def require_document_of(document: Document | None, region, what: str) -> None:
    """A change cites a Document of its own region (never another county's), citable, and present."""
    _require_document(document, what)
    check_document_of(document, region, what)


def check_document_of(document: Document | None, region, what: str, field: str = "document") -> None:
    """An optional Document, when given, is citable and of the change's own region."""
    if document is None:
        return
    require_citable(document)
    if document.region_id != getattr(region, "pk", region):
        _fail(f"文件“{document.number}”不属于本区划，不能作为{what}的依据。", field)
