"""Reading the liaison workbook (sheet 联络员, else the first sheet): 单位名称, 姓名, 手机, 账号.

Read through the bounded workbook reader (size and row limits as every import, FORMATS.md §0). Each
problem is a RowError ``联络员 第N行 列名: 说明``; the plan is written only when there is none.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.services.common import PHONE, USERNAME, authorize_account, user_model
from bianzhi.lib.xlsx import RowError, map_headers
from bianzhi.roles import Role, user_roles
from units.choices import Nature, UnitStatus
from units.imports import RowReader
from units.imports.common import open_sheet
from units.models import Unit, UnitAlias

SHEET = "联络员"
HEADERS = ["单位名称", "姓名", "手机", "账号"]
ALIASES = {"单位名称": ("单位", "工作单位"), "手机": ("手机号码", "手机号", "联系电话"), "账号": ("用户名",)}


@dataclass
class PlannedLiaison:
    """One account the import creates (``existing`` None) or reuses, and the units it is granted."""

    username: str
    full_name: str
    phone: str
    row: int
    existing: object | None = None
    units: list[Unit] = field(default_factory=list)


class _Units:
    """Live 法人 units of the region by name and by other name (内设机构 never match)."""

    def __init__(self, region):
        self.by_id = {
            u.pk: u
            for u in Unit.objects.filter(region=region, status=UnitStatus.ACTIVE)
            .exclude(nature=Nature.DIVISION)
            .select_related("region")
        }
        self.by_name = {u.name: u for u in self.by_id.values()}
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        for unit_id, name in UnitAlias.objects.filter(unit_id__in=list(self.by_id)).values_list(
            "unit_id", "name"
        ):
            self.by_alias[name].add(unit_id)

    def find(self, name: str) -> tuple[Unit | None, str]:
        if name in self.by_name:
            return self.by_name[name], ""
        found = self.by_alias.get(name, set())
        if len(found) == 1:
            return self.by_id[next(iter(found))], ""
        if found:
            names = "、".join(sorted(self.by_id[i].name for i in found))
            return None, f"“{name[:50]}”同时是{names}的其他名称，请填写单位全称"
        return (
            None,
            f"“{name[:50]}”不是本区划现有的法人单位（按机构名称或其他名称匹配，内设机构不能设联络员）",
        )


def plan_liaisons(source, *, filename: str, region, actor, report) -> list[PlannedLiaison] | None:
    opened = open_sheet(source, filename, SHEET, report)
    if opened is None:
        return None
    _data, sheet = opened
    headers = map_headers(sheet.header, {c: ALIASES.get(c, ()) for c in HEADERS}, HEADERS)
    report.warnings += [f"工作表“{sheet.name}”的列“{t[:50]}”无法识别，已忽略。" for t in headers.unknown]
    if headers.missing:
        report.errors += [RowError(sheet.name, 1, c, "缺少必填列") for c in headers.missing]
        return None
    units = _Units(region)
    planned: dict[str, PlannedLiaison] = {}
    seen_units: dict[tuple[str, int], int] = {}
    for row, values in sheet.rows:
        report.rows_read += 1
        r = RowReader(sheet.name, row, values, headers.index, report.errors)
        unit_name = r.text("单位名称", required=True, max_length=100)
        full_name = r.text("姓名", required=True, max_length=50)
        phone = "".join(r.text("手机", required=True).split()).replace("-", "")
        username = r.text("账号", required=True)
        unit = None
        if unit_name:
            unit, problem = units.find(unit_name)
            if problem:
                r.error("单位名称", problem)
        if phone and not PHONE.fullmatch(phone):
            r.error("手机", f"“{phone[:20]}”不是有效的手机号码（以1开头的11位数字）")
        if username and not USERNAME.fullmatch(username):
            r.error("账号", "账号应为2–150个字母、数字或 _ . @ + - 符号")
        if r.failed:
            continue
        key = username.lower()
        person = planned.get(key)
        if person is None:
            person = planned[key] = PlannedLiaison(username, full_name, phone, row)
            _match_existing(r, person, actor)
            if r.failed:
                continue
        elif (person.full_name, person.phone) != (full_name, phone):
            r.error(
                "账号", f"账号“{username}”与第{person.row}行重复，但姓名或手机不同（一个账号只属于一个人）"
            )
            continue
        if (key, unit.pk) in seen_units:
            r.error("单位名称", f"与第{seen_units[key, unit.pk]}行重复（同一账号、同一单位）")
            continue
        seen_units[key, unit.pk] = row
        if person.existing is not None and "liaise_unit" in _perms(person.existing, unit):
            report.warnings.append(f"第{row}行：{username} 已是{unit.name}的联络员，跳过。")
            continue
        person.units.append(unit)
    return [p for p in planned.values() if p.units]


def _perms(account, unit) -> list[str]:
    from guardian.shortcuts import get_perms

    return get_perms(account, unit)


def _match_existing(r: RowReader, person: PlannedLiaison, actor) -> None:
    """An existing account may be reused only when it is the same person's liaison account."""
    existing = user_model().objects.filter(username__iexact=person.username).select_related("profile").first()
    if existing is None:
        return
    profile = getattr(existing, "profile", None)
    name = profile.full_name if profile else ""
    if name != person.full_name or Role.LIAISON not in user_roles(existing):
        r.error("账号", f"账号“{person.username}”已被{name or '其他人员'}使用，请换一个账号")
        return
    if not existing.is_active:
        r.error("账号", f"账号“{person.username}”已停用，请先在账号管理中启用")
        return
    try:
        authorize_account(actor, existing, capability="grant_roles")
    except PermissionDenied:
        r.error("账号", f"账号“{person.username}”属于其他区划，请换一个账号")
        return
    except ValidationError as exc:
        r.error("账号", "；".join(exc.messages))
        return
    person.existing = existing
