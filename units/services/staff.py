"""The real-name record: 入编, 出编, 调动, 职务变动 and corrections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archives.models import Document
from archives.services import require_citable
from bianzhi import audit
from bianzhi.lib.idnumbers import InvalidNumber, id_info
from bianzhi.lib.text import clean_cell
from bianzhi.roles import authorize
from bianzhi.workdays import CalendarMissing, working_days_after
from units import signals
from units.choices import (
    POST_CATEGORY_OF,
    DutyStatus,
    LeaderPost,
    LeaveReason,
    MovementKind,
    OverrideKind,
)
from units.models import (
    LeaderPostQuota,
    Movement,
    Person,
    Unit,
    UseSlip,
)
from units.selectors import occupied, post_holders, reserved
from units.services.common import (
    PERSON_EDITABLE,
    PERSON_FIELDS,
    PERSON_KEY_FIELDS,
    _check_date,
    _fail,
    _today,
    check_document_of,
)
from units.services.registry import check_type_allowed
from units.services.slips import (
    check_override,
    consume_slip,
    lock_quota,
    lock_slip_for_entry,
    record_override,
)

# 核编在先: every 入编 and 调动 needs a slip (or the administrator's override).
REQUIRE_SLIP = True


def check_vacancy(
    unit: Unit, establishment_type: str, *, adding: int = 1, slip: UseSlip | None = None
) -> None:
    """Lock the quota row and recount (核编在先): refuse when the unit has no vacancy of the type.

    Slots reserved by other valid slips are not vacant; the slip being used brings its own slot.
    """
    approved = lock_quota(unit, establishment_type)
    used = occupied(unit.pk, establishment_type)
    held = reserved(unit.pk, establishment_type, exclude=slip)
    if used + held + adding > approved:
        extra = f"，另有{held}名已由编制使用单预留" if held else ""
        _fail(
            f"不准超编进人：{unit.name}{establishment_type}核定{approved}名，已有在编{used}名{extra}，没有空编。"
        )


@dataclass
class Admission:
    """What ``admit`` let through: the locked slip (or None) and the overrides that were needed."""

    slip: UseSlip | None
    needed: list[str]
    on: dt.date
    actor: Any
    override_document: Document | None
    override_reason: str

    def complete(self, person: Person) -> None:
        """Once the person is saved: the slip is used, each override is recorded."""
        if self.slip is not None:
            consume_slip(self.slip, person, self.on)
        for kind in self.needed:
            record_override(
                kind=kind,
                unit=person.unit,
                person=person,
                document=self.override_document,
                reason=self.override_reason,
                actor=self.actor,
            )


def admit(
    *,
    unit: Unit,
    establishment_type: str,
    leader_post: str,
    on: dt.date,
    actor,
    slip: UseSlip | None,
    override_document: Document | None,
    override_reason: str,
) -> Admission:
    """The 核编在先 gate of 入编 and 调动: a valid slip for this unit and type, a vacancy, a free post.

    The office administrator may override with a reason and a Document; returns the admission (the
    locked slip and the kinds of override that were needed), to be completed once the person is saved.
    """
    overriding = override_document is not None or bool((override_reason or "").strip())
    if overriding:
        check_override(actor, override_document, override_reason, region=unit.region_id)
    needed: list[str] = []
    if slip is not None:
        slip = lock_slip_for_entry(slip, unit, establishment_type, on)
    elif REQUIRE_SLIP:
        if not overriding:
            _fail("核编在先：入编须凭本单位有效的编制使用单（先提出用编申请，经编办批准）。", "slip")
        needed.append(OverrideKind.NO_SLIP)
    if slip is None or not slip.is_replacement:
        try:
            check_vacancy(unit, establishment_type, slip=slip)
        except ValidationError:
            if not overriding:
                raise
            needed.append(OverrideKind.OVER_QUOTA)
    try:
        check_post_vacancy(unit, leader_post)
    except ValidationError:
        if not overriding:
            raise
        needed.append(OverrideKind.OVER_POSTS)
    return Admission(slip, needed, on, actor, override_document, override_reason)


def check_post_vacancy(unit: Unit, leader_post: str) -> None:
    """Lock the post row and recount: refuse an appointment when the approved count is full."""
    category = POST_CATEGORY_OF.get(leader_post)
    if category is None:
        return
    posts = LeaderPostQuota.objects.select_for_update().filter(unit=unit, category=category).first()
    approved = posts.approved if posts else 0
    held = post_holders(unit.pk, category)
    if held + 1 > approved:
        _fail(
            f"不准超职数配备领导干部：{unit.name}{category}核定{approved}名，已配备{held}名。", "leader_post"
        )


def check_person_facts(
    *, id_number: str, sex: str | None, birth_date: dt.date | None
) -> tuple[str, str, dt.date]:
    """Normalise the ID number and check that sex and birth date agree with it."""
    try:
        info = id_info(id_number)
    except InvalidNumber as exc:
        raise ValidationError({"id_number": str(exc)}) from None
    if sex and sex != info.sex:
        _fail(f"性别“{sex}”与公民身份号码不符（应为{info.sex}）。", "sex")
    if birth_date and birth_date != info.birth_date:
        _fail(f"出生日期与公民身份号码不符（应为{info.birth_date:%Y-%m-%d}）。", "birth_date")
    return info.number, info.sex, info.birth_date


def check_division(unit: Unit, division: Unit | None) -> None:
    if division is not None and (
        division.parent_id != unit.pk or not division.is_division or not division.is_live
    ):
        _fail(f"“{division.name}”不是{unit.name}的内设机构。", "division")


def _check_one_slot(id_number: str, exclude: int | None = None) -> None:
    clash = Person.objects.filter(in_establishment=True, id_number=id_number).select_related("unit")
    if exclude:
        clash = clash.exclude(pk=exclude)
    other = clash.first()
    if other:
        _fail(f"一人一编：公民身份号码 {id_number} 已在{other.unit.name}在编（{other.name}）。", "id_number")


def _save_person(person: Person) -> None:
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise ValidationError(
            f"一人一编：公民身份号码 {person.id_number} 已在编，不能重复占用编制。"
        ) from exc


def is_late(occurred_on: dt.date, recorded_on: dt.date | None = None) -> bool | None:
    """Recorded more than TIMELY_WORKING_DAYS working days after the event (None: no calendar data)."""
    try:
        return working_days_after(occurred_on, recorded_on or _today()) > settings.TIMELY_WORKING_DAYS
    except CalendarMissing:
        return None


def _movement(person: Person, kind: str, occurred_on: dt.date, *, actor, **kw) -> Movement:
    require_citable(kw.get("document"))
    return Movement.objects.create(
        person=person,
        kind=kind,
        occurred_on=occurred_on,
        actor=audit.user_of(actor),
        is_late=is_late(occurred_on),
        **kw,
    )


def _announce(
    person: Person,
    kind: str,
    occurred_on: dt.date,
    *,
    actor,
    before: dict | None,
    sender,
    unit_ids: set[int] | None = None,
    reason: str = "",
    audit_reason: str = "",
    **movement_kw,
) -> Movement:
    """Record a change of a person: the movement (their history), the audit row with the record's values
    before and after, and the ``staff_moved`` signal the ledgers listen to (for ``unit_ids``, by default
    the person's unit)."""
    after = audit.snapshot(person, PERSON_FIELDS)
    b, a = audit.diff(before, after) if before is not None else (None, after)
    if kind == MovementKind.CORRECTION:
        movement_kw["changes"] = {"before": b, "after": a}
    movement = _movement(person, kind, occurred_on, actor=actor, reason=reason, **movement_kw)
    audit.record(
        actor=actor,
        action=f"人员.{kind}",
        target=person,
        region=person.unit.region,
        before=b,
        after=a,
        reason=audit_reason or reason,
    )
    unit_ids = {person.unit_id} if unit_ids is None else unit_ids
    signals.staff_moved.send(sender=sender, unit_ids=unit_ids, movements=[movement])
    return movement


@transaction.atomic
def person_enter(
    *,
    unit: Unit,
    name: str,
    id_number: str,
    establishment_type: str,
    category: str,
    entered_on: dt.date,
    actor,
    division: Unit | None = None,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    leader_post: str = LeaderPost.NONE,
    entry_doc_number: str = "",
    entry_method: str = "",
    is_military_transfer: bool = False,
    work_started_on: dt.date | None = None,
    duty_status: str = DutyStatus.ON_DUTY,
    ethnicity: str = "",
    political_status: str = "",
    education: str = "",
    title: str = "",
    grade: str = "",
    document: Document | None = None,
    reason: str = "",
    slip: UseSlip | None = None,
    override_document: Document | None = None,
    override_reason: str = "",
) -> Person:
    """入编: a person takes a vacant slot of the unit with a valid slip (核编在先, 一人一编, no over-post leaders).

    The slip is consumed (its number becomes the 入编文号); an administrator's override is recorded.
    """
    authorize(actor, "edit_registry", region=unit.region_id)
    check_document_of(document, unit.region_id, "入编")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_live:
        _fail(f"{unit.name}已撤销或合并，不能入编。")
    check_type_allowed(unit, establishment_type)
    check_division(unit, division)
    number, sex, birth_date = check_person_facts(id_number=id_number, sex=sex, birth_date=birth_date)
    name = clean_cell(name)
    if not name:
        _fail("姓名不能为空。", "name")
    _check_date(entered_on, "入编时间", unit)
    _check_one_slot(number)
    admission = admit(
        unit=unit,
        establishment_type=establishment_type,
        leader_post=leader_post,
        on=entered_on,
        actor=actor,
        slip=slip,
        override_document=override_document,
        override_reason=override_reason,
    )
    if admission.slip is not None:
        entry_doc_number = admission.slip.number
    person = Person(
        unit=unit,
        division=division,
        name=name,
        id_number=number,
        sex=sex,
        birth_date=birth_date,
        establishment_type=establishment_type,
        category=category,
        leader_post=leader_post or LeaderPost.NONE,
        entered_on=entered_on,
        entry_doc_number=entry_doc_number,
        entry_method=entry_method,
        is_military_transfer=is_military_transfer,
        work_started_on=work_started_on,
        duty_status=duty_status,
        ethnicity=ethnicity,
        political_status=political_status,
        education=education,
        title=title,
        grade=grade,
    )
    _save_person(person)
    admission.complete(person)
    _announce(
        person,
        MovementKind.ENTER,
        entered_on,
        actor=actor,
        before=None,
        sender=person_enter,
        unit_ids={unit.pk},
        reason=reason,
        document=document,
        doc_number=entry_doc_number,
        to_unit=unit,
        to_type=establishment_type,
        to_post=person.leader_post,
    )
    return person


def _lock_person(person: Person, actor, document: Document | None = None, what: str = "") -> Person:
    """Lock the record, then check the actor (office staff of the person's region) and the Document."""
    person = Person.objects.select_for_update().select_related("unit", "unit__region").get(pk=person.pk)
    authorize(actor, "edit_registry", region=person.unit.region_id)
    check_document_of(document, person.unit.region_id, what)
    if not person.in_establishment:
        _fail(f"{person.name}已出编。")
    return person


@transaction.atomic
def person_leave(
    *,
    person: Person,
    left_on: dt.date,
    leave_reason: str,
    actor,
    doc_number: str = "",
    document: Document | None = None,
    reason: str = "",
) -> Person:
    """出编: the person leaves establishment (退休, 调出 …); the slot is released, the record kept."""
    person = _lock_person(person, actor, document, "出编")
    if leave_reason not in LeaveReason.values:
        _fail("请选择出编原因。", "leave_reason")
    _check_date(left_on, "出编时间")
    if left_on < person.entered_on:
        _fail("出编时间不能早于入编时间。", "left_on")
    before = audit.snapshot(person, PERSON_FIELDS)
    from_post = person.leader_post
    person.in_establishment, person.left_on, person.leave_reason = False, left_on, leave_reason
    person.save(update_fields=["in_establishment", "left_on", "leave_reason", "updated_at"])
    _announce(
        person,
        MovementKind.LEAVE,
        left_on,
        actor=actor,
        before=before,
        sender=person_leave,
        reason=reason,
        audit_reason=reason or leave_reason,
        document=document,
        doc_number=doc_number,
        from_unit=person.unit,
        from_type=person.establishment_type,
        from_post=from_post,
        leave_reason=leave_reason,
    )
    return person


@transaction.atomic
def person_transfer(
    *,
    person: Person,
    to_unit: Unit,
    establishment_type: str,
    occurred_on: dt.date,
    actor,
    to_division: Unit | None = None,
    category: str | None = None,
    leader_post: str = LeaderPost.NONE,
    reason: str = "",
    doc_number: str = "",
    slip: UseSlip | None = None,
    document: Document | None = None,
    override_document: Document | None = None,
    override_reason: str = "",
) -> Person:
    """调动: 出编 at the old unit and 入编 at the new one in one step, with a slip of the receiving unit."""
    authorize(actor, "edit_registry", region=to_unit.region_id)
    person = _lock_person(person, actor)
    check_document_of(document, to_unit.region_id, "调动")
    to_unit = Unit.objects.select_for_update().get(pk=to_unit.pk)
    if to_unit.pk == person.unit_id and establishment_type == person.establishment_type:
        _fail("调入单位与原单位相同。", "to_unit")
    if not to_unit.is_live:
        _fail(f"{to_unit.name}已撤销或合并。", "to_unit")
    check_type_allowed(to_unit, establishment_type)
    check_division(to_unit, to_division)
    _check_date(occurred_on, "调动日期", to_unit)
    if occurred_on < person.entered_on:
        _fail("调动日期不能早于入编时间。")
    admission = admit(
        unit=to_unit,
        establishment_type=establishment_type,
        leader_post=leader_post,
        on=occurred_on,
        actor=actor,
        slip=slip,
        override_document=override_document,
        override_reason=override_reason,
    )
    doc_number = doc_number or (admission.slip.number if admission.slip else "")
    before = audit.snapshot(person, PERSON_FIELDS)
    from_unit, from_type, from_post = person.unit, person.establishment_type, person.leader_post
    person.unit, person.division, person.establishment_type = to_unit, to_division, establishment_type
    person.leader_post = leader_post or LeaderPost.NONE
    if category:
        person.category = category
    if doc_number:
        person.entry_doc_number = doc_number
    person.save()
    admission.complete(person)
    _announce(
        person,
        MovementKind.TRANSFER,
        occurred_on,
        actor=actor,
        before=before,
        sender=person_transfer,
        unit_ids={from_unit.pk, to_unit.pk},
        reason=reason,
        document=document,
        doc_number=doc_number,
        from_unit=from_unit,
        to_unit=to_unit,
        from_type=from_type,
        to_type=establishment_type,
        from_post=from_post,
        to_post=person.leader_post,
    )
    return person


@transaction.atomic
def person_change_post(
    *,
    person: Person,
    leader_post: str,
    occurred_on: dt.date,
    actor,
    title: str | None = None,
    doc_number: str = "",
    document: Document | None = None,
    reason: str = "",
) -> Person:
    """职务变动: appoint to or remove from a leader post; refused when the post count is full."""
    person = _lock_person(person, actor, document, "职务变动")
    if leader_post not in LeaderPost.values:
        _fail("领导职务无效。", "leader_post")
    if leader_post == person.leader_post and (title is None or title == person.title):
        _fail("领导职务没有变化。", "leader_post")
    _check_date(occurred_on, "任职日期")
    if POST_CATEGORY_OF[leader_post] != POST_CATEGORY_OF[person.leader_post]:
        check_post_vacancy(person.unit, leader_post)
    if leader_post in (LeaderPost.DIVISION_CHIEF, LeaderPost.DIVISION_DEPUTY) and person.division is None:
        _fail("担任内设机构领导职务的人员须先确定所在内设机构。", "leader_post")
    before = audit.snapshot(person, PERSON_FIELDS)
    from_post = person.leader_post
    person.leader_post = leader_post
    if title is not None:
        person.title = title
    person.save(update_fields=["leader_post", "title", "updated_at"])
    _announce(
        person,
        MovementKind.POST_CHANGE,
        occurred_on,
        actor=actor,
        before=before,
        sender=person_change_post,
        reason=reason,
        document=document,
        doc_number=doc_number,
        from_unit=person.unit,
        to_unit=person.unit,
        from_post=from_post,
        to_post=leader_post,
    )
    return person


@transaction.atomic
def person_update(
    *, person: Person, actor, reason: str = "", occurred_on: dt.date | None = None, **changes: Any
) -> Person:
    """Correct a person's record. Key fields (姓名, 公民身份号码, 出生日期, 编制类型, 入编时间) need a reason."""
    person = _lock_person(person, actor)
    unknown = set(changes) - set(PERSON_EDITABLE)
    if unknown:
        _fail("不能通过此操作修改：" + "、".join(sorted(unknown)))
    changed = {k: v for k, v in changes.items() if getattr(person, k) != v}
    if not changed:
        return person
    if set(changed) & set(PERSON_KEY_FIELDS) and not (reason or "").strip():
        _fail("修改姓名、公民身份号码、出生日期、编制类型或入编时间必须填写原因。", "reason")
    before = audit.snapshot(person, PERSON_FIELDS)
    for key, value in changed.items():
        setattr(person, key, value)
    number, sex, birth = check_person_facts(
        id_number=person.id_number, sex=person.sex, birth_date=person.birth_date
    )
    person.id_number, person.sex, person.birth_date = number, sex, birth
    if "id_number" in changed:
        _check_one_slot(number, exclude=person.pk)
    if "establishment_type" in changed:
        check_type_allowed(person.unit, person.establishment_type)
        check_vacancy(person.unit, person.establishment_type)
    check_division(person.unit, person.division)
    _check_date(person.entered_on, "入编时间")
    _save_person(person)
    _announce(
        person,
        MovementKind.CORRECTION,
        occurred_on or _today(),
        actor=actor,
        before=before,
        sender=person_update,
        reason=reason,
        from_unit=person.unit,
        to_unit=person.unit,
        from_type=before["establishment_type"],
        to_type=person.establishment_type,
    )
    return person
