"""A unit in the campaign: its page, one URL and one form per action on it (each: scope → form → one
service → message → back to the page; a refusal re-renders the page with the errors on that form),
and its prints (the notice, the unit report)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.downloads import item_download
from bianzhi.lib.http import download
from bianzhi.lib.pdf import render_pdf
from bianzhi.roles import require
from units.services.common import authorize_unit
from verification.campaign import forms as f
from verification.campaign import prints
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import PROBLEMS, Stage, VisitMethod
from verification.campaign.proxy import ProxyReason
from verification.campaign.selectors import unit_page
from verification.campaign.views._common import act, post_only

OFFICE = "run_campaign"


def _forms(cu) -> dict:
    return {
        "attach": f.AttachForm(),
        "propose": f.ProposalForm(cu=cu),
        "decide": f.DecideForm(cu=cu),
        "notice_post": f.NoticePostForm(),
        "notice_remove": f.NoticeRemoveForm(),
        "feedback_add": f.FeedbackAddForm(),
        "feedback_reply": f.FeedbackReplyForm(cu=cu),
        "followup": f.FollowupForm(cu=cu),
        "visit": f.VisitForm(),
        "prereview": f.PrereviewForm(),
        "report": f.ReportForm(),
        "return": f.ReturnForm(cu=cu),
        "advance": f.AdvanceForm(),
    }


def unit_page_response(request: HttpRequest, cu, bound: dict | None = None) -> HttpResponse:
    """The unit's page; ``bound`` holds the form just posted (shown with its errors and values)."""
    user = request.user
    context = unit_page.unit_page(cu) | {
        "cu": cu,
        "campaign": cu.campaign,
        "snap": cu.snapshot,
        "lines": sel.snapshot_lines(cu.snapshot),
        "stages": [*cu.campaign.stages, Stage.DONE],
        "proposal_targets": sel.proposal_targets(),
        "is_liaison": sel.is_liaison(user, cu),
        "is_writer": sel.is_writer(user, cu.campaign.region),
        "problems": PROBLEMS,
        "visit_methods": VisitMethod.values,
        "proxy_reasons": ProxyReason.values,
        "forms": _forms(cu) | (bound or {}),
        "failed": next(iter(bound or {}), ""),
    }
    return render(request, "verification/campaign/unit.html", context)


def cu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return unit_page_response(request, sel.campaign_unit_for(request.user, pk))


def _action(
    request: HttpRequest,
    pk: int,
    name: str,
    form_class,
    call: Callable,
    ok: str,
    *,
    office_only: bool = False,
    files: bool = False,
    unit_form: bool = False,
) -> HttpResponse:
    """One action on a unit: 404 outside the scope, 405 unless POST, 403 unless the unit's liaison or
    an office writer of its region (``office_only``: office writers), then the form and the service."""
    cu = sel.campaign_unit_for(request.user, pk)
    if refused := post_only(request):
        return refused
    if office_only:
        require(request.user, OFFICE, region=cu.campaign.region)
    else:
        authorize_unit(request.user, cu.unit, capability=OFFICE)
    args = (request.POST, request.FILES) if files else (request.POST,)
    form = form_class(*args, cu=cu) if unit_form else form_class(*args)
    return act(
        request,
        form,
        lambda d: call(cu, d),
        ok,
        to=("verification:cu_detail", cu.pk),
        invalid=lambda bound: unit_page_response(request, cu, {name: bound}),
    )


def cu_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign attachment (self-check material, a paper return's scan, a visit's photo): the office
    of the campaign's region or the unit's liaison; audited (下载)."""
    item = sel.attachment_for(request.user, pk)
    return item_download(item, actor=request.user, region=item.campaign_unit.campaign.region)


def cu_attach(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        for upload in d["files"]:
            cs.attachment_add(cu=cu, upload=upload, actor=request.user)

    return _action(request, pk, "attach", f.AttachForm, call, "已上传附件。", files=True)


def cu_propose(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        kind, target = d["target"].partition(":")[::2]
        cs.proposal_create(
            cu=cu,
            kind=kind,
            target=target,
            proposed_value=d["value"],
            reason=d["reason"],
            person=d["person"],
            actor=request.user,
        )

    return _action(
        request, pk, "propose", f.ProposalForm, call, "已提交更正申请，等待编办审核。", unit_form=True
    )


def cu_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.proposal_decide(
            proposal=d["proposal"],
            accept=d["accept"],
            note=d["note"],
            document=d["document"],
            actor=request.user,
        )

    return _action(request, pk, "decide", f.DecideForm, call, "已审核。", office_only=True, unit_form=True)


def cu_notice_post(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.notice_post(cu=cu, posted_on=d["posted_on"], place=d["place"], actor=request.user)

    return _action(request, pk, "notice_post", f.NoticePostForm, call, "已登记公示。")


def cu_notice_remove(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.notice_remove(cu=cu, removed_on=d["removed_on"], actor=request.user)

    return _action(request, pk, "notice_remove", f.NoticeRemoveForm, call, "已登记撤除。")


def cu_feedback_add(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.feedback_add(cu=cu, received_on=d["received_on"], text=d["text"], actor=request.user)

    return _action(request, pk, "feedback_add", f.FeedbackAddForm, call, "已登记反馈。")


def cu_feedback_reply(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.feedback_reply(feedback=d["feedback"], reply=d["reply"], actor=request.user)

    return _action(request, pk, "feedback_reply", f.FeedbackReplyForm, call, "已答复。", unit_form=True)


def cu_followup(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.followup_set(
            campaign=cu.campaign,
            finding=d["finding"],
            owner=d["owner"],
            due_on=d["due_on"],
            actor=request.user,
        )

    return _action(
        request,
        pk,
        "followup",
        f.FollowupForm,
        call,
        "已明确责任人和期限。",
        office_only=True,
        unit_form=True,
    )


def cu_visit(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.visit_record(
            cu=cu,
            kind=cu.stage,
            method=d["method"],
            visited_on=d["visited_on"],
            inspectors=d["inspectors"],
            findings=d["findings"],
            files=d["files"],
            actor=request.user,
        )

    return _action(request, pk, "visit", f.VisitForm, call, "已登记核查情况。", office_only=True, files=True)


def cu_prereview(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.unit_prereview(cu=cu, passed=d["passed"], note=d["note"], actor=request.user)

    return _action(request, pk, "prereview", f.PrereviewForm, call, "已预审核。", office_only=True)


def cu_report_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.unit_report_confirm(
            cu=cu,
            leader_name=d["leader_name"],
            commitment=d["commitment"],
            actual_divisions=d["actual_divisions"],
            outside_staff=d["outside_staff"],
            documents_sorted=d["documents_sorted"],
            summary=d["summary"],
            problems=form_problems(d),
            on_behalf_reason=d["on_behalf_reason"],
            actor=request.user,
        )

    return _action(request, pk, "report", f.ReportForm, call, "核查情况报告已确认提交。")


def form_problems(d: dict) -> dict[str, str]:
    return {p: d.get(f"problem_text_{p}") or "有" for p in d.get("problems", [])}


def cu_advance(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.stage_advance(cu=cu, actor=request.user)

    return _action(request, pk, "advance", f.AdvanceForm, call, "已进入下一环节。")


def cu_return(request: HttpRequest, pk: int) -> HttpResponse:
    def call(cu, d):
        cs.stage_return(cu=cu, to_stage=d["to_stage"], reason=d["reason"], actor=request.user)

    return _action(request, pk, "return", f.ReturnForm, call, "已退回。", office_only=True, unit_form=True)


# ---- prints -------------------------------------------------------------------------------------------


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
    return download(data, f"{cu.name}机构编制公示.pdf")


def cu_report(request: HttpRequest, pk: int) -> HttpResponse:
    cu = sel.campaign_unit_for(request.user, pk)
    if getattr(cu, "report", None) is None:
        raise Http404("单位尚未提交核查情况报告。")
    return download(prints.unit_report_pdf(cu, actor=request.user), f"{cu.name}核查情况报告.pdf")
