"""Comparison runs: start one, the list, a run's result page and its result workbook."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bianzhi.downloads import serve_stored
from bianzhi.lib.http import XLSX, download, paginate
from bianzhi.roles import require
from units.selectors import acting_regions
from verification.compare.data import SOURCE_LABEL
from verification.compare.engine import CODES
from verification.findings import exports, selectors, services
from verification.findings.forms import RunForm


@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "run_comparison")
    form = RunForm(request.POST, regions=acting_regions(request.user))
    if not form.is_valid():
        messages.error(request, "请选择区划并填写有效的数据采集时间节点。")
        return redirect("verification:index")
    try:
        run = services.comparison_run(
            region=form.cleaned_data["region"], actor=request.user, cutoff=form.cleaned_data["cutoff"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("verification:index")
    messages.success(
        request,
        f"比对完成：共 {run.finding_count} 个问题，新增 {run.new_count} 个，消失 {run.gone_count} 个。",
    )
    return redirect("verification:run_detail", pk=run.pk)


def run_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    page = paginate(request, selectors.run_listing(request.user))
    return render(request, "verification/run_list.html", {"page": page})


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    by_code, by_source = run.counts.get("by_code", {}), run.counts.get("by_source", {})
    latest = selectors.latest_runs().get(run.region_id) == run.pk
    context = {
        "run": run,
        "latest": latest,
        "codes": [(c, t, by_code[c]) for c, t in CODES.items() if by_code.get(c)],
        "sources": [(s, SOURCE_LABEL[s], n) for s, n in by_source.items()],
        "stats": [(SOURCE_LABEL.get(s, s), v) for s, v in run.stats.items()],
        "uploads": run.uploads.all(),
        "still_open": run.finding_count - run.new_count,
        "crumbs": [
            ("数据比对", reverse("verification:index")),
            ("比对记录", reverse("verification:run_list")),
        ],
    }
    return render(request, "verification/run_detail.html", context)


def run_download(request: HttpRequest, pk: int) -> FileResponse:
    """The run's full result workbook (问题清单, 比对概况, 附件2–5): office roles only, audited."""
    run = selectors.run_for(request.user, pk)
    require(request.user, "export")
    if not run.result_file:
        raise Http404("该批次没有结果工作簿。")
    if not run.result_file.storage.exists(run.result_file.name):
        raise Http404("结果工作簿已丢失，请重新比对。")
    masked = exports.run_result_download(run=run, actor=request.user)
    name = f"比对结果{run.region.code}_{timezone.localtime(run.started_at):%Y%m%d%H%M}.xlsx"
    if masked is not None:  # ID numbers masked for this user (bianzhi.lib.idnumbers.full_ids)
        return download(masked, name, XLSX)
    return serve_stored(
        run.result_file, filename=name, content_type=XLSX, missing="结果工作簿已丢失，请重新比对。"
    )
