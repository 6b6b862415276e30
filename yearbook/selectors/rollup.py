"""The 统计年报 of a city or province (issue 17): the sum of the tables of every county below it for the
year, each county's from its kept version (the one sent — 已报送 — else its newest), or computed live from
its register when it kept none; the upper region's own units (本级, e.g. 市直) are computed live. Which
source each part came from is kept with the tables (``parts``). Counting tables are summed row by row (a
row is matched by its leading text cells); list tables (本年机构设立、撤销和合并, 编制调整) are joined
with a leading 区划 column."""

from __future__ import annotations

import datetime as dt

from bianzhi.models import Region, RegionLevel
from units.models import Unit
from yearbook.choices import ReportStatus
from yearbook.models import YearReport
from yearbook.selectors.tables import TOTAL, build_tables, step

KEPT = "已报送"
LATEST = "最新版本（未报送）"
LIVE = "实时计算（未生成年报）"
OWN = "本级（实时计算）"


def regions_below(region: Region) -> list[Region]:
    """The region and every region below it, in code order: one query over the region table (about 120
    rows for a province), walked in memory."""
    rows = list(Region.objects.order_by("code"))
    children: dict[int, list[Region]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    out, stack = [], [region]
    while stack:
        r = stack.pop()
        out.append(r)
        stack.extend(children.get(r.pk, []))
    return sorted(out, key=lambda r: r.code)


def kept_versions(region_ids: list[int], year: int) -> dict[int, YearReport]:
    """Per county: the version sent (已报送), else the newest kept version — one query."""
    out: dict[int, YearReport] = {}
    for report in YearReport.objects.filter(region_id__in=region_ids, year=year).order_by("version"):
        current = out.get(report.region_id)
        if current is None or current.status != ReportStatus.SUBMITTED:
            out[report.region_id] = report
    return out


def parts_of(region: Region, year: int, progress=None) -> list[dict]:
    """What the upper region's report sums: one part per county (kept or live) and per upper region with
    units of its own (live). Each part: region, source label, version (or None), tables. ``progress``:
    a background job's, told a stage per region."""
    below = regions_below(region)
    counties = [r for r in below if r.level == RegionLevel.COUNTY]
    uppers = [r for r in below if r.level != RegionLevel.COUNTY]
    kept = kept_versions([c.pk for c in counties], year)
    with_units = set(Unit.objects.filter(region__in=uppers).values_list("region_id", flat=True).distinct())
    parts = []
    for i, r in enumerate(below, start=1):
        step(progress, f"汇总{r.name}（第{i}个，共{len(below)}个区划）", i, len(below))
        if r.level == RegionLevel.COUNTY:
            report = kept.get(r.pk)
            if report is not None:
                source = KEPT if report.status == ReportStatus.SUBMITTED else LATEST
                parts.append(
                    {"region": r, "source": source, "version": report.version, "tables": report.tables}
                )
            else:
                parts.append({"region": r, "source": LIVE, "version": None, "tables": build_tables(r, year)})
        elif r.pk in with_units:
            parts.append({"region": r, "source": OWN, "version": None, "tables": build_tables(r, year)})
    return parts


def _add(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    return a if a not in ("", None) else b


def sum_tables(parts: list[dict], year: int) -> dict:
    """The tables of the parts summed (see the module docstring), with the summary summed and the parts
    named (region, code, source, version)."""
    tables: list[dict] = []
    index: dict[str, dict] = {}
    summary: dict = {}
    for part in parts:
        name = part["region"].name
        for table in part["tables"]["tables"]:
            mine = index.get(table["key"])
            if table.get("total") is None:  # a list: joined, each row led by its region
                if mine is None:
                    mine = index[table["key"]] = dict(table, head=[["区划", []], *table["head"]])
                    mine["text_cols"] = table["text_cols"] + 1
                    mine["rows"] = []
                    tables.append(mine)
                mine["rows"] += [[name, *row] for row in table["rows"]]
                continue
            if mine is None:
                mine = index[table["key"]] = dict(table, rows=[list(r) for r in table["rows"]])
                mine["total"] = list(table["total"])
                mine["_by"] = {tuple(r[: table["text_cols"]]): r for r in mine["rows"]}
                tables.append(mine)
                continue
            n = table["text_cols"]
            for row in table["rows"]:
                key = tuple(row[:n])
                if key in mine["_by"]:
                    target = mine["_by"][key]
                    target[n:] = [_add(x, y) for x, y in zip(target[n:], row[n:], strict=False)]
                else:
                    mine["_by"][key] = new = list(row)
                    mine["rows"].append(new)
            mine["total"][n:] = [
                _add(x, y) for x, y in zip(mine["total"][n:], table["total"][n:], strict=False)
            ]
        for key, value in part["tables"].get("summary", {}).items():
            if isinstance(value, dict):
                before = summary.get(key, {})
                summary[key] = {k: before.get(k, 0) + value.get(k, 0) for k in {**before, **value}}
            elif isinstance(value, int):
                summary[key] = summary.get(key, 0) + value
    for table in tables:
        table.pop("_by", None)
        if table.get("total"):
            table["total"][0] = TOTAL
    return {
        "year": year,
        "as_of": dt.date(year, 12, 31).isoformat(),
        "tables": tables,
        "summary": summary,
        "parts": [
            {
                "region": p["region"].name,
                "code": p["region"].code,
                "source": p["source"],
                "version": p["version"],
            }
            for p in parts
        ],
    }


def rollup_tables(region: Region, year: int, progress=None) -> dict:
    """The upper region's 统计年报 tables for ``year`` (what ``report_generate`` keeps for a city or
    province); ``progress``: a background job's, told a stage per region summed."""
    parts = parts_of(region, year, progress)
    step(progress, "合计各区划", 1, 1)
    return sum_tables(parts, year)
