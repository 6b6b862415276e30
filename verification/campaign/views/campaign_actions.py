"""The office's actions on a whole campaign, one URL and one form each: run the comparison, the on-site
list (a page of its own: the ranking of every unit), the random draw, a stage window, filing the county
report, and ending the campaign. Final ones ask for confirmation (the form's ``confirm`` box)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.lib.http import add_errors
from bianzhi.roles import require
from jobs import selectors as job_selectors
from jobs.services import job_submit
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.fields import Confirm
from verification.campaign.forms import DrawForm, OnsiteSetForm, WindowForm
from verification.campaign.views._common import act, post_only
from verification.campaign.views.campaigns import detail_page
from verification.findings.tasks import CAMPAIGN_KIND as COMPARE_KIND
from verification.findings.tasks import REGION_COMPARISONS


def _campaign(request: HttpRequest, pk: int):
    campaign = sel.campaign_for(request.user, pk)  # 404 before 405 and 403
    return campaign


def _on_page(
    request: HttpRequest, pk: int, name: str, bind: Callable, call: Callable, ok: str
) -> HttpResponse:
    """A POST-only action of the campaign page: 404 outside the scope, 405 unless POST, 403 unless an
    office writer of the region; ``bind(campaign)`` gives the form, ``call(campaign, data)`` the one
    service; a refusal re-renders the campaign page with the errors on form ``name``."""
    campaign = _campaign(request, pk)
    if refused := post_only(request):
        return refused
    require(request.user, "run_campaign", region=campaign.region)
    return act(
        request,
        bind(campaign),
        lambda d: call(campaign, d),
        ok,
        to=("verification:campaign_detail", campaign.pk),
        invalid=lambda form: detail_page(request, campaign, **{name: form}),
    )


def campaign_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the campaign's comparison (a background job, like the comparison page's: reading, comparing
    and recording a region's findings outlasts a request); refused at once without data or outside the
    stage's window (the campaign page with the reason), one comparison of a region at a time; the job's
    page shows its progress and links back to the campaign."""
    campaign = _campaign(request, pk)
    if refused := post_only(request):
        return refused
    require(request.user, "run_campaign", region=campaign.region)
    running = job_selectors.active_job(REGION_COMPARISONS, campaign.region)
    if running is not None:
        messages.info(request, f"{campaign.region.name}的数据比对已在进行，请等待其完成。")
        return redirect("jobs:job_detail", pk=running.pk)
    form = Confirm({"confirm": True})
    form.is_valid()
    try:
        cs.campaign_compare_precheck(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        add_errors(form, exc)
        return detail_page(request, campaign, compare_form=form)
    job = job_submit(
        COMPARE_KIND,
        actor=request.user,
        region=campaign.region,
        params={"campaign": campaign.pk},
        label=f"核查数据比对（{campaign.name}）",
    )
    messages.success(request, "数据比对已提交，在后台执行：本页显示进度，完成后链接回核查工作。")
    return redirect("jobs:job_detail", pk=job.pk)


def campaign_onsite(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the ranking of every unit by open findings, ticked as listed. POST: first the proposal by
    the numbers (``onsite_propose``), then changes with a reason (``onsite_set``), confirmed."""
    campaign = _campaign(request, pk)
    user = request.user
    if request.method == "POST":
        require(user, "run_campaign", region=campaign.region)
        to = ("verification:campaign_onsite", campaign.pk)
        if campaign.onsite_planned_at is None:
            return act(
                request,
                Confirm(request.POST),
                lambda d: cs.onsite_propose(campaign=campaign, actor=user),
                "已生成实地核实名单。",
                to=to,
                invalid=lambda form: _onsite_page(request, campaign, form),
            )
        return act(
            request,
            OnsiteSetForm(request.POST, campaign=campaign),
            lambda d: cs.onsite_set(
                campaign=campaign,
                selected_ids=[cu.pk for cu in d["selected"]],
                reason=d["reason"],
                actor=user,
            ),
            "已调整实地核实名单。",
            to=to,
            invalid=lambda form: _onsite_page(request, campaign, form),
        )
    form = OnsiteSetForm(campaign=campaign) if campaign.onsite_planned_at else Confirm()
    return _onsite_page(request, campaign, form)


def _onsite_page(request: HttpRequest, campaign, form) -> HttpResponse:
    ranking = sel.onsite_ranking(campaign)
    context = {
        "campaign": campaign,
        "ranking": ranking,
        "form": form,
        "need": sel.minimum(len(ranking), campaign.onsite_ratio),
        "can_write": sel.is_writer(request.user, campaign.region),
    }
    return render(request, "verification/campaign/onsite.html", context)


def campaign_draw(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_page(
        request,
        pk,
        "draw_form",
        lambda campaign: DrawForm(request.POST),
        lambda campaign, d: cs.sample_draw(
            campaign=campaign, seed=d["seed"], ratio=d["ratio"], actor=request.user
        ),
        "已完成随机抽取。",
    )


def campaign_window(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_page(
        request,
        pk,
        "window_form",
        lambda campaign: WindowForm(request.POST, campaign=campaign),
        lambda campaign, d: cs.window_set(
            campaign=campaign,
            stage=d["stage"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            reason=d["reason"],
            actor=request.user,
        ),
        "已调整环节时间。",
    )


def campaign_report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """归档县级报告: generate the county report now and file it into the 核查 dedicated file."""
    return _on_page(
        request,
        pk,
        "file_form",
        lambda campaign: Confirm(request.POST),
        lambda campaign, d: cs.county_report_file(campaign=campaign, actor=request.user),
        "县级核查情况报告已归档到核查专门档案。",
    )


def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    """结束核查工作: GET shows what ending means (and what still stops it); POST, confirmed, ends it."""
    campaign = _campaign(request, pk)
    require(request.user, "run_campaign", region=campaign.region)
    form = Confirm(request.POST or None)
    if request.method == "POST":
        return act(
            request,
            form,
            lambda d: cs.campaign_close(campaign=campaign, actor=request.user),
            "核查工作已结束。",
            to=("verification:campaign_detail", campaign.pk),
            invalid=lambda f: _close_page(request, campaign, f),
        )
    return _close_page(request, campaign, form)


def _close_page(request: HttpRequest, campaign, form) -> HttpResponse:
    from verification.campaign.selectors import units_table

    counts = units_table.unit_counts(campaign)
    context = {
        "campaign": campaign,
        "form": form,
        "counts": counts,
        "done": dict(counts.by_stage).get("已完成", 0),
    }
    return render(request, "verification/campaign/close.html", context)
