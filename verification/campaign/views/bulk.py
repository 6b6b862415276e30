"""The campaign's units page: filters, checkboxes and the bulk actions (``campaign_bulk.bulk_apply``),
with each unit's result listed after an action."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.lib.dates import InvalidDate, parse_date
from units.choices import Nature, System
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import Stage
from verification.campaign.proxy import ProxyReason
from verification.campaign.services import bulk

FILTERS = ("stage", "nature", "system", "township", "liaison")


def _date(value: str | None):
    try:
        return parse_date(value)
    except InvalidDate:
        return None


def _targets(request: HttpRequest, campaign) -> list[int]:
    """The ticked units, or every unit the filter shows (选择全部筛选结果)."""
    post = request.POST
    if post.get("scope") == "filtered":
        filters = {f: post.get(f"f_{f}", "") for f in FILTERS}
        return [r.cu.pk for r in bulk.unit_rows(campaign, filters)]
    return [int(v) for v in post.getlist("cu") if v.isdigit()]


def campaign_units(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the filtered list (office roles of the region). POST: a bulk action (office writers)."""
    campaign = sel.campaign_for(request.user, pk)
    can_write = cs.is_writer(request.user, campaign.region)
    results, errors, post = None, [], request.POST
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("只有本区划的编办工作人员可以进行批量操作。")
        params = {
            "on_behalf_reason": post.get("on_behalf_reason", ""),
            "posted_on": _date(post.get("posted_on")),
            "removed_on": _date(post.get("removed_on")),
            "place": post.get("place", ""),
        }
        try:
            results = bulk.bulk_apply(
                campaign, _targets(request, campaign), post.get("action", ""), request.user, params
            )
        except ValidationError as exc:
            errors = exc.messages
    source = post if request.method == "POST" else request.GET
    filters = {f: source.get(f"f_{f}" if request.method == "POST" else f, "") for f in FILTERS}
    rows = bulk.unit_rows(campaign, filters)
    context = {
        "campaign": campaign,
        "rows": rows,
        "filters": filters,
        "can_write": can_write,
        "results": results,
        "done": sum(r.done for r in results or []),
        "refused": sum(not r.done for r in results or []),
        "errors": errors,
        "actions": bulk.ACTIONS,
        "reasons": ProxyReason.values,
        "stages": [*campaign.stages, Stage.DONE],
        "natures": [n for n in Nature.values if n != Nature.DIVISION],
        "systems": System.values,
        "townships": bulk.townships(campaign),
        "post": post,
    }
    return render(request, "verification/campaign/units.html", context)
