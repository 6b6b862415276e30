"""Pages of the verification campaign: list/create, the supervisor dashboard, a unit's page with its stage
actions, and the prints (notice, unit report, county report) and the 附件2–5 workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from bianzhi.lib.dates import InvalidDate, parse_date
from bianzhi.lib.pdf import render_pdf
from units.choices import Nature, System
from units.models import Person
from units.selectors import regions_for
from verification.campaign import prints
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import (
    PROBLEMS,
    STAGES,
    CampaignKind,
    NoticeFeedback,
    Stage,
    VisitMethod,
)
from verification.campaign.proxy import ProxyReason, proxy_notes, units_with_liaison
from verification.findings import selectors


def _date(value: str | None) -> dt.date | None:
    """A date as clerks type it (2021-12-31, 2021/12/31, 2021年12月31日 …); None when empty or not a date."""
    try:
        return parse_date(value)
    except InvalidDate:
        return None


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _run(request: HttpRequest, fn: Callable[[], object], ok: str) -> None:
    try:
        fn()
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, ok)


# ---- list, create, dashboard -------------------------------------------------------------------------


def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "campaigns": sel.campaigns_for(user).select_related("region"),
        "my_units": sel.campaign_units_for(user).select_related("campaign")
        if not selectors.is_office(user)
        else [],
        "can_create": selectors.is_office_writer(user),
    }
    return render(request, "verification/campaign/list.html", context)


def _windows(post) -> dict | None:
    """The stage windows typed on the form; None when every date was left empty (the county plan's
    default windows relative to the cut-off are then used)."""
    if not any((post.get(f"start_{s}") or post.get(f"end_{s}") or "").strip() for s in Stage.values):
        return None
    return {s: (_date(post.get(f"start_{s}")), _date(post.get(f"end_{s}"))) for s in Stage.values}


def _members(text: str) -> list[dict]:
    rows = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if parts and parts[0]:
            parts += [""] * 5
            rows.append(dict(zip(("role", "name", "department", "post", "duty"), parts, strict=False)))
    return rows


def campaign_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.is_office_writer(user):
        raise PermissionDenied("只有编办工作人员可以创建核查工作。")
    regions = list(regions_for(user))
    today = timezone.localdate()
    post = request.POST
    if request.method == "POST":
        try:
            ratios = Decimal(post.get("onsite_ratio") or "0.30"), Decimal(post.get("sample_ratio") or "0.05")
        except InvalidOperation:
            ratios = Decimal(0), Decimal(0)
        region = next(
            (r for r in regions if str(r.pk) == post.get("region")), regions[0] if regions else None
        )
        try:
            campaign = cs.campaign_create(
                region=region,
                name=post.get("name", ""),
                kind=post.get("kind", CampaignKind.ANNUAL),
                cutoff=_date(post.get("cutoff")),
                windows=_windows(post),
                natures=post.getlist("natures"),
                systems=post.getlist("systems"),
                townships=[
                    t.strip() for t in post.get("townships", "").replace("，", ",").split(",") if t.strip()
                ],
                onsite_ratio=ratios[0],
                sample_ratio=ratios[1],
                members=_members(post.get("members", "")),
                actor=user,
            )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, f"已创建“{campaign.name}”，{campaign.units.count()}个单位纳入核查。")
            return redirect("verification:campaign_detail", campaign.pk)
    seed = "\n".join(f"{r},{n},{d},{p}" for r, n, d, p in cs.SEED_WORKING_GROUP)
    plan_cutoff = _date(post.get("cutoff")) or dt.date(today.year, 12, 31)
    plan = cs.default_windows(CampaignKind.ANNUAL, plan_cutoff)
    context = {
        "regions": regions,
        "plan_cutoff": plan_cutoff,
        "stages": [
            (s, post.get(f"start_{s}", ""), post.get(f"end_{s}", ""), plan[s][0], plan[s][1])
            for s in STAGES[CampaignKind.ANNUAL]
        ],
        "natures": [n for n in Nature.values if n != Nature.DIVISION],
        "systems": System.values,
        "members": post.get("members") or seed,
        "post": post,
        "kinds": CampaignKind.choices,
    }
    return render(request, "verification/campaign/create.html", context)


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_for(request.user, pk)
    context = sel.dashboard(campaign) | {
        "campaign": campaign,
        "windows": campaign.windows.all(),
        "members": campaign.members.all(),
        "draw": getattr(campaign, "draw", None),
        "can_write": cs.is_writer(request.user, campaign.region),
        "ranking": cs.onsite_ranking(campaign) if campaign.kind == CampaignKind.ANNUAL else [],
        "need_onsite": cs.minimum(campaign.units.count(), campaign.onsite_ratio),
    }
    return render(request, "verification/campaign/detail.html", context)


def campaign_action(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = sel.campaign_for(request.user, pk)  # 404 before 405: the object's existence is not told
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user, post = request.user, request.POST
    if not cs.is_writer(user, campaign.region):
        raise PermissionDenied("只有编办工作人员可以进行此操作。")
    actions = {
        "compare": (lambda: cs.campaign_compare(campaign=campaign, actor=user), "已完成数据比对。"),
        "onsite": (lambda: cs.onsite_propose(campaign=campaign, actor=user), "已生成实地核实名单。"),
        "onsite_set": (
            lambda: cs.onsite_set(
                campaign=campaign,
                selected_ids=[_int(v) for v in post.getlist("selected")],
                actor=user,
                reason=post.get("reason", ""),
            ),
            "已调整实地核实名单。",
        ),
        "draw": (
            lambda: cs.sample_draw(
                campaign=campaign, seed=post.get("seed", ""), ratio=post.get("ratio") or None, actor=user
            ),
            "已完成随机抽取。",
        ),
        "window": (
            lambda: cs.window_set(
                campaign=campaign,
                stage=post.get("stage", ""),
                starts_on=_date(post.get("starts_on")),
                ends_on=_date(post.get("ends_on")),
                reason=post.get("reason", ""),
                actor=user,
            ),
            "已调整环节时间。",
        ),
        "close": (lambda: cs.campaign_close(campaign=campaign, actor=user), "核查工作已结束。"),
    }
    action = actions.get(post.get("action", ""))
    if action is None:
        raise Http404("未知操作。")
    try:
        _run(request, *action)
    except (ValueError, InvalidOperation):
        messages.error(request, "输入有误。")
    return redirect("verification:campaign_detail", campaign.pk)


def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The county report, generated now from the campaign's figures; a copy is filed into the 核查
    dedicated file (once a day for the office; other readers only download)."""
    campaign = sel.campaign_for(request.user, pk)
    data = prints.county_report_pdf(campaign, actor=request.user)
    if cs.is_writer(request.user, campaign.region):
        cs.county_report_file(campaign=campaign, data=data, actor=request.user)
    return _pdf(data, f"{campaign.name}核查情况报告.pdf")


def campaign_workbook(request: HttpRequest, pk: int) -> FileResponse:
    """附件2–5 of the campaign: the snapshots' figures with the campaign's comparison (``campaign_export``
    writes the same workbook)."""
    campaign = sel.campaign_for(request.user, pk)
    run = campaign.comparison_run
    if run is None:
        raise Http404("本次核查尚未进行数据比对。")
    data = prints.annex_workbook(campaign, actor=request.user)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{campaign.name}附件2-5.xlsx")


# ---- a unit in the campaign --------------------------------------------------------------------------


def cu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cu = sel.campaign_unit_for(request.user, pk)
    user = request.user
    findings = cs.unit_findings(cu)
    notice = getattr(cu, "notice", None)
    context = {
        "cu": cu,
        "campaign": cu.campaign,
        "snap": cu.snapshot,
        "lines": sel.snapshot_lines(cu.snapshot),
        "stages": [*cu.campaign.stages, Stage.DONE],
        "items": cu.items.all(),
        "item_answers": cs.ITEM_ANSWERS,
        "attachments": cu.attachments.filter(visit=None),
        "proposals": [(p, cs.target_label(p.kind, p.target)) for p in cu.proposals.select_related("person")],
        "proposal_targets": cs.proposal_targets(),
        "people": Person.objects.filter(unit_id=cu.unit_id, in_establishment=True).order_by("name"),
        "notice": notice,
        "feedback": notice.feedback.all() if notice else [],
        "overdue": notice.is_overdue(timezone.localdate()) if notice else False,
        "findings": findings,
        "follow_ups": {f.finding_id: f for f in cu.campaign.follow_ups.filter(finding__in=findings)},
        "visits": cu.visits.prefetch_related("attachments"),
        "report": getattr(cu, "report", None),
        "transitions": cu.transitions.all(),
        "is_liaison": cs.is_liaison(user, cu),
        "is_writer": cs.is_writer(user, cu.campaign.region),
        "window": cs.window(cu.campaign, cu.stage),
        "problems": PROBLEMS,
        "visit_methods": VisitMethod.values,
        "earlier": [
            s
            for s in cu.campaign.stages
            if s in cs.TRANSITIONS[cu.campaign.kind].get(cu.stage, ())
            and cu.campaign.stages.index(s) < ([*cu.campaign.stages, Stage.DONE]).index(cu.stage)
        ],
        "today": timezone.localdate(),
        "proxy": proxy_notes(cu),
        "proxy_reasons": ProxyReason.values,
    }
    return render(request, "verification/campaign/unit.html", context)


def _cu_actions(request: HttpRequest, cu) -> dict[str, tuple[Callable[[], object], str]]:
    user, post, files = request.user, request.POST, request.FILES

    def person():
        return Person.objects.filter(unit_id=cu.unit_id, pk=_int(post.get("person"))).first()

    def feedback():
        return NoticeFeedback.objects.filter(notice__campaign_unit=cu, pk=_int(post.get("feedback"))).first()

    def proposal():
        return cu.proposals.filter(pk=_int(post.get("proposal"))).first()

    def finding():
        return cs.unit_findings(cu).filter(pk=_int(post.get("finding"))).first()

    def target() -> tuple[str, str]:
        """The form's one choice "kind:target" (a bare target with a separate kind is accepted too)."""
        value = post.get("target", "")
        kind, sep, name = value.partition(":")
        return (kind, name) if sep else (post.get("kind", ""), value)

    def document():
        from archives.models import Document

        number = (post.get("document") or "").strip()
        return Document.objects.filter(region=cu.campaign.region, number=number).first() if number else None

    return {
        "answer": (
            lambda: cs.selfcheck_answer(
                cu=cu,
                item=post.get("item", ""),
                answer=post.get("answer", ""),
                text=post.get("text", ""),
                on_behalf_reason=post.get("on_behalf_reason", ""),
                actor=user,
            ),
            "已保存。",
        ),
        "attach": (
            lambda: [cs.attachment_add(cu=cu, upload=f, actor=user) for f in files.getlist("files")],
            "已上传附件。",
        ),
        "propose": (
            lambda: cs.proposal_create(
                cu=cu,
                kind=target()[0],
                target=target()[1],
                proposed_value=post.get("value", ""),
                reason=post.get("reason", ""),
                person=person(),
                actor=user,
            ),
            "已提交更正申请，等待编办审核。",
        ),
        "decide": (
            lambda: cs.proposal_decide(
                proposal=proposal(),
                accept=post.get("accept") == "1",
                note=post.get("note", ""),
                document=document(),
                actor=user,
            ),
            "已审核。",
        ),
        "notice_post": (
            lambda: cs.notice_post(
                cu=cu, posted_on=_date(post.get("posted_on")), place=post.get("place", ""), actor=user
            ),
            "已登记公示。",
        ),
        "notice_remove": (
            lambda: cs.notice_remove(cu=cu, removed_on=_date(post.get("removed_on")), actor=user),
            "已登记撤除。",
        ),
        "feedback_add": (
            lambda: cs.feedback_add(
                cu=cu, received_on=_date(post.get("received_on")), text=post.get("text", ""), actor=user
            ),
            "已登记反馈。",
        ),
        "feedback_reply": (
            lambda: cs.feedback_reply(feedback=feedback(), reply=post.get("reply", ""), actor=user),
            "已答复。",
        ),
        "followup": (
            lambda: cs.followup_set(
                campaign=cu.campaign,
                finding=finding(),
                owner=post.get("owner", ""),
                due_on=_date(post.get("due_on")),
                actor=user,
            ),
            "已明确责任人和期限。",
        ),
        "visit": (
            lambda: cs.visit_record(
                cu=cu,
                kind=post.get("kind", ""),
                method=post.get("method", ""),
                visited_on=_date(post.get("visited_on")),
                inspectors=post.get("inspectors", ""),
                findings=post.get("findings", ""),
                files=files.getlist("files"),
                actor=user,
            ),
            "已登记核查情况。",
        ),
        "prereview": (
            lambda: cs.unit_prereview(
                cu=cu, passed=post.get("passed") == "1", note=post.get("note", ""), actor=user
            ),
            "已预审核。",
        ),
        "report": (
            lambda: cs.unit_report_confirm(
                cu=cu,
                leader_name=post.get("leader_name", ""),
                commitment=post.get("commitment") == "1",
                actual_divisions=_int(post.get("actual_divisions")),
                outside_staff=_int(post.get("outside_staff")),
                documents_sorted=_int(post.get("documents_sorted")),
                summary=post.get("summary", ""),
                problems={p: post.get(f"problem_text_{p}", "") or "有" for p in post.getlist("problems")},
                on_behalf_reason=post.get("on_behalf_reason", ""),
                actor=user,
            ),
            "核查情况报告已确认提交。",
        ),
        "advance": (lambda: cs.stage_advance(cu=cu, actor=user), "已进入下一环节。"),
        "return": (
            lambda: cs.stage_return(
                cu=cu, to_stage=post.get("to_stage", ""), reason=post.get("reason", ""), actor=user
            ),
            "已退回。",
        ),
    }


def cu_action(request: HttpRequest, pk: int) -> HttpResponse:
    cu = sel.campaign_unit_for(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not (cs.is_liaison(request.user, cu) or cs.is_writer(request.user, cu.campaign.region)):
        raise PermissionDenied("您没有执行此操作的权限。")
    action = _cu_actions(request, cu).get(request.POST.get("action", ""))
    if action is None:
        raise Http404("未知操作。")
    try:
        _run(request, *action)
    except (AttributeError, TypeError):  # a referenced row that is not this unit's
        messages.error(request, "所选记录不存在。")
    return redirect("verification:cu_detail", cu.pk)


def cu_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's notice: non-confidential units and staffing as of the cut-off, never ID numbers."""
    cu = sel.campaign_unit_for(request.user, pk)
    if cu.snapshot["unit"].get("confidential"):
        raise Http404("涉密单位不公示。")
    context = {
        "cu": cu,
        "snap": cu.snapshot,
        "notice": getattr(cu, "notice", None),
        "lines": sel.snapshot_lines(cu.snapshot),
        "divisions": [d for d in cu.snapshot.get("divisions", []) if not d.get("confidential")],
    }
    data = render_pdf(
        "verification/campaign/print/notice.html",
        context,
        actor=request.user,
        action="核查.打印公示",
        target=cu,
        region=cu.campaign.region,
    )
    return _pdf(data, f"{cu.name}机构编制公示.pdf")


def cu_report(request: HttpRequest, pk: int) -> HttpResponse:
    cu = sel.campaign_unit_for(request.user, pk)
    if getattr(cu, "report", None) is None:
        raise Http404("单位尚未提交核查情况报告。")
    return _pdf(prints.unit_report_pdf(cu, actor=request.user), f"{cu.name}核查情况报告.pdf")


# ---- 代填: the office fills in the whole self-check on one page, and its print --------------------------


def cu_selfcheck(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole self-check on one page, for the office filling it in on the unit's behalf (代填: no
    liaison, or a paper return) with the reason; saves, or saves and submits."""
    cu = sel.campaign_unit_for(request.user, pk)
    if not cs.is_writer(request.user, cu.campaign.region):
        raise PermissionDenied("只有本区划的编办工作人员可以代填自查。")
    post = request.POST
    if request.method == "POST":
        answers = {
            item: (post.get(f"answer_{item}", ""), post.get(f"text_{item}", ""))
            for item in cs.ITEM_ANSWERS
            if post.get(f"answer_{item}")
        }
        submit = post.get("submit") == "1"
        ok = "已代填并提交自查，进入群众监督环节。" if submit else "已保存代填的自查。"
        try:
            cs.selfcheck_save(
                cu=cu,
                answers=answers,
                on_behalf_reason=post.get("on_behalf_reason", ""),
                submit=submit,
                actor=request.user,
            )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, ok)
            return redirect("verification:cu_detail", cu.pk)
    items = list(cu.items.all())
    context = {
        "cu": cu,
        "campaign": cu.campaign,
        "rows": [
            (
                i,
                cs.ITEM_ANSWERS[i.item],
                post.get(f"answer_{i.item}", i.answer),
                post.get(f"text_{i.item}", i.text),
            )
            for i in items
        ],
        "reasons": ProxyReason.values,
        "reason": post.get("on_behalf_reason", ""),
        "has_liaison": bool(units_with_liaison([cu.unit_id])),
        "window": cs.window(cu.campaign, Stage.SELF_CHECK),
    }
    return render(request, "verification/campaign/selfcheck.html", context)


def cu_selfcheck_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's self-check as printed (a blank form for a paper return, or the answers with who filled
    them in, 代填 marked)."""
    cu = sel.campaign_unit_for(request.user, pk)
    context = {
        "cu": cu,
        "snap": cu.snapshot,
        "items": cu.items.all(),
        "proxy": proxy_notes(cu),
        "lines": sel.snapshot_lines(cu.snapshot),
    }
    data = render_pdf(
        "verification/campaign/print/selfcheck.html",
        context,
        actor=request.user,
        action="核查.打印自查表",
        target=cu,
        region=cu.campaign.region,
    )
    return _pdf(data, f"{cu.name}单位自查表.pdf")
