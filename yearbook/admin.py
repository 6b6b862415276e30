from django.contrib import admin

from bianzhi.admin import ReadOnlyAdmin
from yearbook.models import YearReport


@admin.register(YearReport)
class YearReportAdmin(ReadOnlyAdmin):
    """Kept reports are read-only here: they are generated, read and sent from the 统计年报 pages (the
    tables themselves are shown there, not as raw JSON)."""

    list_display = (
        "region",
        "year",
        "version",
        "status",
        "generated_by_name",
        "generated_at",
        "submitted_at",
    )
    list_filter = ("status", "year")
    exclude = ("tables",)
