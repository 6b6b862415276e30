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
from jobs import selectors as job_selectors
from jobs.services import job_submit
from units.selectors import acting_regions
from verification.compare.data import SOURCE_LABEL
from verification.compare.engine import CODES
from verification.findings import exports, selectors, services
from verification.findings.forms import RunForm
from verification.findings.tasks import KIND as COMPARE_KIND
from verification.findings.tasks import REGION_COMPARISONS


@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Queue the comparison of the chosen region (a background job: reading, comparing and recording
    140,000 findings outlasts a request); the job's page shows its progress and links the run."""
    require(request.user, "run_comparison")
    form = RunForm(request.POST, regions=acting_regions(request.user))
    if not form.is_valid():
        messages.error(request, "请选择区划并填写有效的数据采集时间节点。")
        return redirect("verification:index")
    region, cutoff = form.cleaned_data["region"], form.cleaned_data["cutoff"]
    running = job_selectors.active_job(REGION_COMPARISONS, region)
    if running is not None:
        messages.info(request, f"{region.name}的数据比对已在进行，请等待其完成。")
        return redirect("jobs:job_detail", pk=running.pk)
    try:
        services.comparison_precheck(region=region, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("verification:index")
    job = job_submit(
        COMPARE_KIND,
        actor=request.user,
        region=region,
        params={"cutoff": cutoff.isoformat() if cutoff else None},
        label=f"数据比对（{region.name}）",
    )
    messages.success(request, "比对已提交，在后台执行：本页显示进度，完成后链接到比对结果。")
    return redirect("jobs:job_detail", pk=job.pk)


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
