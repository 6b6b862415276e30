"""The PDFs of 监督检查 (A4, CJK font, via ``bianzhi.lib.pdf.render_pdf``, every print audited): the
整改通知书, the year's statistics and the list of closed 举报 (these two for 年度归档). The reporter never
appears in a print."""

from __future__ import annotations

from bianzhi.lib.pdf import render_pdf
from supervision import selectors
from supervision.models import Notice


def notice_pdf(notice: Notice, *, actor, action: str = "监督.打印整改通知书") -> bytes:
    setting = selectors.setting_of(notice.region)
    context = {
        "notice": notice,
        "findings": notice.findings.all(),
        "office": f"中共{notice.region.name}委机构编制委员会办公室",
        "phones": setting.phones if setting.show_on_notices else "",
    }
    return render_pdf(
        "supervision/print/notice.html",
        context,
        actor=actor,
        action=action,
        target=notice,
        region=notice.region,
    )


def statistics_pdf(region, year: int, *, actor) -> bytes:
    context = {"region": region, "s": selectors.statistics(region, year)}
    return render_pdf(
        "supervision/print/statistics.html", context, actor=actor, action="监督.打印统计表", region=region
    )


def closed_reports_pdf(region, year: int, *, actor) -> bytes:
    context = {"region": region, "year": year, "reports": selectors.closed_reports(region, year)}
    return render_pdf(
        "supervision/print/closed_reports.html",
        context,
        actor=actor,
        action="监督.打印举报办结情况",
        region=region,
    )
