"""Regions (行政区划): the one way a real county enters the database (FORMATS.md §5 ``add_region``)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from bianzhi import audit
from bianzhi.models import PARENT_LEVELS, Region, RegionLevel, level_from_code
from bianzhi.roles import authorize

# GB/T 2260 province-level prefixes: 11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门.
PROVINCE_PREFIXES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82}
)


def clean_region_code(code: str) -> str:
    """The code as six ASCII digits with a real province prefix, or ValidationError (Chinese)."""
    text = (code or "").strip()
    if not re.fullmatch(r"[0-9]{6}", text):
        raise ValidationError(f"区划代码“{text[:20]}”无效：应为六位数字（GB/T 2260）。", code="code")
    if int(text[:2]) not in PROVINCE_PREFIXES:
        raise ValidationError(f"区划代码“{text}”无效：前两位应为省级代码（11–82），如 621125。", code="code")
    return text


@transaction.atomic
def region_add(
    code: str, name: str, *, parent: str | Region | None = None, level: str | None = None, actor=None
) -> tuple[Region, bool]:
    """Create the 行政区划 ``code`` named ``name`` (under ``parent``, a code or a Region) and audit it.

    ``level`` (省级/市级/县级) defaults to the code's (``xx0000`` 省级, ``xxxx00`` 市级, else 县级; give it for
    the exceptions). The hierarchy is checked (issue 17): a county under a city or a province, a city under
    a province, a province under nothing, and the code within its parent's (GB/T 2260 prefix).

    Idempotent: the same code with the same name changes nothing and returns (region, False). An existing
    code with another name, a bad code or an unknown parent raises ValidationError. With an actor, only the
    system administrator may add a region (actor None = the system: the ``add_region`` command)."""
    authorize(actor, "manage_users")
    code = clean_region_code(code)
    name = (name or "").strip()
    if not name or len(name) > Region._meta.get_field("name").max_length:
        raise ValidationError("区划名称不能为空，且不超过50个字符。", code="name")
    if level in (None, ""):
        level = level_from_code(code)
    if level not in RegionLevel.values:
        raise ValidationError(f"区划层级“{level}”无效：应为省级、市级或县级。", code="level")
    parent_region = _parent(parent, code)
    if parent_region is not None:
        check_hierarchy(code, level, parent_region)
    existing = Region.objects.select_for_update().filter(code=code).first()
    if existing is not None:
        if existing.name != name:
            raise ValidationError(f"区划代码 {code} 已登记为“{existing.name}”，不能再登记为“{name}”。")
        if parent_region is not None and existing.parent_id != parent_region.pk:
            raise ValidationError(f"区划 {existing} 已登记，上级区划不是 {parent_region}。")
        return existing, False
    region = Region.objects.create(code=code, name=name, parent=parent_region, level=level)
    audit.record(
        actor=actor,
        action="区划.新增",
        target=region,
        region=region,
        after={
            "code": code,
            "name": name,
            "level": level,
            "parent": parent_region.code if parent_region else None,
        },
    )
    return region, True


def _parent(parent: str | Region | None, code: str) -> Region | None:
    if parent is None or parent == "":
        return None
    if isinstance(parent, Region):
        return parent
    parent_code = clean_region_code(str(parent))
    if parent_code == code:
        raise ValidationError("上级区划不能是该区划本身。")
    found = Region.objects.filter(code=parent_code).first()
    if found is None:
        raise ValidationError(f"上级区划 {parent_code} 尚未登记，请先登记上级区划。")
    return found


def check_hierarchy(code: str, level: str, parent: Region) -> None:
    """A county under a city or a province, a city under a province; the code within the parent's
    (a city's first four digits, a province's first two). ValidationError (Chinese) otherwise."""
    allowed = PARENT_LEVELS[RegionLevel(level)]
    if not allowed:
        raise ValidationError(f"{level}区划不能有上级区划。", code="parent")
    if parent.level not in allowed:
        wanted = "或".join(sorted(allowed, key=list(RegionLevel).index, reverse=True))
        raise ValidationError(
            f"{level}区划的上级应为{wanted}区划，{parent}是{parent.level}区划。", code="parent"
        )
    digits = 2 if parent.level == RegionLevel.PROVINCE else 4
    if code[:digits] != parent.code[:digits]:
        raise ValidationError(
            f"区划代码 {code} 不在上级区划{parent}之内：前{digits}位应为 {parent.code[:digits]}。",
            code="parent",
        )


@transaction.atomic
def region_move(region: Region, *, parent: Region | None, actor=None) -> Region:
    """Put an existing region under ``parent`` (or at the top with None): a county that was installed on its
    own joins its city when the city's office comes into the installation (issue 17). The hierarchy is
    checked as for a new region; audited (区划.调整上级). The system administrator (or the system)."""
    authorize(actor, "manage_users")
    region = Region.objects.select_for_update().get(pk=region.pk)
    if parent is not None:
        if parent.pk == region.pk:
            raise ValidationError("上级区划不能是该区划本身。")
        check_hierarchy(region.code, region.level, parent)
    before = region.parent.code if region.parent_id else None
    if region.parent_id == (parent.pk if parent else None):
        return region
    region.parent = parent
    region.save(update_fields=["parent"])
    audit.record(
        actor=actor,
        action="区划.调整上级",
        target=region,
        region=region,
        before={"parent": before},
        after={"parent": parent.code if parent else None},
    )
    return region
