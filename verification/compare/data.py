"""The engine's inputs as plain Python structures (no ORM): the register side and the partner rows.

The register comes from ``verification.findings.register.load_register`` (the database, read outside
the engine) or, in the bench and the property tests, is built in memory; partner rows come from ``sources.read_partner`` or are built in memory.
Partner rows are stored column-wise (lists and arrays) so a million-row file stays compact.
"""

from __future__ import annotations

import datetime as dt
from array import array
from dataclasses import dataclass, field

ORG, FINANCE, SI = "org", "finance", "si"
REGISTER = "register"
PARTNER_SOURCES = (ORG, FINANCE, SI)
SOURCE_LABEL = {REGISTER: "实名制", ORG: "组织部门", FINANCE: "财政部门", SI: "人社部门"}
LABEL_SOURCE = {v: k for k, v in SOURCE_LABEL.items()}

# The register's words the engine and the workbook need (``units.choices`` spells them for the
# database; tests/test_compare_codes.py checks that the two agree): unit natures and, per nature,
# the establishment types of 附件2–4's columns.
ORGAN, CIVIL_PI, PUBLIC_INSTITUTION, DIVISION = "行政机关", "参公事业单位", "事业单位", "内设机构"
ANNEX_TYPES: dict[str, tuple[str, ...]] = {
    ORGAN: ("行政编制", "政法专项编制", "工勤编制"),
    CIVIL_PI: ("参公事业编制", "工勤编制"),
    PUBLIC_INSTITUTION: ("事业编制", "工勤编制"),
}

# Register person tuple: (name, legal unit id, 编制类型, 人员类别, 领导职务, 是否军转干部)
P_NAME, P_UNIT, P_TYPE, P_CATEGORY, P_POST, P_MILITARY = range(6)
Person = tuple[str, int, str, str, str, bool]


@dataclass(slots=True)
class RegUnit:
    """A unit of the register: ``parent_id`` matters for internal divisions (they count for it)."""

    id: int
    name: str
    nature: str
    funding: str = ""
    credit_code: str = ""
    parent_id: int | None = None
    township: str = ""
    live: bool = True

    @property
    def is_division(self) -> bool:
        return self.nature == DIVISION


@dataclass
class Register:
    """The register side at one moment: units, aliases, people in establishment, quotas and posts."""

    units: dict[int, RegUnit]
    people: dict[str, Person]
    aliases: list[tuple[int, str]] = field(default_factory=list)
    quotas: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)  # (approved, 军转 earmark)
    posts: dict[tuple[int, str], int] = field(default_factory=dict)
    cutoff: dt.date | None = None
    baseline: set[int] = field(default_factory=set)  # units whose figures at the cut-off come from 建账

    def legal_id(self, unit_id: int) -> int:
        unit = self.units.get(unit_id)
        if unit is not None and unit.is_division and unit.parent_id is not None:
            return unit.parent_id
        return unit_id


@dataclass
class SourceRows:
    """The valid rows of one partner file, column-wise.

    ``ids`` holds the normalised ID number, or "" when it is invalid (then ``raw_ids`` keeps the text
    as given). ``unit_refs`` points into ``units`` (distinct (name as written, credit code) pairs) and
    ``extras`` into ``extra_values`` (org: (人员类别, 领导职务); finance: 经费形式; si: 参保状态).
    """

    source: str
    sheet: str = "Sheet1"
    filename: str = ""
    lines: array = field(default_factory=lambda: array("I"))
    names: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    raw_ids: dict[int, str] = field(default_factory=dict)
    unit_refs: array = field(default_factory=lambda: array("I"))
    units: list[tuple[str, str]] = field(default_factory=list)
    extras: array = field(default_factory=lambda: array("H"))
    extra_values: list = field(default_factory=list)
    _unit_index: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _extra_index: dict = field(default_factory=dict, repr=False)

    def add(
        self,
        line: int,
        name: str,
        id_number: str,
        unit_name: str,
        credit_code: str = "",
        extra=None,
        raw_id: str | None = None,
    ) -> None:
        """Append one row; ``id_number`` is the normalised number or "" (then give ``raw_id``)."""
        index = len(self.names)
        self.lines.append(line)
        self.names.append(name)
        self.ids.append(id_number)
        if not id_number:
            self.raw_ids[index] = raw_id or ""
        key = (unit_name, credit_code)
        ref = self._unit_index.get(key)
        if ref is None:
            ref = self._unit_index[key] = len(self.units)
            self.units.append(key)
        self.unit_refs.append(ref)
        code = self._extra_index.get(extra)
        if code is None:
            code = self._extra_index[extra] = len(self.extra_values)
            self.extra_values.append(extra)
        self.extras.append(code)

    def __len__(self) -> int:
        return len(self.names)

    def extra(self, index: int):
        return self.extra_values[self.extras[index]]
