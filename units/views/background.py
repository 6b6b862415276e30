"""Downloads too big for the request (issue 17): the page that offers to make them in the background.

Over ``JOBS_INLINE_MAX_ROWS`` rows a download link (a GET, which never writes) answers with a page that
says how many rows the file holds and offers 在后台生成 (a POST, with the CSRF token); the POST submits
the job (``jobs.services.job_submit``, audited 任务.提交) and goes to its page, which shows the progress
and, when done, the file. Below the size the views keep answering the file at once.

A background download is its owner's alone: the job is filed under no region, so neither its page nor
its file is shown to the region's other users (the file holds what the owner may see: their scope, and
ID numbers in full only for those who may read them)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jobs.services import job_submit
from units.jobs import inline_max_rows


def too_big(rows: int) -> bool:
    return rows > inline_max_rows()


def offer(
    request: HttpRequest,
    *,
    kind: str,
    params: dict,
    label: str,
    rows: int,
    crumbs: list[tuple[str, str]] | None = None,
    back: str = "",
    action: str = "",
    noun: str = "行",
) -> HttpResponse:
    """GET: the 在后台生成 page (nothing written); POST: submit the job and go to its page. The caller has
    already checked the user's rights (the job checks them again when it runs)."""
    if request.method == "POST":
        # filed under no region: only its owner sees the job and its file, which was cut to the owner's
        # scope and ID-number rights (a colleague of the region may have fewer: 编委领导 see IDs masked)
        job = job_submit(kind, actor=request.user, region=None, params=params, label=label)
        messages.success(request, f"已提交后台任务“{label}”，完成后在本页下载。")
        return redirect("jobs:job_detail", job.pk)
    context = {
        "title": label,
        "rows": rows,
        "noun": noun,
        "limit": inline_max_rows(),
        "crumbs": crumbs or [],
        "back": back,
        "action": action,
    }
    return render(request, "background_offer.html", context)
