"""Pages of the jobs app (no query here: reads go through selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bianzhi.downloads import stored_download
from bianzhi.lib.http import paginate
from bianzhi.roles import can, require
from jobs import selectors, services
from jobs.forms import JobCancelForm, JobSearchForm, JobSettingForm
from jobs.models import JobStatus

CRUMBS = [("后台任务", "jobs:job_list")]
MISSING = "结果文件已丢失，请重新提交任务。"
WAITING_LONG_SECONDS = 120
OWNER_ONLY = "结果文件按提交人的权限生成，只有提交人可以下载。"


def _crumbs():
    return [(label, reverse(name)) for label, name in CRUMBS]


def job_list(request: HttpRequest) -> HttpResponse:
    """My jobs, and for office roles their regions' jobs; searchable by label, owner and status."""
    form = JobSearchForm(request.GET or None)
    q = status = ""
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = paginate(request, selectors.job_listing(request.user, q=q, status=status))
    running = any(not job.finished for job in page)
    return render(request, "jobs/job_list.html", {"page": page, "form": form, "running": running})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    may_cancel = not job.finished and (
        job.owner_id == request.user.pk or can(request.user, "override", region=job.region_id)
    )
    waited = (timezone.now() - job.created_at).total_seconds() if job.status == JobStatus.QUEUED else 0
    context = {
        "job": job,
        "may_cancel": may_cancel,
        "waiting_long": waited > WAITING_LONG_SECONDS,
        "crumbs": _crumbs(),
        "title": job.label,
    }
    return render(request, "jobs/job_detail.html", context)


def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The job's result file: its owner's only (made with the owner's rights: full ID numbers, the owner's
    scope), audited (下载); never a public media URL. Colleagues of the region see the job, not the file."""
    job = selectors.job_for(request.user, pk)
    if not job.result_file:
        raise Http404("该任务没有结果文件。")
    if job.owner_id != request.user.pk:  # the file was made with its owner's rights (full ID numbers …)
        return render(request, "403.html", {"exception": OWNER_ONLY}, status=403)
    return stored_download(
        job.result_file,
        actor=request.user,
        filename=job.result_name or job.result_file.name.rsplit("/", 1)[-1],
        missing=MISSING,
        target=job,
        region=job.region,
    )


def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """POST only (405 for a GET of a job in scope; 404 outside it, as for the page)."""
    job = selectors.job_for(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not JobCancelForm(request.POST).is_valid():
        messages.error(request, "请勾选“确认取消此任务”后再提交。")
        return redirect("jobs:job_detail", pk=job.pk)
    try:
        job = services.job_cancel(job, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if job.finished:
            messages.success(request, "任务已取消。")
        else:
            messages.success(request, "已请求取消：任务将在下一次报告进度时停止，不写入任何数据。")
    return redirect("jobs:job_detail", pk=job.pk)


def job_settings(request: HttpRequest) -> HttpResponse:
    """The size above which imports run as jobs (site-wide and per region): the 系统管理员's."""
    require(request.user, "manage_users")
    form = JobSettingForm(request.POST or None, regions=selectors.regions())
    if request.method == "POST" and form.is_valid():
        services.job_setting_save(
            actor=request.user,
            region=form.cleaned_data["region"],
            import_queue_kb=form.cleaned_data["import_queue_kb"],
        )
        messages.success(request, "已保存。")
        return redirect("jobs:job_settings")
    context = {
        "form": form,
        "rows": selectors.settings_listing(),
        "default_kb": selectors.DEFAULT_IMPORT_QUEUE_KB,
        "crumbs": _crumbs(),
        "title": "后台任务设置",
    }
    return render(request, "jobs/job_settings.html", context)
