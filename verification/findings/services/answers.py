"""A finding through its statuses (TRANSITIONS): the answer (待核实 → 已说明, with attachments) of the unit's
liaison or of the partner department whose data the finding is on — an explanation (情况说明) or a
correction reported (已整改) — and the office's decision (accept → 已整改 / 不属实, or return → 待核实)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from archives.services import check_scan
from bianzhi import audit
from bianzhi.roles import actor_name, authorize, can
from verification.findings import models, selectors
from verification.findings.models import (
    AnswerKind,
    Finding,
    FindingAnswer,
    FindingAttachment,
    FindingEvent,
    FindingStatus,
)

MAX_ATTACHMENTS = 10


@transaction.atomic
def finding_transition(*, finding: Finding, to_status: str, actor, text: str = "") -> Finding:
    """Move a finding to another status (TRANSITIONS); records the event and an audit row.
    The liaison's answer is 待核实 → 已说明 with a text; the office accepts or returns it.
    Office administrators and staff of the finding's region; who may answer it (its unit's liaison, the
    partner department whose data it is on: ``selectors.answer_role``) only to explain."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not (to_status == FindingStatus.EXPLAINED and selectors.answer_role(actor, finding)):
        authorize(actor, "run_comparison", region=finding.region_id)
    if to_status not in models.TRANSITIONS.get(finding.status, ()):
        raise ValidationError(f"问题状态不能从“{finding.status}”改为“{to_status}”。")
    if to_status == FindingStatus.EXPLAINED and not text.strip():
        raise ValidationError({"text": "请填写说明。"})
    before = finding.status
    finding.status = to_status
    finding.save(update_fields=["status"])
    FindingEvent.objects.create(
        finding=finding,
        actor=audit.user_of(actor),
        actor_name=actor_name(actor),
        from_status=before,
        to_status=to_status,
        text=text,
    )
    audit.record(
        actor=actor,
        action="比对问题.状态",
        target=finding,
        region=finding.region,
        before={"status": before},
        after={"status": to_status},
        reason=text,
    )
    return finding


@transaction.atomic
def finding_answer(
    *,
    finding: Finding,
    text: str,
    files: Sequence[UploadedFile] = (),
    kind: str = AnswerKind.EXPLAINED,
    actor,
) -> FindingAnswer:
    """Answer an open finding (待核实 → 已说明): explain it (``kind`` 说明) or report the data corrected
    (已整改), optionally with attachments (PDF or images, checked by content and size like document
    scans); the office then decides. Who: the liaison of the finding's unit, or a partner clerk of the
    finding's source who sees it (``selectors.answer_role``); the answer records which
    (``author_role``). Office roles never answer. Audited (the answer, and the status change by
    finding_transition)."""
    authorize(actor, "answer_findings")
    role = selectors.answer_role(actor, finding)
    if role is None:
        raise ValidationError(
            "只有该单位的联络员可以答复此问题。"
            if can(actor, "liaise")
            else "只能答复本部门数据中、向本部门显示的比对问题。"
        )
    if kind not in AnswerKind.values:
        raise ValidationError({"kind": "答复类型应为“说明”或“已整改”。"})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写说明。"})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": f"附件最多 {MAX_ATTACHMENTS} 个。"})
    checked = []
    for upload in files:
        try:
            checked.append((upload, *check_scan(upload)))
        except ValidationError as exc:
            raise ValidationError({"files": f"{upload.name}：{exc.messages[0]}"}) from None
    finding = finding_transition(finding=finding, to_status=FindingStatus.EXPLAINED, actor=actor, text=text)
    answer = FindingAnswer.objects.create(
        finding=finding,
        author=audit.user_of(actor),
        author_name=actor_name(actor),
        author_role=role,
        kind=kind,
        text=text,
    )
    for upload, sha, ctype in checked:
        item = FindingAttachment(
            answer=answer,
            original_name=Path(upload.name or "附件").name[-200:],
            sha256=sha,
            size=upload.size,
            content_type=ctype,
        )
        item.file.save(item.original_name, upload, save=False)
        item.save()
    audit.record(
        actor=actor,
        action="比对问题.答复",
        target=finding,
        region=finding.region,
        after={"kind": kind, "role": role, "text": text, "files": [[u.name, sha] for u, sha, _ in checked]},
    )
    return answer


@transaction.atomic
def finding_decide(
    *, finding: Finding, accept: bool, note: str = "", actor, outcome: str = FindingStatus.FIXED
) -> Finding:
    """The office's decision on a finding: accept (→ ``outcome``, 已整改 or 不属实) or return the
    liaison's answer (→ 待核实, a note is required). Office administrators and staff of the finding's
    region only — liaisons, partner clerks and supervisors never decide. Audited."""
    authorize(actor, "run_comparison", region=finding.region_id)
    note = (note or "").strip()
    if accept and outcome not in (FindingStatus.FIXED, FindingStatus.UNFOUNDED):
        raise ValidationError({"outcome": "审核结果应为“已整改”或“不属实”。"})
    if not accept and not note:
        raise ValidationError({"note": "退回时请填写意见。"})
    to_status = outcome if accept else FindingStatus.OPEN
    finding = finding_transition(finding=finding, to_status=to_status, actor=actor, text=note)
    answer = finding.answers.filter(decision="").order_by("-at", "-id").first()
    if answer is not None:
        answer.decision = models.Decision.ACCEPTED if accept else models.Decision.RETURNED
        answer.decision_status = to_status
        answer.decision_note = note
        answer.decided_by = audit.user_of(actor)
        answer.decided_by_name = actor_name(actor)
        answer.decided_at = timezone.now()
        answer.save()
    audit.record(
        actor=actor,
        action="比对问题.审核",
        target=finding,
        region=finding.region,
        after={"decision": "接受" if accept else "退回", "status": to_status, "answer": answer and answer.pk},
        reason=note,
    )
    return finding
