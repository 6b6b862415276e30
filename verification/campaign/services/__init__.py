"""Writes of the verification campaign (核查, DOMAIN.md §5). One service per stage transition; each locks
the campaign unit, checks who may act, that the unit is in the right stage and the stage's window is
open, and what must be true; records a ``StageTransition`` and an audit row. Registry corrections are
applied through the ``units`` services only. A ``ValidationError`` carries the Chinese refusal and
nothing is written (``transaction.atomic``).

Who: office administrators and staff of the region (编办) create campaigns, review, advance and return
units; the unit's liaison answers the self-check, proposes corrections, records the notice and
confirms the unit's report. Supervisors only read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from archives.services import check_scan
from bianzhi import audit
from bianzhi.roles import actor_name
from units import services as unit_services
from units.choices import EstablishmentType, PostCategory
from units.models import Person, Unit
from verification.campaign.models import (
    STAGES,
    TRANSITIONS,
    Campaign,
    CampaignAttachment,
    CampaignKind,
    CampaignStatus,
    CampaignUnit,
    CampaignWindow,
    CorrectionProposal,
    FindingFollowUp,
    Notice,
    NoticeFeedback,
    ProposalStatus,
    SampleDraw,
    SelfCheckItem,
    SiteVisit,
    Stage,
    StageTransition,
    UnitReport,
    VisitKind,
    VisitMethod,
    WorkingGroupMember,
)
from verification.campaign.proxy import REPORT_ACTION, ProxyReason, units_with_liaison
from verification.campaign.selectors import (
    ITEM_ANSWERS,
    MIN_ONSITE,
    MIN_SAMPLE,
    NEEDS_TEXT,
    PERSON_PROPOSABLE,
    UNIT_PROPOSABLE,
    annex_units,
    build_snapshots,
    current_value,
    default_windows,
    draw_sample,
    is_liaison,
    is_writer,
    minimum,
    next_stage,
    notice_period,
    onsite_ranking,
    unit_findings,
    units_in_scope,
    window,
)
from verification.findings.models import Finding, FindingStatus
from verification.findings.services import comparison_run


def _fail(message: str, field: str | None = None) -> None:
    raise ValidationError({field: message} if field else message)


def _today() -> dt.date:
    return timezone.localdate()


def _name(actor) -> str:
    return actor_name(actor)


def _user(actor):
    return actor if actor is not None and actor.pk else None


def _require_writer(actor, region) -> None:
    if actor is None:  # the system: a management command (bianzhi.roles)
        return
    if not is_writer(actor, region):
        _fail("只有本区划的编办工作人员可以进行此操作。")


def _require_liaison(actor, cu: CampaignUnit) -> None:
    if not is_liaison(actor, cu):
        _fail("只有该单位的联络员可以进行此操作。")


def _filler(actor, cu: CampaignUnit, on_behalf_reason: str = "") -> str:
    """Who fills in the unit's own forms (self-check, unit report): its liaison (returns "") or, on its
    behalf (代填), an office writer of the region giving a ``ProxyReason`` (returns the reason). A
    liaison never 代填s, the office never fills in without a reason, and 无联络员 is refused for a unit
    that has a liaison (that is 纸质报送)."""
    reason = (on_behalf_reason or "").strip()
    if not reason:
        if is_liaison(actor, cu):
            return ""
        if is_writer(actor, cu.campaign.region):
            _fail("编办代填须选择代填原因（无联络员或纸质报送）。", "on_behalf_reason")
        _fail("只有该单位的联络员可以进行此操作（编办可注明原因代填）。")
    if not is_writer(actor, cu.campaign.region):
        _fail("只有本区划的编办工作人员可以代填；单位联络员直接填写本单位的材料，不能代填。")
    if reason not in ProxyReason.values:
        _fail("代填原因应为“无联络员”或“纸质报送”。", "on_behalf_reason")
    if reason == ProxyReason.NO_LIAISON and units_with_liaison([cu.unit_id]):
        _fail("该单位已有联络员，不能以“无联络员”为由代填；单位报送纸质材料的请选择“纸质报送”。")
    return reason


def _require_either(actor, cu: CampaignUnit) -> None:
    if not (is_liaison(actor, cu) or is_writer(actor, cu.campaign.region)):
        _fail("只有该单位的联络员或编办工作人员可以进行此操作。")


def _check_window(campaign: Campaign, stage: str) -> None:
    w = window(campaign, stage)
    today = _today()
    if w is None:
        _fail(f"“{stage}”环节未设定工作时间。")
    if today < w.starts_on:
        _fail(f"“{stage}”环节自 {w.starts_on:%Y年%m月%d日} 开始，尚未开始。")
    if today > w.ends_on:
        _fail(f"“{stage}”环节已于 {w.ends_on:%Y年%m月%d日} 截止，不能再办理；如需延期请由编办调整环节时间。")


def _lock(cu: CampaignUnit) -> CampaignUnit:
    return (
        CampaignUnit.objects.select_for_update().select_related("campaign", "campaign__region").get(pk=cu.pk)
    )


def _in_stage(cu: CampaignUnit, stage: str) -> None:
    """The unit is in ``stage`` of an active campaign and the stage's window is open."""
    if cu.campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    if cu.stage != stage:
        _fail(f"该单位当前处于“{cu.stage}”环节，不能办理“{stage}”环节的事项。")
    _check_window(cu.campaign, stage)


def _move(cu: CampaignUnit, to_stage: str, *, actor, reason: str = "") -> CampaignUnit:
    """The one place a unit's stage is assigned: legal by TRANSITIONS, recorded and audited."""
    allowed = TRANSITIONS[cu.campaign.kind].get(cu.stage, ())
    if to_stage not in allowed:
        _fail(f"不能从“{cu.stage}”直接转到“{to_stage}”，核查环节不能跳过。")
    StageTransition.objects.create(
        campaign_unit=cu,
        from_stage=cu.stage,
        to_stage=to_stage,
        actor=_user(actor),
        actor_name=_name(actor),
        reason=reason,
    )
    before = cu.stage
    cu.stage = to_stage
    cu.stage_since = timezone.now()
    cu.save(update_fields=["stage", "stage_since", "selfcheck_submitted_at", "prereview_passed"])
    audit.record(
        actor=actor,
        action="核查.环节流转",
        target=cu,
        region=cu.campaign.region,
        before={"stage": before},
        after={"stage": to_stage},
        reason=reason,
    )
    return cu


# ---- campaign set-up ---------------------------------------------------------------------------------


def snapshot_refresh(cu: CampaignUnit) -> CampaignUnit:
    """Take the unit's snapshot again as of the campaign's cut-off (after an adopted correction), so the
    snapshot stays the figure the campaign's pages, notice and reports print."""
    campaign = cu.campaign
    cu.snapshot = build_snapshots(campaign.region, campaign.cutoff, [cu.unit])[cu.unit_id]
    cu.save(update_fields=["snapshot"])
    return cu


def _check_ratios(onsite_ratio: Decimal, sample_ratio: Decimal) -> None:
    if Decimal(onsite_ratio) < MIN_ONSITE or Decimal(onsite_ratio) > 1:
        _fail("实地核实比例不得低于30%。", "onsite_ratio")
    if Decimal(sample_ratio) < MIN_SAMPLE or Decimal(sample_ratio) > 1:
        _fail("随机抽查比例不得低于5%。", "sample_ratio")


def _check_windows(kind: str, windows: dict) -> None:
    for stage in STAGES[kind]:
        start, end = windows.get(stage, (None, None))
        if not start or not end:
            _fail(f"请填写“{stage}”环节的起止日期。")
        if end < start:
            _fail(f"“{stage}”环节的结束日期早于开始日期。")
    _check_order(kind, windows)


def _check_order(kind: str, windows: dict) -> None:
    """The stages follow the county plan's order. The plan moves them on 压茬推进 (one starts as the one
    before ends, 随机抽查 and 数据更新 side by side), so stages may overlap; what it forbids is a later
    stage starting before an earlier one starts, or ending before an earlier one ends (a unit cannot
    finish 数据比对 before 单位自查 is over)."""
    stages = STAGES[kind]
    for before, after in zip(stages, stages[1:], strict=False):
        (b_start, b_end), (a_start, a_end) = windows[before], windows[after]
        if a_start < b_start:
            _fail(
                f"“{after}”环节不能早于“{before}”环节开始（{b_start:%Y年%m月%d日}），请按实施方案的顺序安排。"
            )
        if a_end < b_end:
            _fail(
                f"“{after}”环节不能早于“{before}”环节结束（{b_end:%Y年%m月%d日}），请按实施方案的顺序安排。"
            )


@transaction.atomic
def campaign_create(
    *,
    region,
    name: str,
    cutoff: dt.date,
    actor,
    windows: dict[str, tuple[dt.date, dt.date]] | None = None,
    kind: str = CampaignKind.ANNUAL,
    natures: Iterable[str] = (),
    systems: Iterable[str] = (),
    townships: Iterable[str] = (),
    onsite_ratio: Decimal = MIN_ONSITE,
    sample_ratio: Decimal = MIN_SAMPLE,
    members: Iterable[dict] = (),
) -> Campaign:
    """Set up a campaign: windows for each stage of its kind, the working group, and every unit in scope
    snapshotted as of the cut-off (entering the kind's first stage). Without ``windows`` the stages get
    the county plan's windows relative to the cut-off (``default_windows``). Office writers only; audited."""
    _require_writer(actor, region)
    name = (name or "").strip()
    if not name:
        _fail("请填写核查工作名称。", "name")
    if Campaign.objects.filter(region=region, name=name).exists():
        _fail("已有同名的核查工作。", "name")
    if kind not in CampaignKind.values:
        _fail("核查类型无效。", "kind")
    _check_ratios(onsite_ratio, sample_ratio)
    if cutoff is None:
        _fail("请填写数据采集时间节点。", "cutoff")
    if windows is None:
        windows = default_windows(kind, cutoff)
    _check_windows(kind, windows)
    natures, systems, townships = list(natures), list(systems), list(townships)
    units = units_in_scope(region, cutoff, natures, systems, townships)
    if not units:
        _fail("核查范围内没有单位，请调整范围。")
    campaign = Campaign.objects.create(
        region=region,
        name=name,
        kind=kind,
        cutoff=cutoff,
        scope_natures=natures,
        scope_systems=systems,
        scope_townships=townships,
        onsite_ratio=onsite_ratio,
        sample_ratio=sample_ratio,
        created_by=_user(actor),
    )
    CampaignWindow.objects.bulk_create(
        CampaignWindow(campaign=campaign, stage=s, starts_on=windows[s][0], ends_on=windows[s][1])
        for s in STAGES[kind]
    )
    _set_members(campaign, members)
    _enrol(campaign, units, actor)
    audit.record(
        actor=actor,
        action="核查.创建",
        target=campaign,
        region=region,
        after={"name": name, "kind": kind, "cutoff": cutoff, "units": len(units)},
    )
    return campaign


def _set_members(campaign: Campaign, members: Iterable[dict]) -> None:
    rows = []
    for i, m in enumerate(members):
        if not (m.get("name") or "").strip():
            continue
        if m.get("role") not in WorkingGroupMember.Role.values:
            _fail("工作专班成员的职务应为组长、副组长或成员。")
        rows.append(
            WorkingGroupMember(
                campaign=campaign,
                role=m["role"],
                name=m["name"].strip(),
                department=(m.get("department") or "").strip(),
                post=(m.get("post") or "").strip(),
                duty=(m.get("duty") or "").strip(),
                sort=i,
            )
        )
    if rows and not any(r.role == WorkingGroupMember.Role.LEADER for r in rows):
        _fail("工作专班须有组长。")
    WorkingGroupMember.objects.bulk_create(rows)


def _enrol(campaign: Campaign, units: list[Unit], actor) -> None:
    snapshots = build_snapshots(campaign.region, campaign.cutoff, units)
    first = STAGES[campaign.kind][0]
    cus = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, unit=u, stage=first, snapshot=snapshots[u.pk]) for u in units
    )
    cus = list(CampaignUnit.objects.filter(campaign=campaign))
    StageTransition.objects.bulk_create(
        StageTransition(
            campaign_unit=cu, to_stage=first, actor=_user(actor), actor_name=_name(actor), reason="纳入核查"
        )
        for cu in cus
    )
    if campaign.kind == CampaignKind.ANNUAL:
        SelfCheckItem.objects.bulk_create(
            SelfCheckItem(campaign_unit=cu, item=item) for cu in cus for item in SelfCheckItem.Item.values
        )


@transaction.atomic
def working_group_set(*, campaign: Campaign, members: Iterable[dict], actor) -> None:
    """Replace the campaign's working group (工作专班). Office writers; audited."""
    _require_writer(actor, campaign.region)
    before = list(campaign.members.values_list("role", "name", "department"))
    campaign.members.all().delete()
    _set_members(campaign, members)
    after = list(campaign.members.values_list("role", "name", "department"))
    audit.record(
        actor=actor,
        action="核查.工作专班",
        target=campaign,
        before={"members": before},
        after={"members": after},
    )


@transaction.atomic
def window_set(
    *, campaign: Campaign, stage: str, starts_on: dt.date, ends_on: dt.date, actor, reason: str
) -> CampaignWindow:
    """Change (e.g. extend) one stage's window; the stages stay in the plan's order (``_check_order``).
    Office writers, with a reason; audited."""
    return windows_set(campaign=campaign, windows={stage: (starts_on, ends_on)}, actor=actor, reason=reason)[
        0
    ]


@transaction.atomic
def windows_set(
    *, campaign: Campaign, windows: dict[str, tuple[dt.date, dt.date]], actor, reason: str
) -> list[CampaignWindow]:
    """Change several stages' windows at once (a plan moved as a whole), checked together against the
    plan's order. Office writers, with a reason; one audit row."""
    _require_writer(actor, campaign.region)
    if not (reason or "").strip():
        _fail("调整环节时间须填写原因。", "reason")
    for stage, (starts_on, ends_on) in windows.items():
        if stage not in campaign.stages:
            _fail("该核查工作没有这个环节。", "stage")
        if starts_on is None or ends_on is None:
            _fail("请填写开始日期和结束日期。", "starts_on")
        if ends_on < starts_on:
            _fail(f"“{stage}”的结束日期早于开始日期。", "ends_on")
    current = {w.stage: (w.starts_on, w.ends_on) for w in CampaignWindow.objects.filter(campaign=campaign)}
    _check_order(campaign.kind, current | windows)
    rows = list(CampaignWindow.objects.select_for_update().filter(campaign=campaign, stage__in=list(windows)))
    before, after = {}, {}
    for w in rows:
        before[w.stage] = {"starts_on": w.starts_on, "ends_on": w.ends_on}
        w.starts_on, w.ends_on = windows[w.stage]
        w.save()
        after[w.stage] = {"starts_on": w.starts_on, "ends_on": w.ends_on}
    audit.record(
        actor=actor,
        action="核查.调整环节时间",
        target=campaign,
        before=before,
        after=after,
        reason=reason,
    )
    return sorted(rows, key=lambda w: list(windows).index(w.stage))


# ---- stage 1: 单位自查 ----------------------------------------------------------------------------------


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
        _require_writer(actor, cu.campaign.region)
    elif is_liaison(actor, cu):
        _in_stage(cu, Stage.SELF_CHECK)
    elif is_writer(actor, cu.campaign.region):
        if cu.stage not in (Stage.SELF_CHECK, Stage.UPDATE):
            _fail("纸质材料扫描件在“单位自查”或“数据更新”环节上传。")
        _in_stage(cu, cu.stage)
    else:
        _fail("只有该单位的联络员或编办工作人员可以上传附件。")
    sha, ctype = check_scan(upload)
    item = CampaignAttachment(
        campaign_unit=cu,
        visit=visit,
        original_name=Path(upload.name or "附件").name[-200:],
        sha256=sha,
        size=upload.size,
        content_type=ctype,
        uploaded_by_name=_name(actor),
    )
    item.file.save(item.original_name, upload, save=False)
    item.save()
    audit.record(
        actor=actor,
        action="核查.附件",
        target=cu,
        region=cu.campaign.region,
        after={"file": item.original_name, "sha256": sha},
    )
    return item


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
    _require_either(actor, cu)
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
    _require_writer(actor, cu.campaign.region)
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


# ---- stage 2: 群众监督 ----------------------------------------------------------------------------------


def _not_future(day: dt.date | None, label: str, field: str) -> dt.date:
    if day is None:
        _fail(f"请填写{label}。", field)
    if day > _today():
        _fail(f"{label}不能晚于今天（{_today():%Y年%m月%d日}）。", field)
    return day


@transaction.atomic
def notice_post(*, cu: CampaignUnit, posted_on: dt.date, actor, place: str = "") -> Notice:
    """Record the posting of the unit's notice (the liaison or the office). ``posted_on`` is not in the
    future and not before the campaign's first stage starts; the period is ``notice_period`` (refused
    when a year has no calendar data). Not for a confidential unit; once per unit; audited."""
    cu = _lock(cu)
    _require_either(actor, cu)
    _in_stage(cu, Stage.NOTICE)
    if cu.snapshot.get("unit", {}).get("confidential"):
        _fail("涉密单位不进行公示。")
    if Notice.objects.filter(campaign_unit=cu).exists():
        _fail("该单位的公示已登记，不能重复登记。")
    _not_future(posted_on, "公示日期", "posted_on")
    first = window(cu.campaign, STAGES[cu.campaign.kind][0])
    if first is not None and posted_on < first.starts_on:
        _fail(f"公示日期不能早于本次核查开始（{first.starts_on:%Y年%m月%d日}）。", "posted_on")
    ends_on, remove_by = notice_period(posted_on)
    notice = Notice.objects.create(
        campaign_unit=cu,
        posted_on=posted_on,
        ends_on=ends_on,
        remove_by=remove_by,
        place=(place or "").strip()[:200],
        posted_by_name=_name(actor),
    )
    audit.record(
        actor=actor,
        action="核查.公示",
        target=cu,
        region=cu.campaign.region,
        after={"posted_on": posted_on, "ends_on": ends_on},
    )
    return notice


@transaction.atomic
def notice_remove(*, cu: CampaignUnit, removed_on: dt.date, actor) -> Notice:
    """Record the removal of the notice: not in the future, and on or after ``ends_on`` (the 5th full
    working day after posting, see ``notice_period``). Removal after ``remove_by`` is flagged."""
    cu = _lock(cu)
    _require_either(actor, cu)
    _in_stage(cu, Stage.NOTICE)
    notice = Notice.objects.filter(campaign_unit=cu).first()
    if notice is None:
        _fail("尚未登记公示。")
    if notice.removed_on:
        _fail("已登记撤除，不能重复登记。")
    _not_future(removed_on, "撤除日期", "removed_on")
    if removed_on < notice.ends_on:
        _fail(f"公示期至 {notice.ends_on:%Y年%m月%d日}（公示后满5个工作日），期满后才能撤除。", "removed_on")
    notice.removed_on = removed_on
    notice.save(update_fields=["removed_on"])
    audit.record(
        actor=actor,
        action="核查.撤除公示",
        target=cu,
        region=cu.campaign.region,
        after={"removed_on": removed_on, "overdue": notice.is_overdue(removed_on)},
    )
    return notice


@transaction.atomic
def feedback_add(*, cu: CampaignUnit, received_on: dt.date, text: str, actor) -> NoticeFeedback:
    """Log feedback received on the notice (the liaison or the office): received while the notice was up
    (from posting to removal, or to today while it is still up), never in the future."""
    cu = _lock(cu)
    _require_either(actor, cu)
    _in_stage(cu, Stage.NOTICE)
    notice = Notice.objects.filter(campaign_unit=cu).first()
    if notice is None:
        _fail("尚未登记公示。")
    if not (text or "").strip():
        _fail("请填写反映内容。", "text")
    received_on = _not_future(received_on or _today(), "收到日期", "received_on")
    if received_on < notice.posted_on or (notice.removed_on and received_on > notice.removed_on):
        end = notice.removed_on or _today()
        _fail(f"收到日期应在公示期间（{notice.posted_on:%Y年%m月%d日}至{end:%Y年%m月%d日}）。", "received_on")
    item = NoticeFeedback.objects.create(
        notice=notice, received_on=received_on, text=text.strip(), recorded_by_name=_name(actor)
    )
    audit.record(
        actor=actor, action="核查.公示反馈", target=cu, region=cu.campaign.region, after={"text": item.text}
    )
    return item


@transaction.atomic
def feedback_reply(*, feedback: NoticeFeedback, reply: str, actor) -> NoticeFeedback:
    """The office's reply to a feedback (once)."""
    feedback = (
        NoticeFeedback.objects.select_for_update()
        .select_related("notice__campaign_unit__campaign__region")
        .get(pk=feedback.pk)
    )
    cu = feedback.notice.campaign_unit
    _require_writer(actor, cu.campaign.region)
    if feedback.reply:
        _fail("该反馈已答复。")
    if not (reply or "").strip():
        _fail("请填写答复。", "reply")
    feedback.reply, feedback.replied_by_name, feedback.replied_at = (
        reply.strip(),
        _name(actor),
        timezone.now(),
    )
    feedback.save()
    audit.record(
        actor=actor,
        action="核查.答复反馈",
        target=cu,
        region=cu.campaign.region,
        after={"reply": feedback.reply},
    )
    return feedback


@transaction.atomic
def notice_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """群众监督 → 数据比对: the notice was removed and every feedback answered (a confidential unit has
    no notice)."""
    cu = _lock(cu)
    _require_either(actor, cu)
    _in_stage(cu, Stage.NOTICE)
    if not cu.snapshot.get("unit", {}).get("confidential"):
        notice = Notice.objects.filter(campaign_unit=cu).first()
        if notice is None:
            _fail("尚未登记公示，不能进入下一环节。")
        if notice.removed_on is None:
            _fail("公示尚未撤除，不能进入下一环节。")
        if notice.feedback.filter(reply="").exists():
            _fail("还有公示反馈尚未答复。")
    return _move(
        cu,
        Stage.COMPARISON,
        actor=actor,
        reason="" if not cu.snapshot["unit"].get("confidential") else "涉密单位不公示",
    )


# ---- stage 3: 数据比对 ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_compare(*, campaign: Campaign, actor, rows: dict | None = None):
    """Run the comparison for the campaign's cut-off (``comparison_run``: the region's uploads, or the
    partner ``rows`` the compare command read) and keep the run as the campaign's; its result workbook's
    附件2–5 are the campaign's snapshots (``selectors.annex_units``). The page and
    ``compare --campaign`` share this path."""
    campaign = Campaign.objects.select_for_update().select_related("region").get(pk=campaign.pk)
    _require_writer(actor, campaign.region)
    if campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    _check_window(campaign, Stage.COMPARISON)
    run = comparison_run(
        region=campaign.region,
        actor=actor,
        cutoff=campaign.cutoff,
        rows=rows,
        annex=lambda run: annex_units(campaign, run),
    )
    campaign.comparison_run = run
    campaign.save(update_fields=["comparison_run"])
    audit.record(
        actor=actor,
        action="核查.数据比对",
        target=campaign,
        after={"run": run.pk, "findings": run.finding_count},
    )
    return run


@transaction.atomic
def followup_set(
    *, campaign: Campaign, finding: Finding, owner: str, due_on: dt.date, actor, note: str = ""
) -> FindingFollowUp:
    """Give an open finding of the campaign an owner and a due date. Office writers; audited."""
    _require_writer(actor, campaign.region)
    if finding.region_id != campaign.region_id or not campaign.units.filter(unit_id=finding.unit_id).exists():
        _fail("该问题不属于本次核查的单位。")
    if not (owner or "").strip():
        _fail("请填写责任人。", "owner")
    if due_on is None:
        _fail("请填写整改期限。", "due_on")
    item, _ = FindingFollowUp.objects.update_or_create(
        campaign=campaign,
        finding=finding,
        defaults={
            "owner": owner.strip(),
            "due_on": due_on,
            "note": (note or "").strip(),
            "set_by_name": _name(actor),
        },
    )
    audit.record(
        actor=actor,
        action="核查.问题责任",
        target=finding,
        region=campaign.region,
        after={"owner": item.owner, "due_on": due_on},
    )
    return item


@transaction.atomic
def comparison_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """数据比对 → 实地核实 (joint check: → 数据更新): the campaign's comparison was run and each of the
    unit's findings is answered or has an owner."""
    cu = _lock(cu)
    _require_writer(actor, cu.campaign.region)
    _in_stage(cu, Stage.COMPARISON)
    if cu.campaign.comparison_run_id is None:
        _fail("本次核查尚未进行数据比对。")
    owned = set(FindingFollowUp.objects.filter(campaign=cu.campaign).values_list("finding_id", flat=True))
    waiting = [f for f in unit_findings(cu).filter(status=FindingStatus.OPEN) if f.pk not in owned]
    if waiting:
        _fail(f"该单位还有 {len(waiting)} 个比对问题既未答复也未明确责任人，不能进入下一环节。")
    return _move(cu, next_stage(cu), actor=actor)


# ---- stages 4 and 5: 实地核实, 随机抽查 ------------------------------------------------------------------


def _require_annual(campaign: Campaign) -> None:
    if campaign.kind != CampaignKind.ANNUAL:
        _fail("联合检查只进行数据比对和数据更新。")


@transaction.atomic
def onsite_propose(*, campaign: Campaign, actor) -> list[CampaignUnit]:
    """Select the units with the most open findings for 实地核实, at least ``onsite_ratio`` of the
    campaign (rounded up). Once; change the list with ``onsite_set``. Office writers; audited."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_writer(actor, campaign.region)
    _require_annual(campaign)
    if campaign.onsite_planned_at:
        _fail("实地核实名单已确定，如需调整请调换单位。")
    ranking = onsite_ranking(campaign)
    chosen = [cu for cu, _n in ranking[: minimum(len(ranking), campaign.onsite_ratio)]]
    CampaignUnit.objects.filter(pk__in=[c.pk for c in chosen]).update(onsite_selected=True)
    campaign.onsite_planned_at = timezone.now()
    campaign.save(update_fields=["onsite_planned_at"])
    audit.record(
        actor=actor,
        action="核查.实地核实名单",
        target=campaign,
        after={"selected": [[c.unit_id, c.name] for c in chosen], "ratio": campaign.onsite_ratio},
    )
    return chosen


@transaction.atomic
def onsite_set(*, campaign: Campaign, selected_ids: Iterable[int], actor, reason: str) -> list[int]:
    """The office swaps units in or out of the on-site list; never below the ratio, never dropping a
    unit already visited. Office writers, with a reason; audited."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_writer(actor, campaign.region)
    _require_annual(campaign)
    if not campaign.onsite_planned_at:
        _fail("请先生成实地核实名单。")
    if not (reason or "").strip():
        _fail("调整实地核实名单须填写原因。", "reason")
    ids = set(campaign.units.filter(pk__in=list(selected_ids)).values_list("pk", flat=True))
    need = minimum(campaign.units.count(), campaign.onsite_ratio)
    if len(ids) < need:
        _fail(f"实地核实单位不得少于 {need} 个（比例 {campaign.onsite_ratio:.0%}）。")
    visited = set(
        SiteVisit.objects.filter(campaign_unit__campaign=campaign, kind=VisitKind.ONSITE).values_list(
            "campaign_unit_id", flat=True
        )
    )
    if visited - ids:
        _fail("已完成实地核实的单位不能调出名单。")
    before = sorted(campaign.units.filter(onsite_selected=True).values_list("pk", flat=True))
    campaign.units.exclude(pk__in=ids).update(onsite_selected=False)
    campaign.units.filter(pk__in=ids).update(onsite_selected=True)
    audit.record(
        actor=actor,
        action="核查.调整实地核实名单",
        target=campaign,
        before={"selected": before},
        after={"selected": sorted(ids)},
        reason=reason,
    )
    return sorted(ids)


@transaction.atomic
def sample_draw(*, campaign: Campaign, seed: str, actor, ratio: Decimal | None = None) -> SampleDraw:
    """Draw the 随机抽查 units with a recorded seed (at least 5% and the campaign's ratio). Once per
    campaign. Office writers; audited."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_writer(actor, campaign.region)
    _require_annual(campaign)
    ratio = Decimal(str(ratio)) if ratio is not None else campaign.sample_ratio
    if ratio < MIN_SAMPLE or ratio < campaign.sample_ratio:
        _fail(f"随机抽查比例不得低于{max(MIN_SAMPLE, campaign.sample_ratio):.0%}。", "ratio")
    if ratio > 1:
        _fail("随机抽查比例不能超过100%。", "ratio")
    seed = str(seed or "").strip()
    if not seed:
        _fail("请填写随机种子（如抽取当日的日期或公开的数字）。", "seed")
    if SampleDraw.objects.filter(campaign=campaign).exists():
        _fail("本次核查已进行过随机抽取，不能重复抽取。")
    population = sorted(campaign.units.values_list("pk", flat=True))
    selected = draw_sample(population, seed, ratio)
    draw = SampleDraw.objects.create(
        campaign=campaign,
        seed=seed[:64],
        ratio=ratio,
        population=population,
        selected=selected,
        actor=_user(actor),
        actor_name=_name(actor),
    )
    campaign.units.filter(pk__in=selected).update(sample_selected=True)
    audit.record(
        actor=actor,
        action="核查.随机抽取",
        target=campaign,
        after={"seed": seed, "ratio": ratio, "selected": selected},
    )
    return draw


@transaction.atomic
def visit_record(
    *,
    cu: CampaignUnit,
    kind: str,
    method: str,
    visited_on: dt.date,
    inspectors: str,
    findings: str,
    actor,
    files: Sequence[UploadedFile] = (),
) -> SiteVisit:
    """Record the on-site check or random-sample check of a selected unit (once per kind), with scans."""
    cu = _lock(cu)
    _require_writer(actor, cu.campaign.region)
    stage = Stage.ONSITE if kind == VisitKind.ONSITE else Stage.SAMPLING
    if kind not in VisitKind.values:
        _fail("核查类型无效。", "kind")
    _in_stage(cu, stage)
    if not (cu.onsite_selected if kind == VisitKind.ONSITE else cu.sample_selected):
        _fail(f"该单位未列入{kind}名单。")
    if method not in VisitMethod.values:
        _fail("请选择集中对账或现场查验。", "method")
    if not (findings or "").strip():
        _fail("请填写核查情况。", "findings")
    if not (inspectors or "").strip():
        _fail("请填写核查人员。", "inspectors")
    if visited_on is None or visited_on > _today():
        _fail("核查日期不能晚于今天。", "visited_on")
    if SiteVisit.objects.filter(campaign_unit=cu, kind=kind).exists():
        _fail(f"该单位的{kind}情况已登记，不能重复登记。")
    visit = SiteVisit.objects.create(
        campaign_unit=cu,
        kind=kind,
        method=method,
        visited_on=visited_on,
        inspectors=inspectors.strip()[:200],
        findings=findings.strip(),
        recorded_by_name=_name(actor),
    )
    for upload in files:
        attachment_add(cu=cu, upload=upload, actor=actor, visit=visit)
    audit.record(
        actor=actor,
        action="核查.实地核查记录",
        target=cu,
        region=cu.campaign.region,
        after={"kind": kind, "method": method, "on": visited_on},
    )
    return visit


@transaction.atomic
def onsite_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """实地核实 → 随机抽查: the on-site list is set, and a selected unit's visit is recorded."""
    cu = _lock(cu)
    _require_writer(actor, cu.campaign.region)
    _in_stage(cu, Stage.ONSITE)
    if not cu.campaign.onsite_planned_at:
        _fail("尚未确定实地核实名单。")
    if cu.onsite_selected and not cu.visits.filter(kind=VisitKind.ONSITE).exists():
        _fail("该单位列入实地核实名单，尚未登记核实情况。")
    return _move(cu, Stage.SAMPLING, actor=actor)


@transaction.atomic
def sampling_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """随机抽查 → 数据更新: the draw was made, and a drawn unit's check is recorded."""
    cu = _lock(cu)
    _require_writer(actor, cu.campaign.region)
    _in_stage(cu, Stage.SAMPLING)
    if not SampleDraw.objects.filter(campaign=cu.campaign).exists():
        _fail("尚未进行随机抽取。")
    if cu.sample_selected and not cu.visits.filter(kind=VisitKind.SAMPLING).exists():
        _fail("该单位被随机抽中，尚未登记抽查情况。")
    return _move(cu, Stage.UPDATE, actor=actor)


# ---- stage 6: 数据更新 ----------------------------------------------------------------------------------


def _pending(cu: CampaignUnit) -> int:
    return cu.proposals.filter(status=ProposalStatus.PENDING).count()


@transaction.atomic
def unit_prereview(*, cu: CampaignUnit, passed: bool, actor, note: str = "") -> CampaignUnit:
    """The office's 预审核 of the unit's data (passing needs every proposal decided; failing a note)."""
    cu = _lock(cu)
    _require_writer(actor, cu.campaign.region)
    _in_stage(cu, Stage.UPDATE)
    note = (note or "").strip()
    if passed and _pending(cu):
        _fail("还有更正申请未审核，不能通过预审核。")
    if not passed and not note:
        _fail("预审核不通过时请填写意见。", "note")
    cu.prereview_passed, cu.prereview_note = passed, note
    cu.prereviewed_by_name, cu.prereviewed_at = _name(actor), timezone.now()
    cu.save(update_fields=["prereview_passed", "prereview_note", "prereviewed_by_name", "prereviewed_at"])
    audit.record(
        actor=actor,
        action="核查.预审核",
        target=cu,
        region=cu.campaign.region,
        after={"passed": passed},
        reason=note,
    )
    return cu


@transaction.atomic
def unit_report_confirm(
    *,
    cu: CampaignUnit,
    leader_name: str,
    commitment: bool,
    actor,
    actual_divisions: int = 0,
    outside_staff: int = 0,
    documents_sorted: int = 0,
    problems: dict[str, str] | None = None,
    summary: str = "",
    on_behalf_reason: str = "",
) -> UnitReport:
    """The unit submits its 核查情况报告, confirmed by its leader (name) with the commitment that the
    data are true, accurate and complete. The liaison of the unit, or an office writer on its behalf
    with ``on_behalf_reason`` (代填, e.g. the leader signed a paper report; ``on_behalf`` is set and the
    audit row 核查.代填报告 carries the reason); once (again only after a return)."""
    cu = _lock(cu)
    reason = _filler(actor, cu, on_behalf_reason)
    _in_stage(cu, Stage.UPDATE)
    if not commitment:
        _fail("请确认“本单位核查数据真实、准确、完整”的承诺。", "commitment")
    leader_name = (leader_name or "").strip()
    if not leader_name:
        _fail("请填写确认报告的单位负责人姓名。", "leader_name")
    from verification.campaign.models import PROBLEMS

    problems = {k: (v or "").strip() for k, v in (problems or {}).items() if k in PROBLEMS}
    existing = UnitReport.objects.filter(campaign_unit=cu).first()
    if existing is not None:
        returned = cu.transitions.filter(at__gt=existing.confirmed_at).exclude(reason="").exists()
        if not returned:
            _fail("本单位核查情况报告已确认提交，不能重复提交。")
        existing.delete()
    for number in (actual_divisions, outside_staff, documents_sorted):
        if number is None or int(number) < 0:
            _fail("数量应为非负整数。")
    report = UnitReport.objects.create(
        campaign_unit=cu,
        actual_divisions=actual_divisions,
        outside_staff=outside_staff,
        documents_sorted=documents_sorted,
        problems=problems,
        summary=(summary or "").strip(),
        commitment=True,
        leader_name=leader_name[:50],
        confirmed_by_name=_name(actor),
        confirmed_at=timezone.now(),
        on_behalf=bool(reason),
    )
    audit.record(
        actor=actor,
        action=REPORT_ACTION if reason else "核查.单位报告",
        target=cu,
        region=cu.campaign.region,
        after={
            "leader": leader_name,
            "problems": problems,
            "outside_staff": outside_staff,
            "on_behalf": bool(reason),
        },
        reason=reason,
    )
    _file_unit_report(cu, report, actor)
    return report


def _file_pdf(*, region, title: str, data: bytes, filename: str, occurred_on: dt.date, actor):
    """File generated PDF bytes into the 核查 dedicated file (refused when the region has none)."""
    from archives.services import file_into_dedicated

    return file_into_dedicated(
        "核查",
        actor=actor,
        region=region,
        title=title,
        occurred_on=occurred_on,
        upload=ContentFile(data, name=filename),
    )


def _file_unit_report(cu: CampaignUnit, report: UnitReport, actor) -> None:
    from verification.campaign.prints import unit_report_pdf

    cu.report = report
    data = unit_report_pdf(cu, actor=actor, action="核查.归档单位报告")
    _file_pdf(
        region=cu.campaign.region,
        title=f"{cu.campaign.name}：{cu.name}核查情况报告（{report.leader_name}确认"
        + ("，编办代填）" if report.on_behalf else "）"),
        data=data,
        filename=f"{cu.name}核查情况报告.pdf",
        occurred_on=timezone.localdate(report.confirmed_at),
        actor=actor,
    )


@transaction.atomic
def county_report_file(*, campaign: Campaign, data: bytes, actor):
    """File the county report just generated into the 核查 dedicated file, once a day per campaign (a
    later day's report, with more units done, is filed as its own entry). Office writers; audited by
    the archives service. Returns the entry (the existing one when already filed today)."""
    from archives.models import DedicatedEntry

    _require_writer(actor, campaign.region)
    today = _today()
    title = f"{campaign.name}核查情况报告（{today:%Y-%m-%d}）"
    existing = DedicatedEntry.objects.filter(
        dedicated_file__kind="核查", region=campaign.region, title=title
    ).first()
    if existing is not None:
        return existing
    return _file_pdf(
        region=campaign.region,
        title=title,
        data=data,
        filename=f"{campaign.name}核查情况报告.pdf",
        occurred_on=today,
        actor=actor,
    )


@transaction.atomic
def update_finish(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """数据更新 → 已完成: no proposal pending, the unit's report confirmed, the 预审核 passed."""
    cu = _lock(cu)
    _require_writer(actor, cu.campaign.region)
    _in_stage(cu, Stage.UPDATE)
    if _pending(cu):
        _fail("还有更正申请未审核。")
    if not UnitReport.objects.filter(campaign_unit=cu).exists():
        _fail("单位尚未提交核查情况报告。")
    if cu.prereview_passed is not True:
        _fail("该单位尚未通过预审核。")
    return _move(cu, Stage.DONE, actor=actor)


ADVANCE = {
    Stage.SELF_CHECK: selfcheck_submit,
    Stage.NOTICE: notice_finish,
    Stage.COMPARISON: comparison_finish,
    Stage.ONSITE: onsite_finish,
    Stage.SAMPLING: sampling_finish,
    Stage.UPDATE: update_finish,
}


def stage_advance(*, cu: CampaignUnit, actor) -> CampaignUnit:
    """Move the unit on from its current stage (dispatches to that stage's service)."""
    service = ADVANCE.get(cu.stage)
    if service is None:
        _fail("该单位已完成全部核查环节。")
    return service(cu=cu, actor=actor)


@transaction.atomic
def stage_return(*, cu: CampaignUnit, to_stage: str, reason: str, actor) -> CampaignUnit:
    """Return a unit to an earlier stage (a reason is required). Office writers; the 预审核 and, for a
    return to 单位自查, the submission are cleared."""
    cu = _lock(cu)
    _require_writer(actor, cu.campaign.region)
    if cu.campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    reason = (reason or "").strip()
    if not reason:
        _fail("退回到之前的环节须填写原因。", "reason")
    order = [*STAGES[cu.campaign.kind], Stage.DONE]
    if to_stage not in order or cu.stage not in order or order.index(to_stage) >= order.index(cu.stage):
        _fail("只能退回到之前的环节。", "to_stage")
    cu.prereview_passed = None
    if to_stage == Stage.SELF_CHECK:
        cu.selfcheck_submitted_at = None
    return _move(cu, to_stage, actor=actor, reason=reason)


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor) -> Campaign:
    """End the campaign (every unit done). Office writers; audited."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_writer(actor, campaign.region)
    if campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    if campaign.units.exclude(stage=Stage.DONE).exists():
        _fail("还有单位未完成全部核查环节。")
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    audit.record(actor=actor, action="核查.结束", target=campaign)
    return campaign
