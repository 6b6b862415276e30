"""The yearly self-inspection (seed 002 §十二: 督促各单位每年对机构编制执行情况开展一次自查): the office opens
year Y's; each live 法人 unit's liaison answers the questionnaire (是/否, an explanation on every 否,
attachments) and submits it; the office accepts it or returns it with the reason, and may fill it in on
the unit's behalf (代填) with a reason. Every step is dated and audited."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from archives.services import store_checked
from bianzhi import audit
from bianzhi.roles import authorize
from supervision.choices import ANSWERABLE, NO, QUESTIONNAIRE_TRANSITIONS, YES, Item, QuestionnaireStatus
from supervision.models import Answer, Attachment, Evidence, Questionnaire, SelfInspection
from supervision.selectors import is_liaison_of
from supervision.services.common import fail, lock, move, name, step, text, today
from units.choices import Nature, UnitStatus
from units.models import Unit
from units.services.common import authorize_unit


@transaction.atomic
def self_inspection_open(
    *, region, year: int, deadline: dt.date, actor, note: str = "", opened_on: dt.date | None = None
) -> SelfInspection:
    """Open year ``year``'s self-inspection of the region: a questionnaire (every line unanswered) for
    every live 法人 unit. Once per region and year. ``opened_on`` (default today, never later) records a
    self-inspection the office started on paper before. Office writers; audited."""
    authorize(actor, "supervise", region=region)
    opened = opened_on or today()
    if opened > today():
        fail("开始日期不能晚于今天。", "opened_on")
    if not 2000 <= year <= today().year + 1:
        fail("年度无效。", "year")
    if deadline is None or deadline < (today() if opened_on is None else opened):
        fail("报送截止日期不能早于开始日期或今天。", "deadline")
    if SelfInspection.objects.filter(region=region, year=year).exists():
        fail(f"{year}年度自查已经发起过。", "year")
    si = SelfInspection.objects.create(
        region=region,
        year=year,
        opened_on=opened,
        deadline=deadline,
        note=text(note),
        opened_by_name=name(actor),
    )
    units = list(
        Unit.objects.filter(region=region, status=UnitStatus.ACTIVE)
        .exclude(nature=Nature.DIVISION)
        .order_by("pk")
    )
    forms = Questionnaire.objects.bulk_create([Questionnaire(inspection=si, unit=u) for u in units])
    Answer.objects.bulk_create([Answer(questionnaire=q, item=i) for q in forms for i in Item.values])
    audit.record(
        actor=actor,
        action="监督.发起自查",
        target=si,
        region=region,
        after={"year": year, "deadline": deadline, "units": len(units)},
    )
    return si


def _filler(actor, q: Questionnaire, on_behalf_reason: str) -> str:
    """The unit's liaison fills in its own questionnaire (returns ""); an office writer only 代填s with a
    reason (returned); anyone else is refused."""
    reason = text(on_behalf_reason)
    if is_liaison_of(actor, q.unit):
        if reason:
            fail("单位联络员直接填写本单位的自查表，不能代填。", "on_behalf_reason")
        return ""
    authorize_unit(actor, q.unit, capability="supervise")
    if not reason:
        fail("编办代填须写明代填原因（如单位报送纸质自查表）。", "on_behalf_reason")
    return reason


def _clean(answers: dict[str, tuple[str, str]], *, complete: bool) -> dict[str, tuple[str, str]]:
    clean = {}
    for item, (answer, explanation) in answers.items():
        if item not in Item.values:
            fail("自查事项无效。")
        answer, explanation = text(answer), text(explanation)
        if not answer:
            if complete:
                fail(f"请回答“{Item(item).label}”。", f"answer_{item}")
            continue
        if answer not in (YES, NO):
            fail(f"“{Item(item).label}”请选择“是”或“否”。", f"answer_{item}")
        if answer == NO and not explanation:
            fail(f"“{Item(item).label}”选择“否”时须说明存在的问题及整改措施。", f"text_{item}")
        clean[item] = (answer, explanation)
    if complete and set(clean) != set(Item.values):
        missing = [Item(i).label for i in Item.values if i not in clean]
        fail("请回答全部自查事项：" + "、".join(missing) + "。")
    return clean


@transaction.atomic
def questionnaire_save(
    *,
    questionnaire: Questionnaire,
    answers: dict[str, tuple[str, str]],
    actor,
    submit: bool = False,
    on_behalf_reason: str = "",
) -> Questionnaire:
    """Save the answers (item → (是/否, explanation)); with ``submit`` every line must be answered and the
    questionnaire goes to 已提交. The unit's liaison, or an office writer 代填 with a reason. Only while it
    is 未填报 or 已退回. Audited (监督.自查 / 监督.代填自查) with the answers."""
    q = lock(questionnaire)
    reason = _filler(actor, q, on_behalf_reason)
    if q.status not in ANSWERABLE:
        fail(f"自查表{q.status}，不能再修改。")
    clean = _clean(answers, complete=submit)
    rows = {a.item: a for a in q.answers.select_for_update()}
    before = {i: [rows[i].answer, rows[i].text] for i in clean}
    for item, (answer, explanation) in clean.items():
        rows[item].answer, rows[item].text = answer, explanation
    Answer.objects.bulk_update([rows[i] for i in clean], ["answer", "text"])
    if reason:
        q.on_behalf_reason = reason
    audit.record(
        actor=actor,
        action="监督.代填自查" if reason else "监督.自查",
        target=q,
        region=q.inspection.region,
        before=before,
        after={i: list(v) for i, v in clean.items()},
        reason=reason,
    )
    if submit:
        old = move(q, QUESTIONNAIRE_TRANSITIONS, QuestionnaireStatus.SUBMITTED, "自查表")
        q.submitted_on, q.submitted_by_name = today(), name(actor)
        step(actor=actor, action="提交", on=today(), old=old, new=q.status, note=reason, questionnaire=q)
        audit.record(
            actor=actor,
            action="监督.代填提交自查" if reason else "监督.提交自查",
            target=q,
            region=q.inspection.region,
            after={"status": q.status},
            reason=reason,
        )
    q.save()
    return q


@transaction.atomic
def questionnaire_review(
    *, questionnaire: Questionnaire, accept: bool, actor, reason: str = ""
) -> Questionnaire:
    """The office accepts a submitted questionnaire (已通过) or returns it (已退回, with the reason, to be
    answered again). Office writers of the region; dated and audited."""
    q = lock(questionnaire)
    authorize(actor, "supervise", region=q.inspection.region_id)
    reason = text(reason)
    if not accept and not reason:
        fail("退回须写明理由。", "reason")
    to = QuestionnaireStatus.ACCEPTED if accept else QuestionnaireStatus.RETURNED
    old = move(q, QUESTIONNAIRE_TRANSITIONS, to, "自查表")
    q.reviewed_on, q.reviewed_by_name = today(), name(actor)
    q.return_reason = "" if accept else reason
    q.save()
    step(
        actor=actor,
        action="审核通过" if accept else "退回",
        on=today(),
        old=old,
        new=to,
        note=reason,
        questionnaire=q,
    )
    audit.record(
        actor=actor,
        action="监督.自查通过" if accept else "监督.自查退回",
        target=q,
        region=q.inspection.region,
        before={"status": old},
        after={"status": to},
        reason=reason,
    )
    return q


def _attachment(upload: UploadedFile, actor, **parent) -> Attachment:
    return store_checked(Attachment(**parent), upload, uploaded_by_name=name(actor))


@transaction.atomic
def questionnaire_attach(*, questionnaire: Questionnaire, upload: UploadedFile, actor) -> Attachment:
    """Attach a scan (PDF/image, checked by content and size) to a questionnaire still being answered: its
    unit's liaison or an office writer of the region. Audited."""
    q = lock(questionnaire)
    authorize_unit(actor, q.unit, capability="supervise")
    if q.status not in ANSWERABLE:
        fail(f"自查表{q.status}，不能再上传附件。")
    item = _attachment(upload, actor, questionnaire=q)
    audit.record(
        actor=actor,
        action="监督.自查附件",
        target=q,
        region=q.inspection.region,
        after={"file": item.original_name, "sha256": item.sha256},
    )
    return item


def evidence_attachment(evidence: Evidence, upload: UploadedFile, actor) -> Attachment:
    """A file of 整改 evidence (called by ``evidence_add`` inside its transaction)."""
    return _attachment(upload, actor, evidence=evidence)
