"""The campaign's printed reports as PDF bytes: the unit's 核查情况报告 and the county's. Used by the pages
(download) and by the services that file them into the 核查 dedicated file (独立档案)."""

from __future__ import annotations

import io

from bianzhi import audit
from bianzhi.lib.pdf import render_pdf
from bianzhi.roles import actor_name
from verification.campaign import selectors as sel
from verification.campaign.models import PROBLEMS, Campaign, CampaignUnit, SelfCheckItem, VisitKind
from verification.campaign.proxy import proxy_notes
from verification.compare.workbook import write_annexes
from verification.findings.models import Finding


def unit_report_context(cu: CampaignUnit) -> dict:
    report = cu.report
    notice = getattr(cu, "notice", None)
    feedback = list(notice.feedback.all()) if notice else []
    findings = Finding.objects.none() if cu.campaign.comparison_run_id is None else sel.unit_findings(cu)
    snap = cu.snapshot
    return {
        "cu": cu,
        "snap": snap,
        "report": report,
        "feedback": feedback,
        "replied": sum(1 for f in feedback if f.reply),
        "proposals": sel.proposals_of(cu),
        "proxy": proxy_notes(cu),
        "findings": findings,
        "problems": [(p, report.problems.get(p, "")) for p in PROBLEMS],
        "divisions": len(snap.get("divisions", [])),
        "visits": cu.visits.all(),
        "items": cu.items.all(),
        "lines": sel.snapshot_lines(snap),
        "selfcheck_labels": dict(SelfCheckItem.Item.choices),
        "kinds": dict(VisitKind.choices),
    }


def unit_report_pdf(cu: CampaignUnit, *, actor, action: str = "核查.打印单位报告") -> bytes:
    """The unit's report (the unit must have confirmed it); audited as ``action``."""
    return render_pdf(
        "verification/campaign/print/unit_report.html",
        unit_report_context(cu),
        actor=actor,
        action=action,
        target=cu,
        region=cu.campaign.region,
    )


def county_report_pdf(campaign: Campaign, *, actor, action: str = "核查.打印县级报告") -> bytes:
    context = {"campaign": campaign, "f": sel.county_figures(campaign), "members": campaign.members.all()}
    return render_pdf(
        "verification/campaign/print/county_report.html",
        context,
        actor=actor,
        action=action,
        target=campaign,
        region=campaign.region,
    )


def annex_workbook(campaign: Campaign, *, actor, action: str = "核查.下载附件2-5") -> bytes:
    """附件2–5 of the campaign (FORMATS.md §3 columns, §6): the snapshots' figures as of the cut-off with
    the campaign's comparison; the download and ``campaign_export`` write this. Audited as ``action``."""
    buffer = io.BytesIO()
    write_annexes(buffer, sel.annex_units(campaign), exported_by=actor_name(actor))
    run = campaign.comparison_run_id
    audit.record(actor=actor, action=action, target=campaign, region=campaign.region, after={"run": run})
    return buffer.getvalue()
