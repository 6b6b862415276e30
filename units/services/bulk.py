"""Bulk writes of the registry: the 建账 load and the annual data update (DOMAIN.md §3.1).

These record reality as it is, existing 超编 and 超职数 included, but never silently: the caller
(``units.imports``) lists every over-quota unit/type and over-post unit/category in its report, and
each load writes one audit row that carries that list. Rows go in with bulk_create/bulk_update in
batches; the ledgers hear one ``registry_bulk_loaded`` signal per load, never one per person.

Callers: ``units.imports`` only, after it has validated the whole file (all-or-nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from archives.models import Document
from archives.services import document_create
from bianzhi import audit
from bianzhi.lib.text import normalize_doc_number
from units import signals
from units.choices import POST_CATEGORY_OF, MovementKind, UnitEventKind
from units.models import LeaderPostQuota, Movement, Person, Quota, QuotaLimitEntry, Unit, UnitAlias, UnitEvent

BATCH = 1000


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None and actor.pk else None


# ---- over quota / over posts ------------------------------------------------------------------------


def overrun_lines(
    names: dict[int, str],
    approved: dict[tuple[int, str], int],
    occupied: dict[tuple[int, str], int],
    posts_approved: dict[tuple[int, str], int],
    held: dict[tuple[int, str], int],
) -> tuple[list[str], list[str]]:
    """Human lines for every (unit, type) with occupied > approved and (unit, category) with held > approved."""
    over_quota = []
    for (unit_id, etype), n in sorted(occupied.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])):
        limit = approved.get((unit_id, etype), 0)
        if unit_id in names and n > limit:
            over_quota.append(f"超编：{names[unit_id]} {etype} 核定{limit}名，实有{n}名，超{n - limit}名")
    over_posts = []
    for (unit_id, category), n in sorted(held.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])):
        limit = posts_approved.get((unit_id, category), 0)
        if unit_id in names and n > limit:
            over_posts.append(
                f"超职数：{names[unit_id]} {category} 核定{limit}名，实配{n}名，超{n - limit}名"
            )
    return over_quota, over_posts


def post_category(leader_post: str) -> str | None:
    return POST_CATEGORY_OF.get(leader_post)


# ---- documents ---------------------------------------------------------------------------------------


def documents_for_numbers(region, numbers: Iterable[str], *, actor) -> dict[str, Document]:
    """Each 文号 (normalised) -> its Document; numbers not on file are registered (one audit row each)."""
    wanted = {normalize_doc_number(n) for n in numbers if n}
    wanted.discard("")
    found: dict[str, Document] = {}
    for doc in Document.objects.filter(region=region, number__in=wanted).order_by("id"):
        found.setdefault(doc.number, doc)
    for number in sorted(wanted - set(found)):
        found[number] = document_create(
            region=region,
            number=number,
            title=f"{number}（导入时登记）",
            actor=actor,
            note="由数据导入自动登记，请补全标题与扫描件。",
        )
    return found


# ---- units -------------------------------------------------------------------------------------------


@dataclass
class NewUnit:
    """A unit to create; ``parent_key`` names another NewUnit (by key) or ``parent_id`` a stored unit."""

    key: str
    fields: dict[str, Any]
    aliases: list[str]
    quotas: dict[str, int]
    earmark: int
    posts: dict[str, int]
    founding_number: str = ""
    approval_number: str = ""
    parent_key: str | None = None
    parent_id: int | None = None
    effective_on: dt.date | None = None  # when its quotas and posts take effect (None: the day of the load)
    unit: Unit | None = None


@dataclass
class QuotaChange:
    """New approved numbers for a stored unit (only the types/categories that change)."""

    unit_id: int
    unit_name: str
    quotas: dict[str, tuple[int, int]] = field(default_factory=dict)  # type -> (approved, earmark)
    posts: dict[str, int] = field(default_factory=dict)
    approval_number: str = ""
    effective_on: dt.date | None = None


@dataclass
class LimitDraft:
    limit_type: str
    occurred_on: dt.date
    number: str
    delta: int
    note: str


@dataclass
class UnitsPlan:
    limits: list[LimitDraft] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)
    changes: list[QuotaChange] = field(default_factory=list)


def _creation_order(new_units: list[NewUnit]) -> list[list[NewUnit]]:
    """Levels so that every parent in the file is created before its children (cycles already refused)."""
    by_key = {u.key: u for u in new_units}
    depth: dict[str, int] = {}

    def level(u: NewUnit) -> int:
        if u.key not in depth:
            parent = by_key.get(u.parent_key) if u.parent_key else None
            depth[u.key] = 0 if parent is None else level(parent) + 1
        return depth[u.key]

    levels: dict[int, list[NewUnit]] = defaultdict(list)
    for u in new_units:
        levels[level(u)].append(u)
    return [levels[i] for i in sorted(levels)]


@transaction.atomic
def load_units(
    plan: UnitsPlan, *, region, actor, filename: str, over_quota: list[str], over_posts: list[str]
) -> set[int]:
    """Write a validated units plan in one transaction. Returns the ids of the units touched."""
    today = timezone.localdate()
    actor_id = _actor_id(actor)
    numbers = [d.number for d in plan.limits] + [c.approval_number for c in plan.changes]
    numbers += [n for u in plan.new_units for n in (u.founding_number, u.approval_number)]
    docs = documents_for_numbers(region, numbers, actor=actor)

    def doc(number: str) -> Document | None:
        return docs.get(normalize_doc_number(number)) if number else None

    QuotaLimitEntry.objects.bulk_create(
        [
            QuotaLimitEntry(
                region=region,
                limit_type=d.limit_type,
                occurred_on=d.occurred_on,
                document=doc(d.number),
                delta=d.delta,
                note=d.note,
                actor_id=actor_id,
            )
            for d in plan.limits
        ]
    )
    by_key = {u.key: u for u in plan.new_units}
    order = (Unit.objects.filter(region=region).aggregate(m=Max("sort_order"))["m"] or 0) + 1
    for level in _creation_order(plan.new_units):
        rows = []
        for u in level:
            parent_id = by_key[u.parent_key].unit.pk if u.parent_key else u.parent_id
            u.unit = Unit(
                region=region,
                parent_id=parent_id,
                founding_document=doc(u.founding_number),
                sort_order=order,
                **u.fields,
            )
            order += 1
            rows.append(u.unit)
        Unit.objects.bulk_create(rows, batch_size=BATCH)
    aliases, quotas, posts, events = [], [], [], []
    reason = f"建账导入（{filename}）"
    for u in plan.new_units:
        unit = u.unit
        effective = min(u.effective_on or today, today)
        aliases += [UnitAlias(unit=unit, name=a) for a in u.aliases]
        founded = doc(u.founding_number)
        events.append(
            UnitEvent(
                unit=unit,
                kind=UnitEventKind.FOUNDED if founded else UnitEventKind.IMPORTED,
                occurred_on=unit.founded_on or effective,
                document=founded,
                reason=reason,
                actor_id=actor_id,
                after=audit.jsonable(u.fields | {"parent": unit.parent_id, "aliases": u.aliases}),
            )
        )
        approval = doc(u.approval_number)
        for etype, n in u.quotas.items():
            if n > 0:
                earmark = u.earmark if etype == "行政编制" else 0
                quotas.append(
                    Quota(unit=unit, establishment_type=etype, approved=n, military_earmark=earmark)
                )
                events.append(
                    _quota_event(
                        unit.pk, etype, (0, 0), (n, earmark), effective, approval, reason, actor_id, True
                    )
                )
        for category, n in u.posts.items():
            if n > 0:
                posts.append(LeaderPostQuota(unit=unit, category=category, approved=n))
                events.append(
                    _posts_event(unit.pk, category, 0, n, effective, approval, reason, actor_id, True)
                )
    events += _apply_quota_changes(
        plan.changes, doc, today=today, actor_id=actor_id, reason=f"数据导入调整（{filename}）"
    )
    UnitAlias.objects.bulk_create(aliases, batch_size=BATCH)
    Quota.objects.bulk_create(quotas, batch_size=BATCH)
    LeaderPostQuota.objects.bulk_create(posts, batch_size=BATCH)
    UnitEvent.objects.bulk_create(events, batch_size=BATCH)
    touched = {u.unit.pk for u in plan.new_units} | {c.unit_id for c in plan.changes}
    audit.record(
        actor=actor,
        action="导入.机构",
        region=region,
        target_repr=filename,
        reason=reason,
        after={
            "文件": filename,
            "新增机构": len(plan.new_units),
            "调整编制或职数的机构": len(plan.changes),
            "限额台账记录": len(plan.limits),
            "生效日期": {
                f"{d:%Y-%m-%d}": n
                for d, n in sorted(
                    Counter(
                        min(i.effective_on or today, today) for i in [*plan.new_units, *plan.changes]
                    ).items()
                )
            },
            "新增机构名称": [u.fields["name"] for u in plan.new_units][:500],
            "超编": over_quota,
            "超职数": over_posts,
        },
    )
    signals.registry_bulk_loaded.send(sender=load_units, region=region, unit_ids=touched)
    return touched


def _quota_event(
    unit_id, etype, before, after, occurred_on, document, reason, actor_id, baseline=False
) -> UnitEvent:
    """The change record of a unit's quota of one type: ``before``/``after`` are (approved, earmark)."""
    return UnitEvent(
        unit_id=unit_id,
        kind=UnitEventKind.QUOTA,
        occurred_on=occurred_on,
        baseline=baseline,
        document=document,
        establishment_type=etype,
        delta=after[0] - before[0],
        balance=after[0],
        reason=reason,
        actor_id=actor_id,
        before={"approved": before[0], "military_earmark": before[1]},
        after={"approved": after[0], "military_earmark": after[1]},
    )


def _posts_event(
    unit_id, category, before, after, occurred_on, document, reason, actor_id, baseline=False
) -> UnitEvent:
    """The change record of a unit's leader posts of one category (``before``/``after``: approved)."""
    return UnitEvent(
        unit_id=unit_id,
        kind=UnitEventKind.POSTS,
        occurred_on=occurred_on,
        baseline=baseline,
        document=document,
        post_category=category,
        delta=after - before,
        balance=after,
        reason=reason,
        actor_id=actor_id,
        before={"approved": before},
        after={"approved": after},
    )


def _apply_quota_changes(changes: list[QuotaChange], doc, *, today, actor_id, reason) -> list[UnitEvent]:
    if not changes:
        return []
    ids = [c.unit_id for c in changes]
    quota_rows = {(q.unit_id, q.establishment_type): q for q in Quota.objects.filter(unit_id__in=ids)}
    post_rows = {(p.unit_id, p.category): p for p in LeaderPostQuota.objects.filter(unit_id__in=ids)}
    new_q, upd_q, new_p, upd_p, events = [], [], [], [], []
    for c in changes:
        approval = doc(c.approval_number)
        effective = min(c.effective_on or today, today)
        for etype, (n, earmark) in c.quotas.items():
            row = quota_rows.get((c.unit_id, etype))
            before = (
                {"approved": row.approved, "military_earmark": row.military_earmark}
                if row
                else {"approved": 0, "military_earmark": 0}
            )
            if row is None:
                new_q.append(
                    Quota(unit_id=c.unit_id, establishment_type=etype, approved=n, military_earmark=earmark)
                )
            else:
                row.approved, row.military_earmark = n, earmark
                upd_q.append(row)
            events.append(
                _quota_event(
                    c.unit_id,
                    etype,
                    (before["approved"], before["military_earmark"]),
                    (n, earmark),
                    effective,
                    approval,
                    reason,
                    actor_id,
                )
            )
        for category, n in c.posts.items():
            row = post_rows.get((c.unit_id, category))
            old = row.approved if row else 0
            if row is None:
                new_p.append(LeaderPostQuota(unit_id=c.unit_id, category=category, approved=n))
            else:
                row.approved = n
                upd_p.append(row)
            events.append(_posts_event(c.unit_id, category, old, n, effective, approval, reason, actor_id))
    Quota.objects.bulk_create(new_q, batch_size=BATCH)
    Quota.objects.bulk_update(upd_q, ["approved", "military_earmark"], batch_size=BATCH)
    LeaderPostQuota.objects.bulk_create(new_p, batch_size=BATCH)
    LeaderPostQuota.objects.bulk_update(upd_p, ["approved"], batch_size=BATCH)
    return events


# ---- people ------------------------------------------------------------------------------------------


@dataclass
class PersonUpdate:
    """A stored person (in establishment) whose row in the file differs: field -> (before, after)."""

    pk: int
    unit_id: int
    changes: dict[str, tuple[Any, Any]]


@dataclass
class StaffPlan:
    new_people: list[Person] = field(default_factory=list)
    updates: list[PersonUpdate] = field(default_factory=list)


class StaffLoadMode:
    """Which staff load this is (FORMATS §2 "建账 and everyday imports")."""

    ESTABLISH = "建账"  # the region's first staff load: reality as it is
    EVERYDAY = "日常导入"  # new people enter with 编制使用单 (through the 入编 service, not here)
    BASELINE = "年度数据更新"  # the administrator's audited exception: reality again, without slips


@transaction.atomic
def load_staff(
    plan: StaffPlan,
    *,
    region,
    actor,
    filename: str,
    over_quota: list[str],
    over_posts: list[str],
    mode: str = StaffLoadMode.ESTABLISH,
    entered: list[Person] = (),
    document: Document | None = None,
    reason: str = "",
) -> set[int]:
    """Write a validated staff plan in one transaction: 入编 for new people, 信息变更 for updates.

    ``entered`` are the people an everyday import already entered through the 入编 service (each with
    its slip, movement and audit row); they are named in this load's audit row. One Movement per
    person, one audit row for the load, one ``registry_bulk_loaded`` signal. Returns the ids of the
    units touched.
    """
    now = timezone.now()
    today = timezone.localdate()
    actor_id = _actor_id(actor)
    why = {
        StaffLoadMode.ESTABLISH: f"建账导入（{filename}）",
        StaffLoadMode.EVERYDAY: f"日常导入（{filename}）",
        StaffLoadMode.BASELINE: f"年度数据更新（{filename}）：{reason}",
    }[mode]
    for p in plan.new_people:
        p.created_at = p.updated_at = now
    Person.objects.bulk_create(plan.new_people, batch_size=BATCH)
    movements = [
        Movement(
            person_id=p.pk,
            kind=MovementKind.ENTER,
            occurred_on=p.entered_on,
            doc_number=p.entry_doc_number,
            document=document,
            to_unit_id=p.unit_id,
            to_type=p.establishment_type,
            to_post=p.leader_post,
            reason=why,
            actor_id=actor_id,
        )
        for p in plan.new_people
    ]
    movements += _apply_person_updates(plan.updates, now=now, today=today, actor_id=actor_id, reason=why)
    Movement.objects.bulk_create(movements, batch_size=BATCH)
    newcomers = [*plan.new_people, *entered]
    touched = {p.unit_id for p in newcomers} | {u.unit_id for u in plan.updates}
    after = {
        "文件": filename,
        "方式": mode,
        "入编": len(newcomers),
        "信息变更": len(plan.updates),
        "涉及单位": len(touched),
        "超编": over_quota,
        "超职数": over_posts,
    }
    if mode == StaffLoadMode.EVERYDAY:
        after["编制使用单"] = [p.entry_doc_number for p in entered]
    if mode == StaffLoadMode.BASELINE:
        names = dict(Unit.objects.filter(pk__in=touched).values_list("pk", "name"))
        after |= {
            "依据文件": document.number if document else "",
            "原因": reason,
            "新增人员": [
                {"单位": names.get(p.unit_id, ""), "姓名": p.name, "公民身份号码": p.id_number}
                for p in newcomers
            ],
        }
    audit.record(
        actor=actor,
        action="导入.实有人员",
        region=region,
        target_repr=filename,
        reason=why,
        after=after,
    )
    signals.registry_bulk_loaded.send(sender=load_staff, region=region, unit_ids=touched)
    return touched


def _apply_person_updates(updates: list[PersonUpdate], *, now, today, actor_id, reason) -> list[Movement]:
    if not updates:
        return []
    by_fields: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    movements = []
    for u in updates:
        person = Person(pk=u.pk, updated_at=now)
        for name, (_, after) in u.changes.items():
            setattr(person, name, after)
        by_fields[tuple(sorted(u.changes))].append(person)
        before = {k: audit.jsonable(b) for k, (b, _) in u.changes.items()}
        after = {k: audit.jsonable(a) for k, (_, a) in u.changes.items()}
        etype = u.changes.get("establishment_type")
        post = u.changes.get("leader_post")
        movements.append(
            Movement(
                person_id=u.pk,
                kind=MovementKind.CORRECTION,
                occurred_on=today,
                from_unit_id=u.unit_id,
                to_unit_id=u.unit_id,
                from_type=etype[0] if etype else "",
                to_type=etype[1] if etype else "",
                from_post=post[0] if post else "",
                to_post=post[1] if post else "",
                changes={"before": before, "after": after},
                reason=reason,
                actor_id=actor_id,
            )
        )
    for names, people in by_fields.items():
        Person.objects.bulk_update(people, [*names, "updated_at"], batch_size=500)
    return movements
