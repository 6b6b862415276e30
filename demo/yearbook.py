"""The demo county's 统计年报: last year's report generated and kept (version 1), so that the office can
read it, compare the next one with it, and send it (报送)."""

from __future__ import annotations

import datetime as dt

from yearbook.services import report_generate


def seed(region, *, today: dt.date, actor=None) -> dict:
    """Generate last year's report (as of its 12-31) for ``region``; ``actor`` defaults to the system."""
    report = report_generate(
        region=region, year=today.year - 1, actor=actor, note="演示数据：上年度统计年报", today=today
    )
    return {"yearbook": f"{report.year}年度统计年报（第{report.version}版）"}
