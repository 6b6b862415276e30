"""The upper office's pre-review of a county's report (市级预审核, issue 17): one page per campaign with
the rounds so far and, for whom it concerns, the county's 报送 form or the upper office's decision form;
both actions are confirmed POSTs, each one service call. Anyone outside the campaign's scope gets 404
(a city's office reads its counties' campaigns; a county never sees another county's)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.roles import can, require
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.forms import ReviewDecideForm, ReviewSubmitForm
from verification.campaign.selectors import cityreview as review_sel
from verification.campaign.views._common import act, post_only


def _page(request: HttpRequest, campaign, **forms) -> HttpResponse:
    state = review_sel.review_state(campaign)
    user = request.user
    may_submit = state.needed and can(user, "run_campaign", region=campaign.region)
    may_decide = state.pending and review_sel.may_review(user, campaign)
    context = {
        "campaign": campaign,
        "state": state,
        "may_submit": may_submit and not state.pending and campaign.status == "进行中",
        "may_decide": may_decide,
        "submit_form": forms.get("submit_form") or ReviewSubmitForm(),
        "decide_form": forms.get("decide_form") or ReviewDecideForm(),
    }
    return render(request, "verification/campaign/cityreview.html", context)


def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The review's rounds (报送, 退回 with comments, 通过) and the forms of whom it concerns."""
    campaign = sel.campaign_for(request.user, pk)
    return _page(request, campaign)


def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """报送市级预审核: the county's office writers."""
    campaign = sel.campaign_for(request.user, pk)
    if refused := post_only(request):
        return refused
    require(request.user, "run_campaign", region=campaign.region)
    return act(
        request,
        ReviewSubmitForm(request.POST),
        lambda d: cs.review_submit(campaign=campaign, note=d["note"], actor=request.user),
        f"已报送{campaign.region.parent.name if campaign.region.parent else '上级'}编办预审核。",
        to=("verification:campaign_review", campaign.pk),
        invalid=lambda form: _page(request, campaign, submit_form=form),
    )


def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """退回 (with comments) or 通过: the office writers of the county's parent region."""
    campaign = sel.campaign_for(request.user, pk)
    if refused := post_only(request):
        return refused
    require(request.user, "review_reports", region=campaign.region.parent or campaign.region)

    def call(d):
        if d["decision"] == "通过":
            return cs.review_accept(campaign=campaign, comments=d["comments"], actor=request.user)
        return cs.review_return(campaign=campaign, comments=d["comments"], actor=request.user)

    return act(
        request,
        ReviewDecideForm(request.POST),
        call,
        "已记录预审核结果。",
        to=("verification:campaign_review", campaign.pk),
        invalid=lambda form: _page(request, campaign, decide_form=form),
    )
