"""Pages of the 统计年报."""

from yearbook.views.reports import (  # noqa: F401
    report_compare,
    report_detail,
    report_export,
    report_generate,
    report_list,
    report_print,
    report_submit,
)
