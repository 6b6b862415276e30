"""机构改革 in one step: a unit merged into another (or part of it moved) by one Document.

``merge_preview`` says what ``unit_merge`` would do, refusals included, without writing; ``unit_merge``
builds the same plan under row locks and carries it out in one transaction. The Document is the basis
of every change, so no 编制使用单 is needed or consumed. Both are for office writers of the region
(``authorize``); ``actor=None`` is the system.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from archives.models import Document
from bianzhi import audit
from bianzhi.roles import authorize
from units import signals
from units.choices import (
    ESTABLISHMENT_ORDER,
    POST_CATEGORY_OF,
    LeaderPost,
    MovementKind,
    Nature,
    PostCategory,
    RequestStatus,
    SlipStatus,
    UnitEventKind,
    UnitStatus,
)
from units.models import (
    EstablishmentRequest,
    LeaderPostQuota,
    Movement,
    Person,
    Quota,
    Unit,
    UnitEvent,
    UseSlip,
)
from units.selectors import occupied, post_holders, reserved
from units.services.common import _check_date, _today, end_refusals, require_document_of
from units.services.registry import _event, check_type_allowed
from units.services.staff import _movement

ALL = "all"
Amounts = dict[str, int] | Literal["all"]
DIVISION_POSTS = (LeaderPost.DIVISION_CHIEF, LeaderPost.DIVISION_DEPUTY)
NAMES_SHOWN = 5


@dataclass
class MoveLine:
    """One establishment type (or post category): what moves, and both units before and after.

    ``people`` is how many moving people hold a slot of the type (a post of the category); ``held`` is
    what the target already uses (occupied plus reserved slots, or posts held)."""

    item: str
    source_before: int
    moved: int
    target_before: int
    people: int = 0
    held: int = 0
    shortfall: int = 0

    @property
    def source_after(self) -> int:
        return self.source_before - self.moved

    @property
    def target_after(self) -> int:
        return self.target_before + self.moved


@dataclass
class MergePlan:
    """What a merger does: quotas, posts and people moved, divisions abolished, and every refusal."""

    source: Unit
    target: Unit | None
    document: Document | None
    occurred_on: dt.date | None
    abolish_source: bool
    reason: str = ""
    quotas: list[MoveLine] = field(default_factory=list)
    posts: list[MoveLine] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    staying: list[Person] = field(default_factory=list)
    posts_ended: list[Person] = field(default_factory=list)  # 内设机构领导: the division stays behind
    divisions: list[Unit] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def people_by_type(self) -> dict[str, int]:
        counts = Counter(p.establishment_type for p in self.people)
        return {t: counts[t] for t in ESTABLISHMENT_ORDER if counts[t]}

    @property
    def action(self) -> str:
        return "合并" if self.abolish_source else "划转"

    def refuse(self, message: str) -> None:
        if message not in self.refusals:
            self.refusals.append(message)


def _check(plan: MergePlan, check, *args, **kwargs) -> bool:
    """Run a check that raises ValidationError; record its messages as refusals. True when it passed."""
    try:
        check(*args, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            plan.refuse(message)
        return False
    return True


def _names(people: list[Person]) -> str:
    shown = "、".join(p.name for p in people[:NAMES_SHOWN])
    return shown + (f"等{len(people)}人" if len(people) > NAMES_SHOWN else "")


# ---- the plan ------------------------------------------------------------------------------------------


def _check_units(plan: MergePlan) -> bool:
    source, target = plan.source, plan.target
    if target is None:
        plan.refuse("请选择并入（接收）单位。")
        return False
    for unit, role in ((source, "原单位"), (target, "并入单位")):
        if unit.is_division:
            plan.refuse(f"{role}“{unit.name}”是内设机构：合并、划转只在法人单位之间办理。")
        elif not unit.is_live:
            plan.refuse(f"{role}“{unit.name}”已撤销或合并。")
    if source.pk == target.pk:
        plan.refuse("并入单位不能是原单位本身。")
    if source.region_id != target.region_id:
        plan.refuse("并入单位必须与原单位属于同一区划。")
    return plan.ok


def _pick_people(plan: MergePlan, people, lock: bool) -> None:
    qs = Person.objects.filter(unit=plan.source, in_establishment=True).order_by("pk")
    if lock:
        qs = qs.select_for_update()
    current = list(qs)
    day = plan.occurred_on
    if people == ALL:
        plan.people = [p for p in current if day is None or p.entered_on <= day]
    else:
        wanted = {int(pk) for pk in people}
        plan.people = [p for p in current if p.pk in wanted]
        unknown = wanted - {p.pk for p in plan.people}
        if unknown:
            plan.refuse(
                f"有{len(unknown)}名人员不是{plan.source.name}的在编人员，不能随本次{plan.action}转入。"
            )
        late = [p for p in plan.people if day is not None and p.entered_on > day]
        if late:
            plan.refuse(f"{_names(late)}的入编时间晚于{plan.action}日期，不能转入。")
    moving = {p.pk for p in plan.people}
    plan.staying = [p for p in current if p.pk not in moving]
    plan.posts_ended = [p for p in plan.people if p.leader_post in DIVISION_POSTS]
    for etype, n in plan.people_by_type.items():
        if not _check(plan, check_type_allowed, plan.target, etype):
            plan.refuse(f"{plan.source.name}有{n}名{etype}人员，不能转入{plan.target.name}。")


def _amounts(plan: MergePlan, wanted: Amounts, have: dict[str, int], label: str) -> dict[str, int]:
    if wanted == ALL:
        return {k: n for k, n in have.items() if n > 0}
    out = {}
    for key, n in (wanted or {}).items():
        n = int(n or 0)
        if n < 0:
            plan.refuse(f"转出的{key}{label}不能为负数。")
        elif n > have.get(key, 0):
            plan.refuse(f"{plan.source.name}{key}核定{have.get(key, 0)}名，不能转出{n}名。")
        elif n:
            out[key] = n
    return out


def _rows(model, unit: Unit, key: str, lock: bool) -> dict[str, object]:
    qs = model.objects.filter(unit=unit)
    if lock:
        qs = qs.select_for_update()
    return {getattr(row, key): row for row in qs}


def _shortfall(approved_before: int, approved_after: int, held: int, adding: int) -> int:
    """How far ``adding`` takes the unit over (beyond any excess it already had)."""
    return max(0, held + adding - approved_after) - max(0, held - approved_before)


@dataclass(frozen=True)
class _Words:
    """How the refusals name what moves: 编制 (types) or 领导职数 (categories)."""

    what: str  # 编制 / 领导职数
    short: str  # 编制 / 职数
    approved: str  # 核定编制 / 领导职数
    used: str  # 已用 / 已配备
    leftover: str  # 人员将超编 / 领导将超职数


QUOTA_WORDS = _Words("编制", "编制", "核定编制", "已用", "人员将超编")
POST_WORDS = _Words("领导职数", "职数", "领导职数", "已配备", "领导将超职数")


def _move_lines(
    plan: MergePlan,
    keys,
    have: dict[str, int],
    moves: dict[str, int],
    target_rows: dict,
    people: Counter,
    held,
    kept,
    words: _Words,
) -> list[MoveLine]:
    """One MoveLine per type (category) that the source has, moves or whose holders move, refusing a
    target (or, after the move, a source) that would end further over than it was."""
    lines, gaps, source_gaps = [], [], []
    for key in keys:
        if not (have.get(key) or moves.get(key) or people.get(key)):
            continue
        target_row = target_rows.get(key)
        line = MoveLine(key, have.get(key, 0), moves.get(key, 0), target_row.approved if target_row else 0)
        line.people, line.held = people.get(key, 0), held(key)
        line.shortfall = _shortfall(line.target_before, line.target_after, line.held, line.people)
        if line.shortfall > 0:
            gaps.append(
                f"{key}缺{line.shortfall}名（核定{line.target_after}名，{words.used}{line.held}名，转入{line.people}名）"
            )
        short = _shortfall(line.source_before, line.source_after, kept(key), 0) if line.moved else 0
        if short > 0:
            source_gaps.append(f"{key}缺{short}名")
        lines.append(line)
    if gaps:
        plan.refuse(
            f"并入单位{words.what}不足：{plan.target.name}"
            + "；".join(gaps)
            + f"。请依据文件一并转出相应{words.short}，或先调整并入单位的{words.approved}。"
        )
    if source_gaps:
        plan.refuse(
            f"{plan.source.name}转出{words.short}后，留下的{words.leftover}：" + "；".join(source_gaps) + "。"
        )
    return lines


def _plan_quotas(plan: MergePlan, wanted: Amounts, lock: bool) -> None:
    source_rows = _rows(Quota, plan.source, "establishment_type", lock)
    target_rows = _rows(Quota, plan.target, "establishment_type", lock)
    have = {t: q.approved for t, q in source_rows.items()}
    moves = _amounts(plan, wanted, have, "编制")
    for etype in moves:
        _check(plan, check_type_allowed, plan.target, etype)
    staying = Counter(p.establishment_type for p in plan.staying)
    plan.quotas += _move_lines(
        plan,
        ESTABLISHMENT_ORDER,
        have,
        moves,
        target_rows,
        plan.people_by_type,
        held=lambda t: occupied(plan.target.pk, t) + reserved(plan.target.pk, t),
        kept=lambda t: staying[t] + (0 if plan.abolish_source else reserved(plan.source.pk, t)),
        words=QUOTA_WORDS,
    )


def _post_category(person: Person) -> str | None:
    return None if person.leader_post in DIVISION_POSTS else POST_CATEGORY_OF.get(person.leader_post)


def _plan_posts(plan: MergePlan, wanted: Amounts, lock: bool) -> None:
    source_rows = _rows(LeaderPostQuota, plan.source, "category", lock)
    target_rows = _rows(LeaderPostQuota, plan.target, "category", lock)
    have = {c: p.approved for c, p in source_rows.items()}
    moves = _amounts(plan, wanted, have, "职数")
    staying = Counter(c for p in plan.staying if (c := POST_CATEGORY_OF.get(p.leader_post)))
    plan.posts += _move_lines(
        plan,
        PostCategory.values,
        have,
        moves,
        target_rows,
        Counter(c for p in plan.people if (c := _post_category(p))),
        held=lambda c: post_holders(plan.target.pk, c),
        kept=lambda c: staying[c],
        words=POST_WORDS,
    )


def _plan_abolition(plan: MergePlan) -> None:
    source = plan.source
    if not plan.abolish_source:
        if not (plan.people or any(line.moved for line in plan.quotas + plan.posts)):
            plan.refuse("没有需要转出的人员、编制或领导职数。")
        return
    if plan.staying:
        plan.refuse(
            f"{source.name}撤销后仍会留下{len(plan.staying)}名在编人员（{_names(plan.staying)}），"
            "请一并转入，或先办理出编或调动。"
        )
    today = _today()
    slips = UseSlip.objects.filter(unit=source, status=SlipStatus.VALID, valid_until__gte=today).count()
    if slips:
        plan.refuse(f"{source.name}还有{slips}张未使用的编制使用单，请先作废。")
    if EstablishmentRequest.objects.filter(unit=source, status=RequestStatus.PENDING).exists():
        plan.refuse(f"{source.name}还有待审核的用编申请，请先处理。")
    for message in end_refusals(source):
        plan.refuse(message)
    plan.divisions = list(
        Unit.objects.filter(parent=source, nature=Nature.DIVISION, status=UnitStatus.ACTIVE).order_by("pk")
    )


def _build(
    *,
    source: Unit,
    target: Unit | None,
    document: Document | None,
    occurred_on: dt.date | None = None,
    quotas: Amounts = ALL,
    posts: Amounts = ALL,
    people=ALL,
    abolish_source: bool = True,
    reason: str = "",
    lock: bool = False,
) -> MergePlan:
    ids = sorted({source.pk} | ({target.pk} if target is not None else set()))
    qs = Unit.objects.select_related("region").filter(pk__in=ids).order_by("pk")
    units = {u.pk: u for u in (qs.select_for_update(of=("self",)) if lock else qs)}
    plan = MergePlan(
        source=units[source.pk],
        target=units[target.pk] if target is not None else None,
        document=document,
        occurred_on=occurred_on or (document.issued_on if document is not None else None) or _today(),
        abolish_source=bool(abolish_source),
        reason=(reason or "").strip(),
    )
    if not _check_units(plan):
        return plan
    _check(plan, require_document_of, document, plan.source.region, f"机构{plan.action}")
    for unit in (plan.source, plan.target):
        _check(plan, _check_date, plan.occurred_on, f"{plan.action}日期", unit)
    _pick_people(plan, people, lock)
    _plan_quotas(plan, quotas, lock)
    _plan_posts(plan, posts, lock)
    _plan_abolition(plan)
    return plan


def merge_preview(*, source: Unit, actor, **terms) -> MergePlan:
    """What ``unit_merge`` would do with the same keyword arguments (``target``, ``document``,
    ``occurred_on``, ``quotas``, ``posts``, ``people``, ``abolish_source``, ``reason``), with every
    refusal listed; writes nothing."""
    authorize(actor, "edit_registry", region=source.region_id)
    return _build(source=source, lock=False, **terms)


# ---- carrying it out -----------------------------------------------------------------------------------


def _move_amounts(
    plan: MergePlan, model, key: str, lines: list[MoveLine], kind: str, actor
) -> list[UnitEvent]:
    """Source decreases, target increases, one change record on each citing the Document."""
    events = []
    for line in lines:
        if not line.moved:
            continue
        src = model.objects.select_for_update().get(unit=plan.source, **{key: line.item})
        dst, _ = model.objects.select_for_update().get_or_create(unit=plan.target, **{key: line.item})
        moved_earmark = 0
        if model is Quota:
            kept = min(src.military_earmark, line.source_after)
            moved_earmark = src.military_earmark - kept
        sides = (
            (src, plan.source, -line.moved, -moved_earmark),
            (dst, plan.target, line.moved, moved_earmark),
        )
        for row, unit, delta, earmark in sides:
            before = {"approved": row.approved}
            row.approved += delta
            if model is Quota:
                before["military_earmark"] = row.military_earmark
                row.military_earmark += earmark
            row.save()
            after = {"approved": row.approved} | (
                {"military_earmark": row.military_earmark} if model is Quota else {}
            )
            other = plan.target if row is src else plan.source
            direction = "转出至" if row is src else "转入自"
            events.append(
                _event(
                    unit,
                    kind,
                    plan.occurred_on,
                    actor=actor,
                    document=plan.document,
                    reason=_reason(plan, f"{line.item}{direction}{other.name}{abs(delta)}名"),
                    delta=delta,
                    balance=row.approved,
                    before=before,
                    after=after,
                    **{"establishment_type" if model is Quota else "post_category": line.item},
                )
            )
    return events


def _reason(plan: MergePlan, what: str, *, head: bool = True) -> str:
    title = f"{plan.source.name}并入{plan.target.name}" if plan.abolish_source else "机构改革划转"
    return (f"{title}：{what}" if head else what) + (f"（{plan.reason}）" if plan.reason else "")


def _move_people(plan: MergePlan, actor) -> list[Movement]:
    """Each person moves as a 调动 citing the Document (their history); 内设机构领导职务 ends with the
    division, which stays behind."""
    movements = []
    now = timezone.now()
    for person in plan.people:
        from_post = person.leader_post
        to_post = LeaderPost.NONE if from_post in DIVISION_POSTS else from_post
        movements.append(
            _movement(
                person,
                MovementKind.TRANSFER,
                plan.occurred_on,
                actor=actor,
                document=plan.document,
                doc_number=plan.document.number,
                from_unit=plan.source,
                to_unit=plan.target,
                from_type=person.establishment_type,
                to_type=person.establishment_type,
                from_post=from_post,
                to_post=to_post,
                reason=_reason(plan, "人员随机构转入"),
            )
        )
        person.unit, person.division, person.leader_post = plan.target, None, to_post
        person.entry_doc_number, person.updated_at = plan.document.number, now
    Person.objects.bulk_update(
        plan.people, ["unit", "division", "leader_post", "entry_doc_number", "updated_at"], batch_size=500
    )
    return movements


def _end_units(plan: MergePlan, actor) -> list[UnitEvent]:
    """The source becomes 已合并 into the target; its internal divisions are abolished with it."""
    events = []
    for division in plan.divisions:
        division.status, division.ended_on = UnitStatus.ABOLISHED, plan.occurred_on
        division.save(update_fields=["status", "ended_on", "updated_at"])
        events.append(
            _event(
                division,
                UnitEventKind.ABOLISHED,
                plan.occurred_on,
                actor=actor,
                document=plan.document,
                reason=_reason(plan, f"内设机构随{plan.source.name}撤销"),
                before={"status": UnitStatus.ACTIVE},
                after={"status": UnitStatus.ABOLISHED},
            )
        )
    source = plan.source
    source.status, source.ended_on, source.merged_into = UnitStatus.MERGED, plan.occurred_on, plan.target
    source.save(update_fields=["status", "ended_on", "merged_into", "updated_at"])
    events.append(
        _event(
            source,
            UnitEventKind.MERGED,
            plan.occurred_on,
            actor=actor,
            document=plan.document,
            reason=_reason(plan, "机构撤销，并入" + plan.target.name),
            before={"status": UnitStatus.ACTIVE},
            after={"status": UnitStatus.MERGED, "merged_into": plan.target.name},
        )
    )
    return events


def _summary_events(plan: MergePlan, actor) -> list[UnitEvent]:
    """The record of the merger on the target (and of a 划转 on the source), so both 沿革 cite it."""
    kind = UnitEventKind.MERGED if plan.abolish_source else UnitEventKind.INFO
    units = [plan.target] if plan.abolish_source else [plan.source, plan.target]
    what = {
        plan.target.pk: f"{plan.source.name}并入本单位"
        if plan.abolish_source
        else f"接收{plan.source.name}划转",
        plan.source.pk: f"人员和编制划转至{plan.target.name}",
    }
    return [
        _event(
            unit,
            kind,
            plan.occurred_on,
            document=plan.document,
            reason=_reason(plan, what[unit.pk], head=False),
            actor=actor,
        )
        for unit in units
    ]


def _audit(plan: MergePlan, actor) -> None:
    def moved(lines: list[MoveLine]) -> dict[str, int]:
        return {line.item: line.moved for line in lines if line.moved}

    audit.record(
        actor=actor,
        action=f"机构.{plan.action}",
        target=plan.source,
        region=plan.source.region,
        before={
            "原单位": {"name": plan.source.name, "status": UnitStatus.ACTIVE},
            "编制": {line.item: [line.source_before, line.target_before] for line in plan.quotas},
            "职数": {line.item: [line.source_before, line.target_before] for line in plan.posts},
        },
        after={
            "并入单位": plan.target.name,
            "并入单位id": plan.target.pk,
            "文件": plan.document.number,
            "日期": plan.occurred_on,
            "撤销原单位": plan.abolish_source,
            "转出编制": moved(plan.quotas),
            "转出职数": moved(plan.posts),
            "转入人员": [{"id": p.pk, "姓名": p.name, "编制类型": p.establishment_type} for p in plan.people],
            "免去内设机构领导职务": [p.name for p in plan.posts_ended],
            "撤销内设机构": [d.name for d in plan.divisions],
        },
        reason=plan.reason,
    )


@transaction.atomic
def unit_merge(*, source: Unit, actor, **terms) -> MergePlan:
    """Merge ``source`` into ``target`` (``abolish_source``) or move part of it (划转), by one Document.

    The terms are those of ``_build``: ``target``, ``document``, ``occurred_on`` (default today),
    ``quotas``/``posts``: ``"all"`` or {编制类型/职数类别: number moved}; ``people``: ``"all"`` (everyone in
    establishment at ``occurred_on``) or a list of person ids; ``abolish_source`` (default True);
    ``reason``. Moves the people (a 调动 each, no slip), the quotas and posts (a change record on each
    unit), abolishes the source and its internal divisions when asked; one audit row; the ledgers follow
    through the signals. Refused (every reason listed) when ``merge_preview`` would list a refusal.
    Office writers of the region only.
    """
    authorize(actor, "edit_registry", region=source.region_id)
    plan = _build(source=source, lock=True, **terms)
    if not plan.ok:
        raise ValidationError(plan.refusals)
    events = _move_amounts(plan, Quota, "establishment_type", plan.quotas, UnitEventKind.QUOTA, actor)
    events += _move_amounts(plan, LeaderPostQuota, "category", plan.posts, UnitEventKind.POSTS, actor)
    movements = _move_people(plan, actor)
    if plan.abolish_source:
        events += _end_units(plan, actor)
    events += _summary_events(plan, actor)
    _audit(plan, actor)
    unit_ids = {plan.source.pk, plan.target.pk} | {d.pk for d in plan.divisions}
    signals.establishment_changed.send(sender=unit_merge, unit_ids=unit_ids, events=events)
    if movements:
        signals.staff_moved.send(
            sender=unit_merge, unit_ids={plan.source.pk, plan.target.pk}, movements=movements
        )
    return plan
