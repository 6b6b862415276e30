from django.contrib import admin

from bianzhi import workdays
from bianzhi.models import AuditEntry, CalendarDay, CalendarYear, Profile, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    """Registry and audit rows are written only by services; the admin shows them read-only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "target_repr", "reason")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_repr", "action", "request_id")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "full_name", "department")
    filter_horizontal = ("regions",)


admin.site.site_header = "机构编制管理系统 · 后台"
admin.site.site_title = "机构编制管理系统"


class CalendarAdmin(admin.ModelAdmin):
    """The office keeps the official holiday arrangement here (chinesecalendar stops at 2026)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workdays.calendar_changed(_year_of(obj), actor=request.user)  # late flags follow

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        workdays.calendar_changed(_year_of(obj), actor=request.user)


def _year_of(obj) -> int:
    return obj.year if isinstance(obj, CalendarYear) else obj.date.year


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    list_display = ("year", "source")


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
