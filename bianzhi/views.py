"""Project-wide pages that belong to no app: the CSRF failure page (settings.CSRF_FAILURE_VIEW)."""

from __future__ import annotations

from django.shortcuts import render

CSRF_FAILED = "页面已过期，请刷新后重试。"


def csrf_failure(request, reason: str = ""):
    """CsrfViewMiddleware's refusal, in Chinese (the reason stays in the log, not on the page)."""
    return render(request, "403.html", {"exception": CSRF_FAILED, "csrf_failed": True}, status=403)
