"""The campaigns: list, create, the campaign page (counts at a glance, progress by 主管部门 and township,
one paginated, searchable, filtered table of its units) and its downloads (the county report PDF, the
附件2–5 workbook). Downloads only read; filing the county report is a POST (``actions.report_file``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib.http import XLSX, add_errors, download, paginate
from bianzhi.roles import can, require
from units.selectors import acting_regions
from units.views import background
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.fields import Confirm
from verification.campaign.forms import (
    BulkForm,
    CampaignCreateForm,
    DrawForm,
    UnitFilterForm,
    WindowForm,
)
from verification.campaign.models import STAGES, CampaignKind
from verification.campaign.selectors import unit_page, units_table
from verification.jobs import CAMPAIGN_FILES, CAMPAIGN_KIND, campaign_file, campaign_size


def campaign_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = unit_page.campaign_list(user) | {"can_create": can(user, "run_campaign")}
    return render(request, "verification/campaign/list.html", context)


def campaign_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "run_campaign")
    regions = acting_regions(user)
    form = CampaignCreateForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = cs.campaign_create(
                region=d["region"],
                name=d["name"],
                kind=d["kind"],
                cutoff=d["cutoff"],
                windows=form.windows(),
                natures=d["natures"],
                systems=d["systems"],
                townships=form.township_list(),
                onsite_ratio=d["onsite_ratio"],
                sample_ratio=d["sample_ratio"],
                members=form.members_list(),
                actor=user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已创建“{campaign.name}”，纳入核查的单位已生成核查时点数据。")
            return redirect("verification:campaign_detail", campaign.pk)
    today = timezone.localdate()
    cutoff = form.cleaned_data.get("cutoff") if form.is_bound and hasattr(form, "cleaned_data") else None
    plan_cutoff = cutoff or dt.date(today.year, 12, 31)
    plan = sel.default_windows(CampaignKind.ANNUAL, plan_cutoff)
    seed = "\n".join(f"{r},{n},{d},{p}" for r, n, d, p in sel.SEED_WORKING_GROUP)
    context = {
        "form": form,
        "plan_cutoff": plan_cutoff,
        "stages": [
            (s, form[f"start_{s}"], form[f"end_{s}"], plan[s][0], plan[s][1])
            for s in STAGES[CampaignKind.ANNUAL]
        ],
        "members": form["members"].value() or seed,
        "many_regions": len(form.fields["region"].queryset) > 1,
    }
    return render(request, "verification/campaign/create.html", context)


def table_context(request: HttpRequest, campaign, filter_data=None) -> dict:
    """The units table (search, filters, one page of 50 rows) shared by the campaign page and the
    units page; ``filter_data`` is the GET (or, after a bulk action, the POST's ``f_`` fields)."""
    if filter_data is None:
        filters = UnitFilterForm(request.GET, campaign=campaign)
    else:
        filters = UnitFilterForm.posted(filter_data, campaign=campaign)
    rows = units_table.unit_table(campaign, filters.filters())
    page = paginate(request, rows)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_write": can(request.user, "run_campaign", region=campaign.region),
    }


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return detail_page(request, sel.campaign_for(request.user, pk))


def detail_page(request: HttpRequest, campaign, **bound) -> HttpResponse:
    """The campaign page; ``bound`` replaces a form by the one just posted (shown with its errors)."""
    context = table_context(request, campaign)
    counts = units_table.unit_counts(campaign)
    context |= {
        "campaign": campaign,
        "counts": counts,
        "stages": [s for s, _n in counts.by_stage],
        "by_department": units_table.department_grid(campaign),
        "by_township": units_table.township_grid(campaign),
        "findings": sel.findings_by_code(campaign),
        "windows": campaign.windows.all(),
        "members": campaign.members.all(),
        "draw": getattr(campaign, "draw", None),
        "sampled": units_table.sampled_units(campaign),
        "onsite": units_table.onsite_units(campaign),
        "need_onsite": sel.minimum(counts.total, campaign.onsite_ratio),
        "window_form": WindowForm(campaign=campaign),
        "draw_form": DrawForm(initial={"ratio": campaign.sample_ratio}),
        "bulk": BulkForm(campaign=campaign),
        "file_form": Confirm(),
    }
    return render(request, "verification/campaign/detail.html", context | bound)


def campaign_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The county report, generated now from the campaign's figures (a download: nothing is filed;
    the office files it with the POST button 归档县级报告). Over ``JOBS_INLINE_MAX_ROWS`` units (and on
    POST) made by a background job (``verification.jobs``), offered first by a page."""
    return _campaign_file(request, sel.campaign_for(request.user, pk), "report")


def campaign_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """附件2–5 of the campaign: the snapshots' figures with the campaign's comparison (in the background
    like the county report over the size)."""
    campaign = sel.campaign_for(request.user, pk)
    if campaign.comparison_run is None:
        raise Http404("本次核查尚未进行数据比对。")
    return _campaign_file(request, campaign, "annex")


def _campaign_file(request: HttpRequest, campaign, what: str) -> HttpResponse:
    rows = campaign_size(campaign)
    if request.method == "POST" or background.too_big(rows):
        back = reverse("verification:campaign_detail", args=[campaign.pk])
        name, _fmt = CAMPAIGN_FILES[what]
        return background.offer(
            request,
            kind=CAMPAIGN_KIND,
            params={"campaign": campaign.pk, "what": what},
            label=f"{campaign.name}{name}",
            rows=rows,
            noun="个单位",
            crumbs=[("核查", reverse("verification:campaign_list")), (campaign.name, back)],
            back=back,
        )
    data, filename = campaign_file(request.user, campaign, what)
    return download(data, filename, XLSX if what == "annex" else None)
