"""Shared by the registry services: field lists, refusals, date and Document checks."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from archives.models import Document
from archives.services import require_citable
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
PERSON_EDITABLE = (
    "name",
    "id_number",
    "birth_date",
    "sex",
    "ethnicity",
    "political_status",
    "education",
    "title",
    "grade",
    "division",
    "category",
    "entered_on",
    "entry_doc_number",
    "entry_method",
    "is_military_transfer",
    "work_started_on",
    "duty_status",
    "establishment_type",
)
# Unit attribute changes that are registry changes and need a Document, with their event kind.
UNIT_DOCUMENTED_CHANGES = {
    "name": UnitEventKind.RENAMED,
    "nature": UnitEventKind.NATURE,
    "rank": UnitEventKind.RANK,
    "parent": UnitEventKind.PARENT,
    "funding": UnitEventKind.FUNDING,
}


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
