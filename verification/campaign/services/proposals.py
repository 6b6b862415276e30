"""Correction proposals (更正申请): the liaison or the office proposes, the office adopts (applied through
the registry services) or declines."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import authorize
from units import services as unit_services
from units.choices import EstablishmentType, PostCategory
from units.models import Person
from verification.campaign.models import CampaignUnit, CorrectionProposal, ProposalStatus, Stage
from verification.campaign.selectors import PERSON_PROPOSABLE, UNIT_PROPOSABLE, current_value
from verification.campaign.services.common import _fail, _in_stage, _lock, _name, _require_unit
from verification.campaign.services.setup import snapshot_refresh


@transaction.atomic
def proposal_create(
    *,
    cu: CampaignUnit,
    kind: str,
    target: str,
    proposed_value: str,
    reason: str,
    actor,
    person: Person | None = None,
) -> CorrectionProposal:
    """Propose a correction of the register (self-check or data update). The liaison or the office; the
    office reviews it with ``proposal_decide``. Audited."""
    cu = _lock(cu)
    _require_unit(actor, cu)
    stage = cu.stage if cu.stage in (Stage.SELF_CHECK, Stage.UPDATE) else Stage.SELF_CHECK
    _in_stage(cu, stage)
    proposed_value, reason = (proposed_value or "").strip(), (reason or "").strip()
    if not reason:
        _fail("请填写更正理由。", "reason")
    if not proposed_value:
        _fail("请填写更正后的数据。", "proposed_value")
    if kind in (CorrectionProposal.Kind.QUOTA, CorrectionProposal.Kind.POSTS):
        valid = EstablishmentType.values if kind == CorrectionProposal.Kind.QUOTA else PostCategory.values
        if target not in valid:
            _fail("更正项目无效。", "target")
        if not proposed_value.isdigit():
            _fail("更正后的数量应为非负整数。", "proposed_value")
    elif kind == CorrectionProposal.Kind.PERSON:
        if person is None or person.unit_id != cu.unit_id or not person.in_establishment:
            _fail("请选择本单位的在编人员。", "person")
        if target not in PERSON_PROPOSABLE:
            _fail("该人员信息不能通过更正申请修改。", "target")
    elif kind == CorrectionProposal.Kind.UNIT:
        if target not in UNIT_PROPOSABLE:
            _fail("该机构信息不能通过更正申请修改。", "target")
    else:
        _fail("更正类型无效。", "kind")
    proposal = CorrectionProposal.objects.create(
        campaign_unit=cu,
        kind=kind,
        person=person,
        target=target,
        current_value=current_value(cu, kind, target, person)[:200],
        proposed_value=proposed_value[:200],
        reason=reason,
        proposed_by_name=_name(actor),
    )
    audit.record(
        actor=actor,
        action="核查.提出更正",
        target=cu,
        region=cu.campaign.region,
        after={"kind": kind, "target": target, "value": proposed_value},
        reason=reason,
    )
    return proposal


def _correction_date(p: CorrectionProposal, document) -> dt.date:
    """A quota or post correction takes effect at the cut-off (the figure the campaign corrects), or at
    its Document's date when that is earlier."""
    cutoff = p.campaign_unit.campaign.cutoff
    issued = getattr(document, "issued_on", None)
    return min(cutoff, issued) if issued else cutoff


def _apply(p: CorrectionProposal, *, actor, document) -> None:
    unit = p.campaign_unit.unit
    reason = f"核查更正：{p.reason}"
    if p.kind == CorrectionProposal.Kind.QUOTA:
        unit_services.quota_set(
            unit=unit,
            establishment_type=p.target,
            approved=int(p.proposed_value),
            document=document,
            actor=actor,
            reason=reason,
            occurred_on=_correction_date(p, document) if document is not None else None,
        )
    elif p.kind == CorrectionProposal.Kind.POSTS:
        unit_services.leader_posts_set(
            unit=unit,
            category=p.target,
            approved=int(p.proposed_value),
            document=document,
            actor=actor,
            reason=reason,
            occurred_on=_correction_date(p, document) if document is not None else None,
        )
    elif p.kind == CorrectionProposal.Kind.PERSON:
        unit_services.person_update(
            person=p.person, actor=actor, reason=reason, **{p.target: p.proposed_value}
        )
    else:
        unit_services.unit_update(
            unit=unit, actor=actor, document=document, reason=reason, **{p.target: p.proposed_value}
        )


@transaction.atomic
def proposal_decide(
    *, proposal: CorrectionProposal, accept: bool, actor, note: str = "", document=None
) -> CorrectionProposal:
    """The office adopts a proposal (applied through the registry services; a quota or post change needs
    its Document) or declines it (with a note). Office writers; each proposal is decided once; audited."""
    proposal = (
        CorrectionProposal.objects.select_for_update()
        .select_related("campaign_unit__campaign__region")
        .get(pk=proposal.pk)
    )
    cu = proposal.campaign_unit
    authorize(actor, "run_campaign", region=cu.campaign.region)
    if proposal.status != ProposalStatus.PENDING:
        _fail(f"该更正申请已{proposal.status}，不能重复审核。")
    note = (note or "").strip()
    if not accept and not note:
        _fail("不采纳时请填写审核意见。", "note")
    if accept:
        _apply(proposal, actor=actor, document=document)
        snapshot_refresh(cu)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by_name, proposal.decided_at, proposal.decision_note = _name(actor), timezone.now(), note
    proposal.document = document
    proposal.save()
    audit.record(
        actor=actor,
        action="核查.审核更正",
        target=cu,
        region=cu.campaign.region,
        after={"proposal": proposal.pk, "status": proposal.status},
        reason=note,
    )
    return proposal
