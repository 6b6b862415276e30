"""The 统计年报 printed: every table on A3 landscape pages, header rows repeated on each page."""

from __future__ import annotations

from bianzhi.lib.pdf import render_pdf
from yearbook.models import YearReport
from yearbook.selectors import shown


def report_pdf(report: YearReport, *, actor) -> bytes:
    context = {"report": report, "tables": shown(report), "title": report.title}
    return render_pdf(
        "yearbook/print/report.html",
        context,
        actor=actor,
        action="统计年报.打印",
        target=report,
        region=report.region,
    )
