"""Builders for campaign tests and the demo: a campaign with open windows, and a unit walked to a stage —
all through the real services."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.builders.findings import csv_upload
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import STAGES, CampaignKind, CampaignUnit, SelfCheckItem, Stage, VisitKind
from verification.findings.services import partner_upload

CUTOFF = dt.date(2021, 12, 31)


def open_windows(kind: str = CampaignKind.ANNUAL, days: int = 30, cutoff: dt.date = CUTOFF) -> dict:
    """Every stage open today (so a test walks a unit through all of them at once), each starting where
    the county plan starts the first stage for ``cutoff`` (at least 30 days ago), so that notices can be
    posted on past dates inside the campaign and removed after their 5 working days."""
    today = timezone.localdate()
    first = sel.PLAN_OFFSETS[kind][STAGES[kind][0]][0]
    start = min(today - dt.timedelta(days=30), cutoff + dt.timedelta(days=first))
    return {s: (start, today + dt.timedelta(days=days)) for s in STAGES[kind]}


def make_campaign(region, actor, *, name: str = "2021年度机构编制核查", kind=CampaignKind.ANNUAL, **kw):
    kw.setdefault(
        "members",
        [{"role": r, "name": n, "department": d, "post": p} for r, n, d, p in sel.SEED_WORKING_GROUP],
    )
    return cs.campaign_create(
        region=region,
        name=name,
        kind=kind,
        windows=kw.pop("windows") if "windows" in kw else open_windows(kind, cutoff=kw.get("cutoff", CUTOFF)),
        cutoff=kw.pop("cutoff", CUTOFF),
        actor=actor,
        **kw,
    )


def answer_all(cu: CampaignUnit, liaison) -> None:
    for item in SelfCheckItem.Item.values:
        answer = "无差异" if item == SelfCheckItem.Item.BUDGET else "相符"
        cs.selfcheck_answer(cu=cu, item=item, answer=answer, actor=liaison)


def compare(campaign, staff, people=()) -> None:
    """Upload finance data naming ``people`` and run the campaign's comparison."""
    rows = [{"姓名": p.name, "公民身份号码": p.id_number, "单位名称": p.unit.name} for p in people]
    partner_upload(region=campaign.region, source="finance", upload=csv_upload("finance", rows), actor=staff)
    cs.campaign_compare(campaign=campaign, actor=staff)


def walk_to(cu: CampaignUnit, stage: str, *, liaison, staff, people=()) -> CampaignUnit:
    """Walk an annual-campaign unit forward until it is in ``stage``."""
    cu.refresh_from_db()
    campaign = cu.campaign
    while cu.stage != stage:
        if cu.stage == Stage.SELF_CHECK:
            answer_all(cu, liaison)
            cs.selfcheck_submit(cu=cu, actor=liaison)
        elif cu.stage == Stage.NOTICE:
            if not cu.snapshot["unit"].get("confidential"):
                posted = sel.window(campaign, STAGES[campaign.kind][0]).starts_on
                notice = cs.notice_post(cu=cu, posted_on=posted, actor=liaison)
                cs.notice_remove(cu=cu, removed_on=notice.ends_on, actor=liaison)
            cs.notice_finish(cu=cu, actor=liaison)
        elif cu.stage == Stage.COMPARISON:
            if campaign.comparison_run_id is None:
                compare(campaign, staff, people)
                campaign.refresh_from_db()
            cs.comparison_finish(cu=cu, actor=staff)
        elif cu.stage == Stage.ONSITE:
            if not campaign.onsite_planned_at:
                cs.onsite_propose(campaign=campaign, actor=staff)
                campaign.refresh_from_db()
            cu.refresh_from_db()
            if cu.onsite_selected:
                cs.visit_record(
                    cu=cu,
                    kind=VisitKind.ONSITE,
                    method="集中对账",
                    visited_on=timezone.localdate(),
                    inspectors="蔡海军、张澜",
                    findings="账实相符",
                    actor=staff,
                )
            cs.onsite_finish(cu=cu, actor=staff)
        elif cu.stage == Stage.SAMPLING:
            if not hasattr(campaign, "draw"):
                cs.sample_draw(campaign=campaign, seed="20211201", actor=staff)
                campaign.refresh_from_db()
            cu.refresh_from_db()
            if cu.sample_selected:
                cs.visit_record(
                    cu=cu,
                    kind=VisitKind.SAMPLING,
                    method="现场查验",
                    visited_on=timezone.localdate(),
                    inspectors="蔡海军",
                    findings="抽查无问题",
                    actor=staff,
                )
            cs.sampling_finish(cu=cu, actor=staff)
        elif cu.stage == Stage.UPDATE:
            cs.unit_report_confirm(cu=cu, leader_name="王局长", commitment=True, actor=liaison)
            cs.unit_prereview(cu=cu, passed=True, actor=staff)
            cs.update_finish(cu=cu, actor=staff)
        else:
            raise AssertionError(cu.stage)
        cu.refresh_from_db()
    return cu


def campaign_objects(unit) -> dict:
    """A campaign of the unit's region and the unit's row in it — for URL walks."""
    from bianzhi.roles import Role
    from tests.builders.registry import make_user

    staff = make_user("c_staff", Role.OFFICE_STAFF, regions=[unit.region])
    campaign = make_campaign(unit.region, staff, name="URL走查核查")
    cu = CampaignUnit.objects.get(campaign=campaign, unit=unit)
    attachment = cs.attachment_add(cu=cu, upload=SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n"), actor=staff)
    return {"campaign": campaign, "campaign_unit": cu, "campaign_attachment": attachment}
