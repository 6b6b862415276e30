"""Stage 3, 数据比对: the campaign's comparison run, owners of its findings, the stage finished."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from bianzhi import audit
from bianzhi.roles import authorize
from verification.campaign.models import Campaign, CampaignStatus, CampaignUnit, FindingFollowUp, Stage
from verification.campaign.selectors import annex_units, next_stage, unit_findings
from verification.campaign.services.common import _check_window, _fail, _in_stage, _lock, _move, _name
from verification.findings.models import Finding, FindingStatus
from verification.findings.services import comparison_precheck, comparison_run


def _compare_allowed(campaign: Campaign, actor) -> None:
    authorize(actor, "run_campaign", region=campaign.region)
    if campaign.status != CampaignStatus.ACTIVE:
        _fail("该核查工作已结束。")
    _check_window(campaign, Stage.COMPARISON)


def campaign_compare_precheck(*, campaign: Campaign, actor) -> None:
    """Refuse at once what ``campaign_compare`` would refuse (the page checks before queueing the job):
    an office writer of the region, an active campaign, the 数据比对 window open and a valid upload of
    the region (Chinese ValidationError; PermissionDenied for a wrong role). Writes nothing."""
    _compare_allowed(campaign, actor)
    comparison_precheck(region=campaign.region, actor=actor)


def campaign_compare(*, campaign: Campaign, actor, rows: dict | None = None, progress=None):
    """Run the comparison for the campaign's cut-off (``comparison_run``: the region's uploads, or the
    partner ``rows`` the compare command read) and keep the run as the campaign's; its result workbook's
    附件2–5 are the campaign's snapshots (``selectors.annex_units``). The page (through the job
    ``verification.campaign_compare``, ``progress`` its Progress) and ``compare --campaign`` share this
    path.

    Reading and comparing write nothing; the run, its findings and the campaign's link to it are written
    in one transaction at the end (all-or-nothing), where the campaign is locked and checked again (it
    may have been closed, or its window moved, while the comparison ran)."""
    campaign = Campaign.objects.select_related("region").get(pk=campaign.pk)
    _compare_allowed(campaign, actor)

    def keep(run) -> None:  # inside comparison_run's write transaction
        locked = Campaign.objects.select_for_update().select_related("region").get(pk=campaign.pk)
        _compare_allowed(locked, actor)
        locked.comparison_run = run
        locked.save(update_fields=["comparison_run"])
        audit.record(
            actor=actor,
            action="核查.数据比对",
            target=locked,
            after={"run": run.pk, "findings": run.finding_count},
        )

    return comparison_run(
        region=campaign.region,
        actor=actor,
        cutoff=campaign.cutoff,
        rows=rows,
        annex=lambda run: annex_units(campaign, run),
        progress=progress,
        on_record=keep,
    )


@transaction.atomic
def followup_set(
    *, campaign: Campaign, finding: Finding, owner: str, due_on: dt.date, actor, note: str = ""
) -> FindingFollowUp:
    """Give an open finding of the campaign an owner and a due date. Office writers; audited."""
    authorize(actor, "run_campaign", region=campaign.region)
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
    authorize(actor, "run_campaign", region=cu.campaign.region)
    _in_stage(cu, Stage.COMPARISON)
    if cu.campaign.comparison_run_id is None:
        _fail("本次核查尚未进行数据比对。")
    owned = set(FindingFollowUp.objects.filter(campaign=cu.campaign).values_list("finding_id", flat=True))
    waiting = [f for f in unit_findings(cu).filter(status=FindingStatus.OPEN) if f.pk not in owned]
    if waiting:
        _fail(f"该单位还有 {len(waiting)} 个比对问题既未答复也未明确责任人，不能进入下一环节。")
    return _move(cu, next_stage(cu), actor=actor)
