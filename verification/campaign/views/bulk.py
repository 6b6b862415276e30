"""The campaign's units page: the same table as the campaign page (search, filters, 50 a page) with the
bulk actions (``services.bulk.bulk_apply``) on the ticked units or on every unit the filter shows,
confirmed; each unit's result is listed after the action."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.lib.http import add_errors
from bianzhi.roles import require
from verification.campaign import selectors as sel
from verification.campaign.forms import BulkForm, UnitFilterForm
from verification.campaign.selectors import units_table
from verification.campaign.services import bulk
from verification.campaign.views.campaigns import table_context


def campaign_units(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the filtered table (office roles of the region). POST: a bulk action (office writers)."""
    campaign = sel.campaign_for(request.user, pk)
    results = None
    if request.method == "POST":
        require(request.user, "run_campaign", region=campaign.region)
        form = BulkForm(request.POST, campaign=campaign)
        filters = UnitFilterForm.posted(request.POST, campaign=campaign)
        if form.is_valid():
            d = form.cleaned_data
            if d["scope"] == "filtered":
                ids = units_table.unit_ids(campaign, filters.filters())
            else:
                ids = [cu.pk for cu in d["cu"]]
            try:
                results = bulk.bulk_apply(campaign, ids, d["action"], request.user, form.params())
            except ValidationError as exc:
                add_errors(form, exc)
        context = table_context(request, campaign, request.POST)
    else:
        form = BulkForm(campaign=campaign)
        context = table_context(request, campaign)
    context |= {
        "campaign": campaign,
        "bulk": form,
        "results": results,
        "done": sum(r.done for r in results or []),
        "refused": sum(not r.done for r in results or []),
    }
    return render(request, "verification/campaign/units.html", context)
