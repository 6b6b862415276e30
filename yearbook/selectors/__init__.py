"""Every read of the 统计年报, scoped to the user: office roles of the report's region see its kept
reports; anyone else gets 404 for a report (a list page is refused by the view's guard first).

``state``: the register at a date; ``tables``: the tables computed from it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.models import Region
from units.selectors import acting_regions, regions_for
from yearbook.choices import ReportStatus
from yearbook.models import YearReport
from yearbook.selectors.tables import TOTAL, build_tables, leaves  # noqa: F401


def reports_for(user) -> QuerySet[YearReport]:
    """The kept reports of the user's regions (none for anyone but office roles)."""
    return YearReport.objects.filter(region__in=regions_for(user)).select_related("region")


def reports_filtered(user, q: str = "") -> QuerySet[YearReport]:
    qs = reports_for(user).order_by("-year", "region__code", "-version")
    q = (q or "").strip()
    if q:
        year = q.removesuffix("年度").removesuffix("年")
        qs = (
            qs.filter(year=int(year))
            if year.isdigit() and len(year) == 4
            else qs.filter(region__name__contains=q)
        )
    return qs


def report_for(user, pk) -> YearReport:
    try:
        return reports_for(user).select_related("generated_by", "submitted_by", "archive_entry").get(pk=pk)
    except (YearReport.DoesNotExist, ValueError):
        raise Http404("没有找到该统计年报。") from None


def office_regions(user) -> QuerySet[Region]:
    """The regions whose 统计年报 the user generates: their own (a city's: its own, which sums its
    counties — ``selectors.rollup``), never a county below them."""
    return acting_regions(user).order_by("code")


def versions_of(report: YearReport) -> QuerySet[YearReport]:
    """Every kept version of the report's year and region, newest first."""
    return YearReport.objects.filter(region_id=report.region_id, year=report.year).order_by("-version")


def latest(region, year: int) -> YearReport | None:
    return YearReport.objects.filter(region=region, year=year).order_by("-version").first()


def previous_year(report: YearReport) -> YearReport | None:
    """Last year's kept report to compare with: the one sent (报送), else the newest version."""
    qs = YearReport.objects.filter(region_id=report.region_id, year=report.year - 1)
    return qs.filter(status=ReportStatus.SUBMITTED).first() or qs.order_by("-version").first()


def _figures(table: dict) -> dict[tuple[str, str, str], int]:
    """(row label, group, sub) → figure, for a table whose figures are compared (合计 row included)."""
    cols = leaves(table)[table["text_cols"] :]
    out = {}
    for row in [*table["rows"], *([table["total"]] if table.get("total") else [])]:
        label = row[0]
        for (group, sub), value in zip(cols, row[table["text_cols"] :], strict=False):
            out[(label, group, sub)] = value
    return out


def comparison(report: YearReport, previous: YearReport | None) -> list[dict]:
    """Per compared table: each figure this year, last year (None without last year's report) and the
    change, in the table's order; figures zero in both years are left out."""
    before = {t["key"]: t for t in (previous.tables["tables"] if previous else [])}
    out = []
    for table in report.tables["tables"]:
        if not table.get("compare"):
            continue
        last = _figures(before[table["key"]]) if table["key"] in before else {}
        lines = []
        for key, value in _figures(table).items():
            old = last.get(key) if previous else None
            if not value and not old:
                continue
            change = None if old is None else value - old
            label, group, sub = key
            column = group if group == sub else f"{group}·{sub}"
            lines.append({"row": label, "column": column, "value": value, "last": old, "change": change})
        out.append({"title": table["title"], "lines": lines})
    return out


def shown(report: YearReport) -> list[dict]:
    """The kept tables ready to draw: the two header rows (group cells with colspan/rowspan, then the
    subs), rows and 合计 row, each cell with whether it is a figure (right-aligned)."""
    out = []
    for i, table in enumerate(report.tables["tables"], start=1):
        top = [(g, len(subs) or 1, 1 if subs else 2) for g, subs in table["head"]]
        subs = [s for _g, ss in table["head"] for s in ss]
        n = table["text_cols"]
        rows = [[(v, j >= n) for j, v in enumerate(r)] for r in table["rows"]]
        total = [(v, j >= n) for j, v in enumerate(table["total"])] if table.get("total") else None
        out.append(
            {
                "index": i,
                "key": table["key"],
                "title": table["title"],
                "paper": table["paper"],
                "top": top,
                "subs": subs,
                "rows": rows,
                "total": total,
                "note": table.get("note", ""),
                "width": len(leaves(table)),
            }
        )
    return out
