"""The findings (比对问题): the filtered list and its export, a finding's page, the answer of the unit's
liaison or of the partner department whose data it is on, the office's decision, an answer's attachment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.downloads import item_download
from bianzhi.lib.http import PER_PAGE, add_errors, download
from bianzhi.roles import can, require
from units.views import background
from verification.compare.data import SOURCE_LABEL
from verification.compare.engine import CODES
from verification.findings import selectors, services
from verification.findings.forms import AnswerForm, DecideForm, FindingFilterForm
from verification.findings.models import AnswerKind, Finding, FindingAnswer, FindingStatus
from verification.jobs import FINDINGS_KIND, filtered_findings, findings_file, findings_size, query_of


def _filtered(
    request: HttpRequest, latest: dict[int, int]
) -> tuple[QuerySet[Finding], QuerySet[Finding], FindingFilterForm, dict]:
    """(findings filtered, filtered except by code — for the counts per code, the form, the filters used)."""
    return filtered_findings(request.user, request.GET, latest)


def _presence(finding: Finding, latest: dict[int, int]) -> str:
    run_id = latest.get(finding.region_id)
    if finding.last_run_id != run_id:
        return "已消失"
    return "本次新增" if finding.first_run_id == run_id else "仍存在"


def finding_list(request: HttpRequest) -> HttpResponse:
    if not selectors.sees_findings(request.user):
        require(request.user, "view_registry")
    latest = selectors.latest_runs(request.user)
    findings, by_code, form, used = _filtered(request, latest)
    counts = selectors.code_counts(by_code)
    paginator = Paginator(findings.order_by("code", "unit_name", "id"), PER_PAGE)
    # the counts per code already give the total: spare the paginator its COUNT(*)
    paginator.count = counts.get(used["code"], 0) if used.get("code") else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        (f, _presence(f, latest), CODES.get(f.code, f.code), SOURCE_LABEL.get(f.source, f.source))
        for f in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "counts": [(c, t, counts[c]) for c, t in CODES.items() if counts.get(c)],
        "total": sum(counts.values()),
        "code": used.get("code", ""),
        "townships": selectors.finding_townships(request.user),
    }
    return render(request, "verification/finding_list.html", context)


def finding_export(request: HttpRequest) -> HttpResponse:
    """问题清单 of the list's filters: at once, or over ``JOBS_INLINE_MAX_ROWS`` findings (and on POST)
    as a background job (``verification.jobs``), offered first by a page (a GET writes nothing)."""
    require(request.user, "export")
    query = query_of(request.GET)
    rows = findings_size(request.user, query)
    if request.method == "POST" or background.too_big(rows):
        back = reverse("verification:finding_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
        return background.offer(
            request,
            kind=FINDINGS_KIND,
            params={"query": query},
            label="导出比对问题清单",
            rows=rows,
            noun="条",
            crumbs=[("数据比对", reverse("verification:index")), ("比对问题", back)],
            back=back,
        )
    return download(findings_file(request.user, query), "比对问题清单.xlsx", stamp=True)


def _detail_context(request: HttpRequest, finding: Finding, **forms: Form) -> dict[str, Any]:
    user = request.user
    open_or_explained = finding.status in (FindingStatus.OPEN, FindingStatus.EXPLAINED)
    can_answer = selectors.may_answer(user, finding)
    can_decide = can(user, "run_comparison", region=finding.region_id)
    pending = selectors.pending_answer(finding) if can_decide else None
    return {
        "finding": finding,
        "title": CODES.get(finding.code, finding.code),
        "source_label": SOURCE_LABEL.get(finding.source, finding.source),
        "presence": _presence(finding, selectors.latest_runs()),
        "events": selectors.finding_events(finding),
        "answers": selectors.finding_answers(finding),
        "answer_form": forms.get("answer_form", AnswerForm()) if can_answer else None,
        "pending": pending,
        "decide_form": forms.get("decide_form", DecideForm(initial=_decide_initial(pending)))
        if can_decide and open_or_explained
        else None,
        "can_reopen": can_decide and finding.status in (FindingStatus.FIXED, FindingStatus.UNFOUNDED),
        "can_share": selectors.shareable(user, finding),
        "crumbs": [
            ("数据比对", reverse("verification:index")),
            ("比对问题", reverse("verification:finding_list")),
        ],
    }


def _decide_initial(pending: FindingAnswer | None) -> dict[str, str]:
    """An answer reporting the data corrected (已整改) proposes 接受：已整改; the office still chooses."""
    return {"decision": FindingStatus.FIXED} if pending and pending.kind == AnswerKind.FIXED else {}


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    return render(request, "verification/finding_detail.html", _detail_context(request, finding))


def finding_answer(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    if request.method != "POST":
        return redirect("verification:finding_detail", pk=finding.pk)
    # the selector keeps a liaison to their units' findings, a partner clerk to its source's
    require(request.user, "answer_findings")
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.finding_answer(
                finding=finding,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "答复已提交，等待编办审核。")
            return redirect("verification:finding_detail", pk=finding.pk)
    context = _detail_context(request, finding, answer_form=form)
    return render(request, "verification/finding_detail.html", context, status=400)


def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    if request.method != "POST":
        return redirect("verification:finding_detail", pk=finding.pk)
    require(request.user, "run_comparison", region=finding.region_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.finding_decide(
                finding=finding,
                accept=decision != "return",
                outcome=decision if decision != "return" else FindingStatus.FIXED,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已退回，等待单位重新说明。" if decision == "return" else "已审核。")
            return redirect("verification:finding_detail", pk=finding.pk)
    context = _detail_context(request, finding, decide_form=form)
    return render(request, "verification/finding_detail.html", context, status=400)


def finding_share(request: HttpRequest, pk: int) -> HttpResponse:
    """共享给协作部门: the partner clerks of the finding's source see it from now on (audited). POST only;
    a GET goes back to the finding (after the scope check, so another unit's liaison gets 404)."""
    finding = selectors.finding_for(request.user, pk)
    if request.method != "POST":
        return redirect("verification:finding_detail", pk=finding.pk)
    require(request.user, "run_comparison", region=finding.region_id)
    try:
        services.finding_share(finding=finding, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已共享给报送数据的协作部门。")
    return redirect("verification:finding_detail", pk=finding.pk)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An answer's attachment, served through the finding's scope (never from /media/); audited."""
    item = selectors.attachment_for(request.user, pk)
    return item_download(item, actor=request.user, region=item.answer.finding.region)
