"""The joint check calendar (联合检查, issue 15 point 4): a region's year with its two checks (June and
November), each one's planned date (office writers change it), 发起联合检查 (one click, confirmed) and
its results once the campaign is closed. Office roles read; only the region's office writers act."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bianzhi.roles import can, require
from verification.campaign.fields import Confirm, DateText
from verification.campaign.selectors import joint as sel
from verification.campaign.services import joint as services
from verification.campaign.views._common import act, post_only


class YearForm(forms.Form):
    region = forms.ChoiceField(label="区划", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.pk, r.name) for r in regions]


class PlanForm(forms.Form):
    planned_on = DateText(label="计划日期")


def calendar_page(request: HttpRequest, region=None, year=None, *, status=200, **forms_) -> HttpResponse:
    user = request.user
    require(user, "view_registry")
    regions = list(sel.joint_regions(user))
    form = YearForm(request.GET or None, regions=regions)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    if region is None:
        picked = data.get("region")
        region = sel.joint_region_for(user, picked) if picked else (regions[0] if regions else None)
    year = year or data.get("year") or today.year
    entries = sel.joint_calendar(region, year) if region else []
    return render(
        request,
        "verification/campaign/joint.html",
        {
            "form": form,
            "region": region,
            "year": year,
            "entries": [
                {
                    "entry": e,
                    "alert_from": sel.alert_from(e.planned_on),
                    "results_pending": sel.results_pending(e),
                }
                for e in entries
            ],
            "can_act": bool(region) and can(user, "run_campaign", region=region),
            "prev_year": year - 1,
            "next_year": year + 1,
            **forms_,
        },
        status=status,
    )


def joint_calendar(request: HttpRequest) -> HttpResponse:
    return calendar_page(request)


def _entry(request: HttpRequest, region: int, year: int, month: int):
    return sel.joint_entry_for(request.user, region, year, month)  # 404 before 405 and 403


def joint_plan(request: HttpRequest, region: int, year: int, month: int) -> HttpResponse:
    """GET: the planned date's form; POST: change it (office writers of the region)."""
    entry = _entry(request, region, year, month)
    user = request.user
    require(user, "run_campaign", region=entry.region)
    form = PlanForm(request.POST or None, initial={"planned_on": entry.planned_on.isoformat()})
    if request.method == "POST":
        return act(
            request,
            form,
            lambda d: services.joint_plan(
                region=entry.region, year=year, round_=month, planned_on=d["planned_on"], actor=user
            ),
            f"已修改{entry}的计划日期。",
            to=_back(entry),
            invalid=lambda f: _plan_page(request, entry, f, status=400),
        )
    return _plan_page(request, entry, form)


def _plan_page(request, entry, form, status=200) -> HttpResponse:
    return render(
        request, "verification/campaign/joint_plan.html", {"entry": entry, "form": form}, status=status
    )


def _back(entry) -> tuple:
    url = reverse("verification:joint_calendar") + f"?region={entry.region_id}&year={entry.year}"
    return (url,)


def _action(
    request: HttpRequest, region: int, year: int, month: int, call, ok: str, name: str
) -> HttpResponse:
    entry = _entry(request, region, year, month)
    if refused := post_only(request):
        return refused
    require(request.user, "run_campaign", region=entry.region)
    return act(
        request,
        Confirm(request.POST),
        lambda d: call(region=entry.region, year=year, round_=month, actor=request.user),
        ok,
        to=_back(entry),
        invalid=lambda f: calendar_page(request, entry.region, year, status=400, **{name: f}),
    )


def joint_start(request: HttpRequest, region: int, year: int, month: int) -> HttpResponse:
    """发起联合检查 (POST, confirmed): the 联合检查 campaign of the entry."""
    return _action(request, region, year, month, services.joint_start, "已发起联合检查。", "start_form")


def joint_results(request: HttpRequest, region: int, year: int, month: int) -> HttpResponse:
    """记录检查结果 (POST, confirmed) once the campaign is closed."""
    return _action(
        request, region, year, month, services.joint_results_keep, "已记录检查结果。", "results_form"
    )
