"""The self-check as ONE form saved as a whole (issue 12 point 6): every answer and explanation in one
POST, "保存" (a draft) or "提交"; a refusal re-shows every typed value, nothing saved. The unit's liaison
fills it in; the office fills it in on the unit's behalf (代填) with the reason. And its print."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.lib.http import download
from bianzhi.lib.pdf import render_pdf
from units.services.common import authorize_unit
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.forms import SelfCheckForm
from verification.campaign.models import Stage
from verification.campaign.proxy import proxy_notes, units_with_liaison
from verification.campaign.views._common import act


def cu_selfcheck(request: HttpRequest, pk: int) -> HttpResponse:
    cu = sel.campaign_unit_for(request.user, pk)
    user = request.user
    authorize_unit(user, cu.unit, capability="run_campaign")
    proxy = not sel.is_liaison(user, cu)
    form = SelfCheckForm(request.POST or None, cu=cu, proxy=proxy)
    if request.method == "POST":
        submit = form.is_valid() and form.cleaned_data["submit"]
        done = "自查已提交，进入群众监督环节。" if submit else "自查已保存（草稿），可继续修改后提交。"
        if proxy:
            done = "已代填并提交自查，进入群众监督环节。" if submit else "已保存代填的自查。"
        return act(
            request,
            form,
            lambda d: cs.selfcheck_save(
                cu=cu,
                answers=form.answers(),
                on_behalf_reason=d.get("on_behalf_reason", ""),
                submit=submit,
                actor=user,
            ),
            done,
            to=("verification:cu_detail", cu.pk),
            invalid=lambda bound: _page(request, cu, bound),
        )
    return _page(request, cu, form)


def _page(request: HttpRequest, cu, form) -> HttpResponse:
    context = {
        "cu": cu,
        "campaign": cu.campaign,
        "form": form,
        "has_liaison": bool(units_with_liaison([cu.unit_id])),
        "window": sel.window(cu.campaign, Stage.SELF_CHECK),
        "is_writer": sel.is_writer(request.user, cu.campaign.region),
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
    return download(data, f"{cu.name}单位自查表.pdf")
