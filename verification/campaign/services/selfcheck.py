"""Stage 1, 单位自查: the self-check answers (the liaison, or the office 代填 with a reason), the scans of
the unit's papers, and the submission."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from archives.services import store_checked
from bianzhi import audit
from bianzhi.roles import authorize
from verification.campaign.models import CampaignAttachment, CampaignUnit, SelfCheckItem, SiteVisit, Stage
from verification.campaign.selectors import ITEM_ANSWERS, NEEDS_TEXT, is_liaison
from verification.campaign.services.common import (
    _fail,
    _filler,
    _in_stage,
    _lock,
    _move,
    _name,
    _require_unit,
)


def _answer_of(item: str, answer: str, text: str) -> tuple[str, str]:
    """A valid (answer, text) for a self-check line, or a refusal."""
    if item not in ITEM_ANSWERS:
        _fail("自查事项无效。", "item")
    if answer not in ITEM_ANSWERS[item]:
        _fail(f"“{item}”请选择“" + "”或“".join(ITEM_ANSWERS[item]) + "”。", "answer")
    text = (text or "").strip()
    if answer in NEEDS_TEXT and not text:
        _fail(f"“{item}”选择“{answer}”时须作出书面说明。", "text")
    return answer, text


def _write_answers(cu: CampaignUnit, answers: dict[str, tuple[str, str]], *, actor, reason: str) -> None:
    """Save the lines and write one audit row (核查.自查, or 核查.代填自查 with the reason)."""
    rows = {r.item: r for r in SelfCheckItem.objects.select_for_update().filter(campaign_unit=cu)}
    before, after, now = {}, {}, timezone.now()
    for item, (answer, text) in answers.items():
        row = rows[item]
        before[item] = {"answer": row.answer, "text": row.text, "on_behalf": row.on_behalf}
        row.answer, row.text, row.on_behalf = answer, text, bool(reason)
        row.answered_by_name, row.answered_at = _name(actor), now
        after[item] = {"answer": answer, "text": text, "on_behalf": bool(reason)}
    SelfCheckItem.objects.bulk_update(
        [rows[item] for item in answers], ["answer", "text", "on_behalf", "answered_by_name", "answered_at"]
    )
    audit.record(
        actor=actor,
        action="核查.代填自查" if reason else "核查.自查",
        target=cu,
        region=cu.campaign.region,
        before=before,
        after=after,
        reason=reason,
    )


@transaction.atomic
def selfcheck_answer(
    *, cu: CampaignUnit, item: str, answer: str, text: str = "", actor, on_behalf_reason: str = ""
) -> SelfCheckItem:
    """The liaison answers one self-check line (相符/不相符; 不相符/有差异 needs the written explanation),
    or an office writer does on the unit's behalf (代填) with ``on_behalf_reason`` (see ``_filler``)."""
    cu = _lock(cu)
    reason = _filler(actor, cu, on_behalf_reason)
    _in_stage(cu, Stage.SELF_CHECK)
    _write_answers(cu, {item: _answer_of(item, answer, text)}, actor=actor, reason=reason)
    return SelfCheckItem.objects.get(campaign_unit=cu, item=item)


@transaction.atomic
def selfcheck_save(
    *,
    cu: CampaignUnit,
    answers: dict[str, str | tuple[str, str]],
    actor,
    on_behalf_reason: str = "",
    submit: bool = False,
) -> CampaignUnit:
    """Save the whole self-check at once (``answers``: item → answer, or item → (answer, text)); with
    ``submit`` also submit it (单位自查 → 群众监督). The liaison, or an office writer on the unit's
    behalf with ``on_behalf_reason`` (代填, e.g. a paper return). Every line is checked before any is
    saved; one audit row for the lines (and the stage move when submitting)."""
    cu = _lock(cu)
    reason = _filler(actor, cu, on_behalf_reason)
    _in_stage(cu, Stage.SELF_CHECK)
    clean = {}
    for item, value in answers.items():
        answer, text = (value, "") if isinstance(value, str) else value
        clean[item] = _answer_of(item, answer, text)
    if not clean:
        _fail("请至少填写一项自查结论。")
    _write_answers(cu, clean, actor=actor, reason=reason)
    return _submit(cu, actor=actor, reason=reason) if submit else cu


@transaction.atomic
def attachment_add(
    *, cu: CampaignUnit, upload: UploadedFile, actor, visit: SiteVisit | None = None
) -> CampaignAttachment:
    """Attach a scan (PDF/image, checked by content and size) to the unit's self-check (its liaison, in
    单位自查), to a visit (the office), or — by the office — the scan of the unit's paper return (纸质报送:
    self-check forms in 单位自查, the signed report in 数据更新)."""
    cu = _lock(cu)
    if visit is not None:
        authorize(actor, "run_campaign", region=cu.campaign.region)
    elif is_liaison(actor, cu):
        _in_stage(cu, Stage.SELF_CHECK)
    else:
        _require_unit(actor, cu)  # not the liaison: an office writer of the region
        if cu.stage not in (Stage.SELF_CHECK, Stage.UPDATE):
            _fail("纸质材料扫描件在“单位自查”或“数据更新”环节上传。")
        _in_stage(cu, cu.stage)
    item = store_checked(
        CampaignAttachment(campaign_unit=cu, visit=visit), upload, uploaded_by_name=_name(actor)
    )
    audit.record(
        actor=actor,
        action="核查.附件",
        target=cu,
        region=cu.campaign.region,
        after={"file": item.original_name, "sha256": item.sha256},
    )
    return item


@transaction.atomic
def selfcheck_submit(*, cu: CampaignUnit, actor, on_behalf_reason: str = "") -> CampaignUnit:
    """单位自查 → 群众监督 once every line is answered: the liaison, or an office writer on the unit's
    behalf with ``on_behalf_reason`` (代填; ``selfcheck_on_behalf`` is set, and kept when any line was
    filled by the office; audited as 核查.代填提交 with the reason)."""
    cu = _lock(cu)
    reason = _filler(actor, cu, on_behalf_reason)
    _in_stage(cu, Stage.SELF_CHECK)
    return _submit(cu, actor=actor, reason=reason)


def _submit(cu: CampaignUnit, *, actor, reason: str) -> CampaignUnit:
    """``selfcheck_submit`` once the unit is locked and the filler and stage are checked."""
    missing = list(cu.items.filter(answer="").values_list("item", flat=True))
    if missing:
        _fail("以下自查事项尚未填写，不能提交：" + "、".join(missing))
    cu.selfcheck_on_behalf = bool(reason) or cu.items.filter(on_behalf=True).exists()
    cu.save(update_fields=["selfcheck_on_behalf"])
    if reason:
        audit.record(
            actor=actor,
            action="核查.代填提交",
            target=cu,
            region=cu.campaign.region,
            after={"on_behalf": True},
            reason=reason,
        )
    cu.selfcheck_submitted_at = timezone.now()
    return _move(cu, Stage.NOTICE, actor=actor)
