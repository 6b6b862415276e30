"""Units with their quotas and posts as partner systems take them (the budget system's 编制数据, the API's
registry): one row per live 法人 unit of the regions asked for, figures of today.

Never a confidential unit (是否涉密 = 是): its figures leave the building on paper, by the rules for
secrets, not through an interface or a file made for another department. Never a person: the figures
are counts (核定数 approved, 实有数 people in establishment, 空编数 = approved − people, negative for
超编; 职数 核定 and 实配), as in 表一 (FORMATS.md §4).

Read by ``api/endpoints/registry.py`` (units with nested quotas and posts) and ``api/endpoints/budget.py``
(the flat rows as JSON, and as one xlsx sheet: ``budget_workbook``). Queries per page are constant:
the units, then ``units.selectors.establishment_for`` (five queries whatever the number of units).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from bianzhi import audit
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name
from units.choices import Funding, Nature, PostCategory, UnitStatus
from units.models import Unit, UnitAlias
from units.selectors import Establishment, establishment_for

SHEET = "单位编制"
CHUNK = 500  # units per establishment_for call when the whole list is written

# 编制类型 -> the JSON key's stem
TYPE_KEYS = {
    "行政编制": "admin",
    "政法专项编制": "political_legal",
    "参公事业编制": "civil_pi",
    "事业编制": "public",
    "工勤编制": "support",
}
POST_KEYS = {
    PostCategory.CHIEF: ("chief", "单位正职"),
    PostCategory.DEPUTY: ("deputy", "单位副职"),
    PostCategory.DIVISION: ("division", "内设机构领导"),
}


@dataclass(frozen=True)
class Column:
    key: str  # the JSON field
    header: str  # the xlsx header
    meaning: str  # docs/api.md


def _columns() -> list[Column]:
    cols = [
        Column("unit_id", "系统编号", "本系统中单位的编号，长期不变（单位更名也不变），用于对接"),
        Column("region_code", "区划代码", "GB/T 2260 六位行政区划代码"),
        Column("region_name", "区划名称", ""),
        Column("name", "单位名称", "机构名称（全称）"),
        Column("credit_code", "统一社会信用代码", "GB 32100 十八位代码；未登记的为空"),
        Column("supervisor", "主管部门", "上级（主管）单位的名称；无则为空"),
        Column("nature", "机构性质", "行政机关 / 参公事业单位 / 事业单位"),
        Column(
            "system",
            "系统类别",
            "党委 / 人大 / 政府 / 政协 / 纪委监委 / 法院 / 检察院 / 民主党派 / 群团 / 乡镇",
        ),
        Column("rank", "机构规格", "正处级 / 副处级 / 正科级 / 副科级 / 股级 / 未定级"),
        Column("funding", "经费形式", "全额拨款 / 差额补贴 / 自收自支"),
        Column(
            "institution_class",
            "事业单位类别",
            "公益一类 / 公益二类 / 承担行政职能 / 从事生产经营活动 / 未分类；非事业单位为空",
        ),
        Column("township", "所在乡镇", "乡镇名称；县直单位为“县直”"),
    ]
    for etype, stem in TYPE_KEYS.items():
        cols += [
            Column(f"{stem}_approved", f"{etype}核定数", f"{etype}的核定数"),
            Column(f"{stem}_occupied", f"{etype}实有数", f"占用{etype}的在编人数"),
            Column(f"{stem}_vacancy", f"{etype}空编数", "核定数 − 实有数；负数为超编"),
        ]
    cols += [
        Column("total_approved", "编制合计核定数", "以上五类编制核定数之和"),
        Column("total_occupied", "编制合计实有数", "以上五类编制实有数之和"),
        Column("total_vacancy", "编制合计空编数", "合计核定数 − 合计实有数"),
    ]
    for key, label in POST_KEYS.values():
        holders = "内设机构正职、副职" if key == "division" else label
        cols += [
            Column(f"{key}_posts_approved", f"{label}核定职数", f"{label}职数的核定数"),
            Column(f"{key}_posts_held", f"{label}实配数", f"担任{holders}的在编人数"),
        ]
    cols.append(Column("as_of", "数据日期", "数据所反映的日期（导出当日）"))
    return cols


COLUMNS = _columns()


def open_units(region_ids: Iterable[int] | None) -> QuerySet[Unit]:
    """The live 法人 units of the regions (None: every region, ``bianzhi.roles.region_ids`` of a
    superuser) that may leave the building: no internal division (counted in its unit), no confidential
    unit. Ordered as the registry lists them."""
    units = Unit.objects.filter(status=UnitStatus.ACTIVE, is_confidential=False)
    if region_ids is not None:
        units = units.filter(region_id__in=sorted(region_ids))
    return (
        units.exclude(nature=Nature.DIVISION)
        .select_related("region", "parent")
        .order_by("region__code", "sort_order", "id")
    )


def filter_open_units(
    units: QuerySet[Unit], *, q: str = "", nature: str = "", funding: str = "", township: str = ""
) -> QuerySet[Unit]:
    """The API's filters: a name, credit code or other name containing ``q``; nature; funding; township
    (``县直`` for the county's own units)."""
    q = (q or "").strip()
    if q:
        aliases = UnitAlias.objects.filter(name__icontains=q).values("unit_id")
        units = units.filter(Q(name__icontains=q) | Q(credit_code__icontains=q) | Q(pk__in=aliases))
    if nature:
        units = units.filter(nature=nature)
    if funding in Funding.values:
        units = units.filter(funding=funding)
    if township:
        units = units.filter(township="" if township == "县直" else township)
    return units


def open_unit(region_ids: Iterable[int], pk: int) -> Unit | None:
    """One unit of ``open_units``, or None (the caller answers 404)."""
    return open_units(region_ids).filter(pk=pk).first()


def _supervisor(unit: Unit) -> str:
    return unit.parent.name if unit.parent_id and unit.parent else ""


def unit_fields(unit: Unit) -> dict[str, Any]:
    """The unit's own columns (no figures)."""
    return {
        "unit_id": unit.pk,
        "region_code": unit.region.code,
        "region_name": unit.region.name,
        "name": unit.name,
        "credit_code": unit.credit_code,
        "supervisor": _supervisor(unit),
        "nature": unit.nature,
        "system": unit.system,
        "rank": unit.rank,
        "funding": unit.funding,
        "institution_class": unit.institution_class,
        "township": unit.township or "县直",
    }


def _figures(est: Establishment) -> dict[str, int]:
    out: dict[str, int] = {}
    for etype, stem in TYPE_KEYS.items():
        line = est.types.get(etype)
        approved, occupied = (line.approved, line.occupied) if line else (0, 0)
        out |= {
            f"{stem}_approved": approved,
            f"{stem}_occupied": occupied,
            f"{stem}_vacancy": approved - occupied,
        }
    out |= {
        "total_approved": est.approved_total,
        "total_occupied": est.occupied_total,
        "total_vacancy": est.approved_total - est.occupied_total,
    }
    for category, (key, _label) in POST_KEYS.items():
        line = est.posts.get(category)
        out |= {
            f"{key}_posts_approved": line.approved if line else 0,
            f"{key}_posts_held": line.held if line else 0,
        }
    return out


def budget_rows(units: Sequence[Unit], *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """One flat row per unit (``COLUMNS``' keys), in five queries whatever the number of units."""
    day = as_of or timezone.localdate()
    figures = establishment_for(units)
    return [unit_fields(u) | _figures(figures[u.pk]) | {"as_of": day} for u in units]


def registry_items(units: Sequence[Unit]) -> list[dict[str, Any]]:
    """Units with their quotas by type (核定 / 实有 / 空编, the types the nature allows plus any held) and
    their leader posts (核定 / 实配), for ``/api/v1/registry/units``."""
    figures = establishment_for(units)
    items = []
    for u in units:
        est = figures[u.pk]
        items.append(
            unit_fields(u)
            | {
                "quotas": [
                    {
                        "establishment_type": t,
                        "approved": line.approved,
                        "occupied": line.occupied,
                        "vacancy": line.vacancy,
                        "military_earmark": line.military_earmark,
                    }
                    for t, line in est.types.items()
                ],
                "posts": [
                    {"category": c, "approved": line.approved, "held": line.held}
                    for c, line in est.posts.items()
                ],
            }
        )
    return items


def _all_rows(units: QuerySet[Unit], day: dt.date, count: list[int]) -> Iterator[list[Any]]:
    batch: list[Unit] = []
    for unit in units.iterator(chunk_size=CHUNK):
        batch.append(unit)
        if len(batch) == CHUNK:
            yield from _as_lists(batch, day, count)
            batch = []
    if batch:
        yield from _as_lists(batch, day, count)


def _as_lists(batch: list[Unit], day: dt.date, count: list[int]) -> Iterator[list[Any]]:
    for row in budget_rows(batch, as_of=day):
        count[0] += 1
        yield [row[c.key] for c in COLUMNS]


def budget_workbook(units: QuerySet[Unit], *, actor, region=None) -> tuple[bytes, int]:
    """(the workbook, its row count): every unit of ``units`` (``open_units``) as one sheet 单位编制 with
    a header row (``COLUMNS``), the exporter and time in a trailing sheet 导出说明. Audited as
    导出.单位编制数据 (rows)."""
    count = [0]
    day = timezone.localdate()
    widths = {4: 30, 5: 22, 6: 24}
    data = workbook_bytes(
        [SheetSpec(SHEET, [c.header for c in COLUMNS], _all_rows(units, day, count), widths=widths)],
        exported_by=actor_name(actor),
        note="涉密单位不在其中；空编数为负表示超编。",
    )
    audit.record(
        actor=actor,
        action="导出.单位编制数据",
        region=region,
        target_repr="单位编制数据（预算系统格式）",
        after={"rows": count[0], "as_of": day.isoformat()},
    )
    return data, count[0]
