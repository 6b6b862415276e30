from django.contrib import admin

from yearbook.models import YearReport


@admin.register(YearReport)
class YearReportAdmin(admin.ModelAdmin):
    """Kept reports are read-only here: they are generated and sent from the 统计年报 pages."""

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
    readonly_fields = [f.name for f in YearReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
