"""Stage 6, 数据更新: the office's 预审核, the unit's report (filed into the 核查 dedicated file), the
county report filed on request, the stage finished."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from archives.models import DedicatedEntry
from archives.services import file_into_dedicated
from bianzhi import audit
from bianzhi.roles import authorize
from verification.campaign import prints
from verification.campaign.models import PROBLEMS, Campaign, CampaignUnit, ProposalStatus, Stage, UnitReport
from verification.campaign.proxy import REPORT_ACTION
from verification.campaign.services.common import _fail, _filler, _in_stage, _lock, _move, _name, _today


def _pending(cu: CampaignUnit) -> int:
    return cu.proposals.filter(status=ProposalStatus.PENDING).count()


@transaction.atomic
def unit_prereview(*, cu: CampaignUnit, passed: bool, actor, note: str = "") -> CampaignUnit:
    """The office's 预审核 of the unit's data (passing needs every proposal decided; failing a note)."""
    cu = _lock(cu)
    authorize(actor, "run_campaign", region=cu.campaign.region)
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
    return file_into_dedicated(
        "核查",
        actor=actor,
        region=region,
        title=title,
        occurred_on=occurred_on,
        upload=ContentFile(data, name=filename),
    )


def _file_unit_report(cu: CampaignUnit, report: UnitReport, actor) -> None:
    cu.report = report
    data = prints.unit_report_pdf(cu, actor=actor, action="核查.归档单位报告")
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
def county_report_file(*, campaign: Campaign, actor, data: bytes | None = None):
    """File the county report into the 核查 dedicated file (the page's POST "归档县级报告"; downloading
    the report never files it): rendered now by ``prints.county_report_pdf`` unless ``data`` gives the
    PDF just generated. Once a day per campaign (a later day's report, with more units done, is filed
    as its own entry). Office writers; audited by the print and the archives service. Returns the
    entry (the existing one when already filed today)."""
    authorize(actor, "run_campaign", region=campaign.region)
    today = _today()
    title = f"{campaign.name}核查情况报告（{today:%Y-%m-%d}）"
    existing = DedicatedEntry.objects.filter(
        dedicated_file__kind="核查", region=campaign.region, title=title
    ).first()
    if existing is not None:
        return existing
    if data is None:
        data = prints.county_report_pdf(campaign, actor=actor, action="核查.归档县级报告")
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
    authorize(actor, "run_campaign", region=cu.campaign.region)
    _in_stage(cu, Stage.UPDATE)
    if _pending(cu):
        _fail("还有更正申请未审核。")
    if not UnitReport.objects.filter(campaign_unit=cu).exists():
        _fail("单位尚未提交核查情况报告。")
    if cu.prereview_passed is not True:
        _fail("该单位尚未通过预审核。")
    return _move(cu, Stage.DONE, actor=actor)
