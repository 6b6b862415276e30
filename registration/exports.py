"""The year's 年度报告 list as an Excel workbook (who is due, who has filed, who has not), audited."""

from __future__ import annotations

from bianzhi import audit
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name

HEADERS = ["序号", "单位名称", "统一社会信用代码", "证书号", "报送情况", "提交时间", "是否逾期"]
WIDTHS = {1: 6, 2: 36, 3: 22, 4: 24, 5: 10, 6: 18, 7: 10}


def year_xlsx(year: int, rows: list, *, actor, region) -> bytes:
    """``rows``: ``selectors.year_rows`` (already filtered the way the page shows them)."""
    lines = [
        [
            n,
            row.record.name,
            row.record.credit_code,
            row.record.certificate_number,
            row.state,
            row.report.submitted_at.strftime("%Y-%m-%d %H:%M")
            if row.report and row.report.submitted_at
            else "",
            "逾期" if row.late else "",
        ]
        for n, row in enumerate(rows, 1)
    ]
    title = f"{year}年度事业单位年度报告报送情况"
    data = workbook_bytes(
        [SheetSpec(name="年度报告", headers=HEADERS, rows=lines, widths=WIDTHS)],
        exported_by=actor_name(actor),
        note=title,
    )
    audit.record(
        actor=actor,
        action="事业单位登记.导出年报情况",
        region=region,
        target_repr=title,
        after={"文件": f"{title}.xlsx", "条数": len(lines)},
    )
    return data
