"""The year's statistics workbook (xlsx), audited. The 举报 sheet carries the reporter only for a user
holding ``view_reporter``; for anyone else the columns are not there at all."""

from __future__ import annotations

from django.utils import timezone

from bianzhi import audit
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name, can
from supervision import selectors


def statistics_xlsx(region, year: int, *, actor) -> bytes:
    day = timezone.localdate()
    s = selectors.statistics(region, year, day)
    si = s["si"] or {}
    summary = [
        ("受理举报（件）", s["received"]),
        ("办结（件）", s["closed"]),
        ("按期办结（件）", s["closed_in_time"]),
        ("不予受理（件）", s["refused"]),
        ("逾期（件）", s["overdue"]),
        ("办理中（件）", s["open"]),
        ("自查单位（个）", si.get("total", 0)),
        ("已报送自查（个）", si.get("answered", 0)),
        ("自查报送率", f"{si['rate']:.1%}" if si.get("rate") is not None else "—"),
        ("检查次数", s["inspections"]),
        ("确认问题（个）", s["findings_total"]),
        ("整改通知书（份）", s["notices"]),
        ("已整改销号（份）", s["notices_closed"]),
        ("整改中（份）", s["notices_open"]),
    ]
    full = can(actor, "view_reporter", region=region)
    headers = [
        "编号",
        "来源",
        "受理日期",
        "被举报单位",
        "问题类别",
        "状态",
        "办理期限",
        "办结日期",
        "是否逾期",
    ]
    if full:
        headers += ["举报人", "联系方式"]
    rows = []
    for r in selectors.reports_of_year(region, year):
        row = [
            r.number,
            r.source,
            r.received_on,
            r.unit.name if r.unit else "",
            r.get_matter_display(),
            r.get_status_display(),
            r.due,
            r.closed_on,
            "是" if r.overdue_on(day) else "否",
        ]
        if full:
            row += ["匿名" if r.anonymous else r.reporter_name, r.reporter_contact]
        rows.append(row)
    sheets = [
        SheetSpec(name="统计", headers=["项目", "数量"], rows=summary, widths={1: 24, 2: 12}),
        SheetSpec(
            name="问题类别",
            headers=["问题类别", "举报（件）", "检查确认问题（个）"],
            rows=[(label, n, dict(s["findings"]).get(label, 0)) for label, n in s["by_matter"]],
        ),
        SheetSpec(name="举报受理", headers=headers, rows=rows),
    ]
    data = workbook_bytes(sheets, exported_by=actor_name(actor), note=f"{region.name}{year}年度监督检查统计")
    audit.record(
        actor=actor,
        action="监督.导出统计",
        region=region,
        target_repr=f"{year}年度监督检查统计",
        after={"year": year, "reports": len(rows), "reporter": full},
    )
    return data
