"""Writes of the 统计年报: generate (a new kept version), send (报送: filed in the 独立档案)."""

from yearbook.services.reports import report_generate, report_submit  # noqa: F401
