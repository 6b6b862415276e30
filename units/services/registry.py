"""Units, internal divisions, quotas, leader posts and the county quota limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from archives.models import Document
from archives.services import require_citable
from bianzhi import audit
from bianzhi.lib.idnumbers import InvalidNumber, normalize_credit_code
from bianzhi.lib.text import clean_cell
from bianzhi.models import Region
from bianzhi.roles import authorize
from units import signals
from units.choices import (
    ALLOWED_TYPES,
    LIMIT_COVERS,
    RANK_ORDER,
    Nature,
    PostCategory,
    UnitEventKind,
    UnitStatus,
)
from units.models import (
    LeaderPostQuota,
    OrganLimit,
    Person,
    Quota,
    QuotaLimitEntry,
    Unit,
    UnitAlias,
    UnitEvent,
)
from units.selectors import COUNTY_ORGAN_SYSTEMS, organ_count, organ_limit
from units.services.common import (
    UNIT_DOCUMENTED_CHANGES,
    UNIT_FIELDS,
    _check_date,
    _fail,
    _today,
    check_document_of,
    end_refusals,
    require_document_of,
)


def _name_taken(region, name: str, *, parent: Unit | None, nature: str, exclude: int | None = None) -> bool:
    qs = Unit.objects.filter(status=UnitStatus.ACTIVE, name=name)
    if nature == Nature.DIVISION:
        qs = qs.filter(parent=parent, nature=Nature.DIVISION)
    else:
        qs = qs.filter(region=region).exclude(nature=Nature.DIVISION)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def validate_unit_shape(
    *,
    region,
    name: str,
    nature: str,
    system: str,
    funding: str,
    institution_class: str,
    parent: Unit | None,
    credit_code: str,
    exclude: int | None = None,
) -> str:
    """Check the facts of a unit that do not depend on history; returns the normalised credit code."""
    if not name:
        _fail("机构名称不能为空。", "name")
    if nature == Nature.DIVISION:
        if parent is None:
            _fail("内设机构必须指定上级机构。", "parent")
        if parent.is_division:
            _fail("内设机构的上级机构必须是法人单位，不能是另一个内设机构。", "parent")
        if credit_code:
            _fail("内设机构没有统一社会信用代码。", "credit_code")
    else:
        if not system:
            _fail("请选择系统类别。", "system")
        if not funding:
            _fail("请选择经费形式。", "funding")
    if nature == Nature.PUBLIC_INSTITUTION and not institution_class:
        _fail("事业单位必须填写事业单位类别。", "institution_class")
    if nature != Nature.PUBLIC_INSTITUTION and institution_class:
        _fail("只有事业单位才有事业单位类别。", "institution_class")
    if parent is not None:
        if parent.region_id != region.pk:
            _fail("上级机构必须属于同一行政区划。", "parent")
        if not parent.is_live:
            _fail(f"上级机构“{parent.name}”已撤销或合并。", "parent")
        if exclude and parent.pk == exclude:
            _fail("上级机构不能是本单位。", "parent")
    if _name_taken(region, name, parent=parent, nature=nature, exclude=exclude):
        where = f"“{parent.name}”下" if nature == Nature.DIVISION else "本区划"
        _fail(f"{where}已有名为“{name}”的机构。", "name")
    if credit_code:
        try:
            credit_code = normalize_credit_code(credit_code)
        except InvalidNumber as exc:
            _fail(str(exc), "credit_code")
        clash = Unit.objects.filter(status=UnitStatus.ACTIVE, credit_code=credit_code)
        if exclude:
            clash = clash.exclude(pk=exclude)
        if clash.exists():
            _fail(f"统一社会信用代码 {credit_code} 已被其他机构使用。", "credit_code")
    return credit_code


def _event(
    unit: Unit, kind: str, occurred_on: dt.date, *, actor, document=None, reason="", **kw
) -> UnitEvent:
    require_citable(document)
    return UnitEvent.objects.create(
        unit=unit,
        kind=kind,
        occurred_on=occurred_on,
        document=document,
        reason=reason,
        actor=audit.user_of(actor),
        **kw,
    )


def _set_aliases(unit: Unit, aliases: Iterable[str]) -> list[str]:
    names = [a for a in dict.fromkeys(clean_cell(a) for a in aliases) if a and a != unit.name]
    UnitAlias.objects.filter(unit=unit).exclude(name__in=names).delete()
    existing = set(UnitAlias.objects.filter(unit=unit).values_list("name", flat=True))
    UnitAlias.objects.bulk_create([UnitAlias(unit=unit, name=n) for n in names if n not in existing])
    return names


@transaction.atomic
def unit_create(
    *,
    region,
    name: str,
    nature: str,
    document: Document | None,
    actor,
    system: str = "",
    rank: str = "未定级",
    funding: str = "",
    institution_class: str = "",
    township: str = "",
    parent: Unit | None = None,
    credit_code: str = "",
    aliases: Iterable[str] = (),
    is_confidential: bool = False,
    duties: str = "",
    founded_on: dt.date | None = None,
    reason: str = "",
) -> Unit:
    """Create a unit or internal division (不准擅自设立机构: a Document is required). Audited; signals."""
    authorize(actor, "edit_registry", region=region)
    name = clean_cell(name)
    require_document_of(document, region, "设立机构")
    _check_date(founded_on, "设立日期")
    if nature == Nature.DIVISION:
        system, funding, rank = "", "", rank or "未定级"
    check_organ_limit(region, nature=nature, system=system, township=clean_cell(township), parent=parent)
    code = validate_unit_shape(
        region=region,
        name=name,
        nature=nature,
        system=system,
        funding=funding,
        institution_class=institution_class,
        parent=parent,
        credit_code=clean_cell(credit_code),
    )
    unit = Unit(
        region=region,
        name=name,
        nature=nature,
        system=system,
        rank=rank or "未定级",
        funding=funding,
        institution_class=institution_class,
        township=clean_cell(township),
        parent=parent,
        credit_code=code,
        is_confidential=is_confidential,
        duties=duties,
        founding_document=document,
        founded_on=founded_on or (document.issued_on if document else None),
    )
    _save_unit(unit)
    alias_list = _set_aliases(unit, aliases)
    after = audit.snapshot(unit, UNIT_FIELDS) | {"aliases": alias_list}
    event = _event(
        unit,
        UnitEventKind.FOUNDED,
        unit.founded_on or _today(),
        actor=actor,
        document=document,
        reason=reason or "设立",
        after=after,
    )
    audit.record(actor=actor, action="机构.设立", target=unit, after=after, reason=reason)
    signals.establishment_changed.send(sender=unit_create, unit_ids={unit.pk}, events=[event])
    return unit


def _save_unit(unit: Unit) -> None:
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise ValidationError(f"机构信息与已有记录冲突（名称或统一社会信用代码重复）：{unit.name}") from exc


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    actor,
    document: Document | None = None,
    reason: str = "",
    occurred_on: dt.date | None = None,
    aliases: Iterable[str] | None = None,
    **changes: Any,
) -> Unit:
    """Change a unit's facts. Name, nature, rank, parent and funding need a Document; each is a change record."""
    authorize(actor, "edit_registry", region=unit.region_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_live:
        _fail("已撤销或合并的机构不能修改。")
    unknown = set(changes) - set(UNIT_FIELDS) - {"status"}
    if unknown or "status" in changes or "founding_document" in changes:
        _fail("不能通过此操作修改这些字段：" + "、".join(sorted(unknown | ({"status"} & set(changes)))))
    if "name" in changes:
        changes["name"] = clean_cell(changes["name"])
    before = audit.snapshot(unit, UNIT_FIELDS)
    changed = {k: v for k, v in changes.items() if getattr(unit, k) != v}
    documented = [k for k in changed if k in UNIT_DOCUMENTED_CHANGES]
    if documented:
        require_document_of(document, unit.region_id, "更改机构名称、性质、规格、隶属或经费形式")
    check_document_of(document, unit.region_id, "机构变更")
    occurred_on = occurred_on or (document.issued_on if document and document.issued_on else _today())
    _check_date(occurred_on, "变更日期", unit)
    if "nature" in changed:
        _check_nature_change(unit, changed["nature"])
    old_scope = _organ_scope(
        unit.region, nature=unit.nature, system=unit.system, township=unit.township, parent=unit.parent
    )
    new = {k: changed.get(k, getattr(unit, k)) for k in ("nature", "system", "township", "parent")}
    if _organ_scope(unit.region, **new) not in (None, old_scope):
        check_organ_limit(unit.region, **new)
    for key, value in changed.items():
        setattr(unit, key, value)
    unit.credit_code = validate_unit_shape(
        region=unit.region,
        name=unit.name,
        nature=unit.nature,
        system=unit.system,
        funding=unit.funding,
        institution_class=unit.institution_class,
        parent=unit.parent,
        credit_code=unit.credit_code,
        exclude=unit.pk,
    )
    _save_unit(unit)
    old_aliases = list(unit.aliases.values_list("name", flat=True))
    new_aliases = _set_aliases(unit, aliases) if aliases is not None else old_aliases
    after = audit.snapshot(unit, UNIT_FIELDS)
    b, a = audit.diff(before, after)
    if set(old_aliases) != set(new_aliases):
        b["aliases"], a["aliases"] = old_aliases, new_aliases
    if not a:
        return unit
    events = []
    for key in documented or ["info"]:
        kind = UNIT_DOCUMENTED_CHANGES.get(key, UnitEventKind.INFO)
        keys = [key] if key in UNIT_DOCUMENTED_CHANGES else [k for k in a if k not in UNIT_DOCUMENTED_CHANGES]
        if not keys:
            continue
        events.append(
            _event(
                unit,
                kind,
                occurred_on,
                actor=actor,
                document=document,
                reason=reason,
                before={k: b.get(k) for k in keys},
                after={k: a.get(k) for k in keys},
            )
        )
    audit.record(actor=actor, action="机构.变更", target=unit, before=b, after=a, reason=reason)
    signals.establishment_changed.send(sender=unit_update, unit_ids={unit.pk}, events=events)
    return unit


def _check_nature_change(unit: Unit, nature: str) -> None:
    if nature == Nature.DIVISION or unit.is_division:
        _fail("法人单位与内设机构之间不能直接转换，请撤销后重新设立。")
    allowed = set(ALLOWED_TYPES[nature])
    used = set(unit.quotas.filter(approved__gt=0).values_list("establishment_type", flat=True))
    used |= set(unit.people.filter(in_establishment=True).values_list("establishment_type", flat=True))
    if used - allowed:
        _fail(
            f"{unit.name}仍有{'、'.join(sorted(used - allowed))}的核定数或在编人员，不能改为{nature}（混用编制）。"
        )


def rank_is_raise(old: str, new: str) -> bool:
    return RANK_ORDER.get(new, 0) > RANK_ORDER.get(old, 0)


@transaction.atomic
def unit_end(
    *,
    unit: Unit,
    status: str,
    occurred_on: dt.date,
    document: Document | None,
    actor,
    merged_into: Unit | None = None,
    reason: str = "",
) -> Unit:
    """Abolish (撤销) or merge (合并) a unit. Its people must have left or moved first; never deleted."""
    authorize(actor, "edit_registry", region=unit.region_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_document_of(document, unit.region_id, "撤销或合并机构")
    if status not in (UnitStatus.ABOLISHED, UnitStatus.MERGED):
        _fail("状态只能是已撤销或已合并。")
    if not unit.is_live:
        _fail("该机构已撤销或合并。")
    if refusals := end_refusals(unit):
        raise ValidationError(refusals)
    if status == UnitStatus.MERGED and (
        merged_into is None or not merged_into.is_live or merged_into.pk == unit.pk
    ):
        _fail("合并时必须指定一个正常的并入单位。")
    if merged_into is not None and merged_into.region_id != unit.region_id:
        _fail("并入单位必须属于同一行政区划。", "merged_into")
    _check_date(occurred_on, "撤销/合并日期", unit)
    if (
        Person.objects.filter(in_establishment=True, unit=unit).exists()
        or Person.objects.filter(in_establishment=True, division=unit).exists()
    ):
        _fail(f"{unit.name}仍有在编人员，请先办理出编或调动。")
    if unit.children.filter(status=UnitStatus.ACTIVE, nature=Nature.DIVISION).exists():
        _fail(f"{unit.name}仍有内设机构，请先撤销内设机构。")
    before = audit.snapshot(unit, UNIT_FIELDS)
    unit.status, unit.ended_on, unit.merged_into = status, occurred_on, merged_into
    unit.save(update_fields=["status", "ended_on", "merged_into", "updated_at"])
    kind = UnitEventKind.ABOLISHED if status == UnitStatus.ABOLISHED else UnitEventKind.MERGED
    event = _event(
        unit,
        kind,
        occurred_on,
        document=document,
        reason=reason,
        actor=actor,
        before={"status": before["status"]},
        after={"status": status, "merged_into": merged_into.name if merged_into else None},
    )
    audit.record(
        actor=actor, action=f"机构.{kind}", target=unit, before=before, after=event.after, reason=reason
    )
    signals.establishment_changed.send(sender=unit_end, unit_ids={unit.pk}, events=[event])
    return unit


# ---- quotas, leader posts and limits -------------------------------------------------------------


def limit_balance(region, limit_type: str) -> int | None:
    """The county's current limit of this type, or None when no limit has been entered."""
    qs = QuotaLimitEntry.objects.filter(region=region, limit_type=limit_type)
    if not qs.exists():
        return None
    return qs.aggregate(total=Sum("delta"))["total"] or 0


def limit_allocated(region, limit_type: str) -> int:
    """The sum of live units' quotas of the types that this limit covers."""
    return (
        Quota.objects.filter(
            unit__region=region,
            unit__status=UnitStatus.ACTIVE,
            establishment_type__in=LIMIT_COVERS[limit_type],
        ).aggregate(total=Sum("approved"))["total"]
        or 0
    )


def _check_limit(region, establishment_type: str, increase: int) -> None:
    if increase <= 0:
        return
    for limit_type, covered in LIMIT_COVERS.items():
        if establishment_type not in covered:
            continue
        balance = limit_balance(region, limit_type)
        if balance is None:
            continue
        allocated = limit_allocated(region, limit_type)
        if allocated + increase > balance:
            _fail(f"超出{limit_type}限额：限额{balance}名，已核定{allocated}名，本次增加{increase}名。")


def type_allowed(unit: Unit, establishment_type: str) -> bool:
    return establishment_type in ALLOWED_TYPES.get(unit.nature, ())


def check_type_allowed(unit: Unit, establishment_type: str) -> None:
    if unit.is_division:
        _fail("内设机构不单独核定编制，编制核定在其所属单位。")
    if not type_allowed(unit, establishment_type):
        allowed = "、".join(ALLOWED_TYPES[unit.nature])
        _fail(
            f"混用编制：{unit.nature}“{unit.name}”不能使用{establishment_type}（只能使用{allowed}）。",
            "establishment_type",
        )


@transaction.atomic
def quota_set(
    *,
    unit: Unit,
    establishment_type: str,
    approved: int,
    document: Document | None,
    actor,
    military_earmark: int | None = None,
    occurred_on: dt.date | None = None,
    reason: str = "",
) -> Quota:
    """Set a unit's approved number of one establishment type by Document (county limits respected)."""
    authorize(actor, "edit_registry", region=unit.region_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_document_of(document, unit.region_id, "调整编制")
    if not unit.is_live:
        _fail("已撤销或合并的机构不能调整编制。")
    check_type_allowed(unit, establishment_type)
    if approved is None or approved < 0:
        _fail("核定数不能为负数。", "approved")
    quota, _ = Quota.objects.select_for_update().get_or_create(
        unit=unit, establishment_type=establishment_type
    )
    earmark = quota.military_earmark if military_earmark is None else military_earmark
    if establishment_type != "行政编制" and earmark:
        _fail("只有行政编制可以下达军转干部行政编制。", "military_earmark")
    if earmark < 0 or earmark > approved:
        _fail("其中军转行政编制应在0到核定数之间。", "military_earmark")
    occurred_on = occurred_on or (document.issued_on or _today())
    _check_date(occurred_on, "调整日期", unit)
    delta = approved - quota.approved
    if delta == 0 and earmark == quota.military_earmark:
        return quota
    _check_limit(unit.region, establishment_type, delta)
    before = {"approved": quota.approved, "military_earmark": quota.military_earmark}
    quota.approved, quota.military_earmark = approved, earmark
    quota.save()
    after = {"approved": approved, "military_earmark": earmark}
    _record_change(
        unit,
        UnitEventKind.QUOTA,
        establishment_type,
        before,
        after,
        occurred_on=occurred_on,
        actor=actor,
        document=document,
        reason=reason,
        sender=quota_set,
        delta=delta,
        balance=approved,
    )
    return quota


def _record_change(
    unit, kind, key, before, after, *, occurred_on, actor, document, reason, sender, **figures
):
    """The change record, the audit row and the ledgers' signal of a quota or a leader-post change."""
    quota = kind == UnitEventKind.QUOTA
    fields = {"establishment_type" if quota else "post_category": key, "before": before, "after": after}
    event = _event(
        unit, kind, occurred_on, actor=actor, document=document, reason=reason, **fields, **figures
    )
    audit.record(
        actor=actor,
        action="编制.调整" if quota else "职数.调整",
        target=unit,
        before={key: before if quota else before["approved"]},
        after={key: after if quota else after["approved"]},
        reason=reason,
    )
    signals.establishment_changed.send(sender=sender, unit_ids={unit.pk}, events=[event])


@transaction.atomic
def leader_posts_set(
    *,
    unit: Unit,
    category: str,
    approved: int,
    document: Document | None,
    actor,
    occurred_on: dt.date | None = None,
    reason: str = "",
) -> LeaderPostQuota:
    """Set a unit's approved leader posts of one category by Document."""
    authorize(actor, "edit_registry", region=unit.region_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    require_document_of(document, unit.region_id, "调整领导职数")
    if not unit.is_live or unit.is_division:
        _fail("领导职数核定在正常的法人单位上。")
    if category not in PostCategory.values:
        _fail("职数类别无效。", "category")
    if approved is None or approved < 0:
        _fail("核定职数不能为负数。", "approved")
    occurred_on = occurred_on or (document.issued_on or _today())
    _check_date(occurred_on, "调整日期", unit)
    posts, _ = LeaderPostQuota.objects.select_for_update().get_or_create(unit=unit, category=category)
    delta = approved - posts.approved
    if delta == 0:
        return posts
    before = posts.approved
    posts.approved = approved
    posts.save()
    _record_change(
        unit,
        UnitEventKind.POSTS,
        category,
        {"approved": before},
        {"approved": approved},
        occurred_on=occurred_on,
        actor=actor,
        document=document,
        reason=reason,
        sender=leader_posts_set,
        delta=delta,
        balance=approved,
    )
    return posts


@transaction.atomic
def limit_entry_add(
    *,
    region,
    limit_type: str,
    delta: int,
    document: Document | None,
    occurred_on: dt.date,
    actor,
    note: str = "",
) -> QuotaLimitEntry:
    """Add an entry to the quota-limit ledger. A decrease may not fall below what is already allocated."""
    authorize(actor, "edit_registry", region=region)
    require_document_of(document, region, "调整编制限额")
    if not delta:
        _fail("增减数不能为0。", "delta")
    if limit_type not in LIMIT_COVERS:
        _fail("限额的编制类型只能是行政编制或事业编制。", "limit_type")
    _check_date(occurred_on, "日期")
    balance = (limit_balance(region, limit_type) or 0) + delta
    if balance < 0:
        _fail(f"{limit_type}限额不能为负数。")
    allocated = limit_allocated(region, limit_type)
    if balance < allocated:
        _fail(f"{limit_type}限额调整后为{balance}名，少于已核定的{allocated}名。")
    entry = QuotaLimitEntry.objects.create(
        region=region,
        limit_type=limit_type,
        delta=delta,
        document=document,
        occurred_on=occurred_on,
        note=note,
        actor=audit.user_of(actor),
    )
    audit.record(
        actor=actor,
        action="限额.调整",
        target=entry,
        region=region,
        after={"limit_type": limit_type, "delta": delta, "balance": balance},
        reason=note,
    )
    signals.establishment_changed.send(sender=limit_entry_add, unit_ids=set(), events=[])
    return entry


# ---- 机构限额 ------------------------------------------------------------------------------------------


def _organ_scope(region, *, nature: str, system: str, township: str, parent: Unit | None) -> str | None:
    """Which limit a new unit counts against: '' (county), a township name, or None (none)."""
    if nature == Nature.ORGAN and system in COUNTY_ORGAN_SYSTEMS and not township:
        return ""
    if (
        nature == Nature.DIVISION
        and parent is not None
        and parent.system == "乡镇"
        and parent.nature == Nature.ORGAN
    ):
        return parent.township or None
    return None


def check_organ_limit(region, *, nature: str, system: str, township: str, parent: Unit | None) -> None:
    scope = _organ_scope(region, nature=nature, system=system, township=township, parent=parent)
    if scope is None:
        return
    Region.objects.select_for_update().get(pk=region.pk)  # serialise counting within the region
    limit = organ_limit(region, scope)
    if limit is None:
        return
    count = organ_count(region, scope)
    if count + 1 > limit.limit:
        where = f"{scope}内设综合办事机构" if scope else "县级党政机构"
        _fail(f"超出机构限额：{where}限额{limit.limit}个（{limit.document.number}），现有{count}个。")


@transaction.atomic
def organ_limit_set(
    *, region, limit: int, document: Document | None, set_on: dt.date, actor, township: str = ""
) -> OrganLimit:
    """Set the county's 党政机构 limit (or a township's) by Document; may not fall below the current count."""
    authorize(actor, "edit_registry", region=region)
    require_document_of(document, region, "核定机构限额")
    _check_date(set_on, "日期")
    if limit is None or limit < 1:
        _fail("机构限额必须是正整数。", "limit")
    count = organ_count(region, township)
    if limit < count:
        _fail(f"限额{limit}个少于现有的{count}个机构。", "limit")
    entry = OrganLimit.objects.create(
        region=region,
        township=clean_cell(township),
        limit=limit,
        document=document,
        set_on=set_on,
        actor=audit.user_of(actor),
    )
    audit.record(
        actor=actor,
        action="机构限额.核定",
        target=entry,
        region=region,
        after={"township": township or "县级", "limit": limit, "document": document.number},
    )
    return entry


@transaction.atomic
def unit_alias_add(*, unit: Unit, name: str, actor, reason: str = "") -> UnitAlias:
    """Add another name (加挂牌子, short name, a partner department's spelling) used to match partner data.

    Refused when the name is already the name or alias of another live unit of the region (it would make
    matching ambiguous)."""
    authorize(actor, "edit_registry", region=unit.region_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    name = clean_cell(name)
    if not name:
        _fail("名称不能为空。", "name")
    if len(name) > UnitAlias._meta.get_field("name").max_length:
        _fail("名称过长。", "name")
    if not unit.is_live or unit.is_division:
        _fail("只能为正常的法人单位添加其他名称。")
    if name == unit.name or unit.aliases.filter(name=name).exists():
        _fail(f"“{name}”已经是{unit.name}的名称。", "name")
    live = Unit.objects.filter(region=unit.region, status=UnitStatus.ACTIVE).exclude(pk=unit.pk)
    clash = live.filter(name=name).first() or live.filter(aliases__name=name).first()
    if clash is not None:
        _fail(f"“{name}”已是{clash.name}的名称或其他名称，不能重复使用。", "name")
    alias = UnitAlias.objects.create(unit=unit, name=name)
    audit.record(actor=actor, action="机构.添加其他名称", target=unit, after={"alias": name}, reason=reason)
    signals.establishment_changed.send(sender=unit_alias_add, unit_ids={unit.pk}, events=[])
    return alias
