"""Exporting units and staff as the FORMATS.md §1/§2 workbooks (re-importing one changes nothing).

Every export is audited (who, how many rows, which filters) and carries the exporter's name and
time in a trailing sheet 导出说明; cells that begin with = + - @ are neutralised by write_workbook.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from bianzhi import audit
from bianzhi.lib.idnumbers import full_ids, show_id
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name
from units.choices import Funding, Nature, System, UnitEventKind, UnitStatus
from units.imports import common as sheet
from units.models import LeaderPostQuota, Person, Quota, QuotaLimitEntry, Unit, UnitAlias, UnitEvent
from units.services.common import PERSON_FIELDS, UNIT_FIELDS

FILTER_KEYS = ("q", "nature", "system", "township", "funding", "status", "over")


def filter_units(units: QuerySet[Unit], params) -> tuple[QuerySet[Unit], dict[str, str]]:
    """The unit-list filters (q, nature, system, township, funding, status, over) applied to a queryset.

    ``status`` defaults to 正常 (live units); ``status=all`` keeps every unit. Returns the filtered
    queryset and the filters actually used (for the audit row).
    """
    used = {k: (params.get(k) or "").strip() for k in FILTER_KEYS if (params.get(k) or "").strip()}
    q = used.get("q")
    if q:
        alias_ids = UnitAlias.objects.filter(name__icontains=q).values("unit_id")
        units = units.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(pk__in=alias_ids))
    if used.get("nature") in Nature.values:
        units = units.filter(nature=used["nature"])
    if used.get("system") in System.values:
        units = units.filter(system=used["system"])
    if used.get("funding") in Funding.values:
        units = units.filter(funding=used["funding"])
    if "township" in used:
        units = units.filter(township="" if used["township"] == "县直" else used["township"])
    status = used.get("status", UnitStatus.ACTIVE)
    if status in UnitStatus.values:
        units = units.filter(status=status)
    if used.get("over") in ("1", "true", "on", "quota"):
        from units.selectors import over_quota_unit_ids

        units = units.filter(pk__in=over_quota_unit_ids(units))
    return units, used


def _approval_numbers(unit_ids: list[int]) -> dict[int, str]:
    """Each unit's latest 核定文号: the Document of its latest quota or post change."""
    rows = (
        UnitEvent.objects.filter(
            unit_id__in=unit_ids, document__isnull=False, kind__in=(UnitEventKind.QUOTA, UnitEventKind.POSTS)
        )
        .order_by("occurred_on", "id")
        .values_list("unit_id", "document__number")
    )
    return dict(rows)


def _unit_rows(units: list[dict[str, Any]]) -> list[list[Any]]:
    ids = [u["pk"] for u in units]
    quotas: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for unit_id, etype, n, earmark in Quota.objects.filter(unit_id__in=ids).values_list(
        "unit_id", "establishment_type", "approved", "military_earmark"
    ):
        quotas[unit_id][etype] = (n, earmark)
    posts: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, category, n in LeaderPostQuota.objects.filter(unit_id__in=ids).values_list(
        "unit_id", "category", "approved"
    ):
        posts[unit_id][category] = n
    aliases: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in (
        UnitAlias.objects.filter(unit_id__in=ids).order_by("id").values_list("unit_id", "name")
    ):
        aliases[unit_id].append(name)
    approvals = _approval_numbers(ids)
    out = []
    for u in units:
        q, p = quotas.get(u["pk"], {}), posts.get(u["pk"], {})
        out.append(
            [
                u["name"],
                u["credit_code"],
                "；".join(aliases.get(u["pk"], [])),
                u["parent__name"] or "",
                u["nature"],
                u["system"],
                u["rank"],
                u["funding"],
                u["institution_class"],
                u["township"],
                u["is_confidential"],
                u["duties"],
                u["founding_document__number"] or "",
                u["founded_on"],
                *[q.get(t, (0, 0))[0] for t in sheet.QUOTA_COLUMNS],
                q.get("行政编制", (0, 0))[1],
                *[p.get(cat, 0) for cat in sheet.POST_COLUMNS.values()],
                approvals.get(u["pk"], ""),
            ]
        )
    return out


def units_workbook(units_qs: QuerySet[Unit], *, actor, filters: dict | None = None) -> bytes:
    """The units workbook (sheet 机构, and 限额 for the regions concerned). Audited as 导出.机构."""
    units = list(
        units_qs.order_by("sort_order", "id").values(
            "pk",
            "region_id",
            "name",
            "credit_code",
            "parent__name",
            *UNIT_FIELDS[UNIT_FIELDS.index("nature") : UNIT_FIELDS.index("founding_document")],
            "founding_document__number",
            "founded_on",
        )
    )
    regions = {u["region_id"] for u in units}
    limits = (
        QuotaLimitEntry.objects.filter(region_id__in=regions)
        .order_by("occurred_on", "id")
        .values_list("occurred_on", "document__number", "limit_type", "delta", "note")
    )
    sheets = [
        SheetSpec(sheet.UNITS_SHEET, sheet.UNIT_HEADERS, _unit_rows(units), widths={1: 30, 4: 24, 12: 40})
    ]
    if limits:
        sheets.append(SheetSpec(sheet.LIMITS_SHEET, sheet.LIMIT_HEADERS, [list(r) for r in limits]))
    data = workbook_bytes(sheets, exported_by=actor_name(actor), note=f"机构 {len(units)} 条")
    audit.record(
        actor=actor,
        action="导出.机构",
        region=_one_region(regions),
        target_repr="机构",
        after={"rows": len(units), "filters": filters or {}},
    )
    return data


def _one_region(regions: set[int]):
    from bianzhi.models import Region

    return Region.objects.filter(pk=next(iter(regions))).first() if len(regions) == 1 else None


# The staff sheet's columns: the unit and division by name, then the person's fields up to 在岗状态.
STAFF_FIELDS = ("unit__name", "division__name", *PERSON_FIELDS[2 : PERSON_FIELDS.index("in_establishment")])


def staff_workbook(
    people_qs: QuerySet[Person], *, actor, filters: dict | None = None, progress=None
) -> bytes:
    """The staff workbook (sheet 实有人员) of the people in establishment, ID numbers full or masked as
    ``full_ids(actor)`` decides. Audited as 导出.实有人员. ``progress`` (a background job's) is advanced
    by each row written."""
    full = full_ids(actor)
    id_at = STAFF_FIELDS.index("id_number")
    people = people_qs.filter(in_establishment=True).order_by("unit__sort_order", "unit_id", "id")
    count = 0
    regions: set[int] = set()

    def rows():
        nonlocal count
        for row in people.values_list("unit__region_id", *STAFF_FIELDS).iterator(chunk_size=2000):
            count += 1
            regions.add(row[0])
            values = [*row[1:]]
            values[id_at] = show_id(values[id_at], full=full)
            yield values
            if progress is not None:
                progress.advance()

    data = workbook_bytes(
        [SheetSpec(sheet.STAFF_SHEET, sheet.STAFF_HEADERS, rows(), widths={1: 30, 4: 22})],
        exported_by=actor_name(actor),
    )
    audit.record(
        actor=actor,
        action="导出.实有人员",
        region=_one_region(regions) if regions else None,
        target_repr="实有人员",
        after={"rows": count, "filters": filters or {}, "full_ids": full},
    )
    return data


EARMARK_COLUMN = sheet.EARMARK_COLUMN

__all__ = ["EARMARK_COLUMN", "filter_units", "staff_workbook", "units_workbook"]
