from django.contrib import admin

from bianzhi.admin import ReadOnlyAdmin
from keytasks.models import Attachment, KeyTask, ProgressEntry, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    readonly_fields = ["order", "name", "planned_start", "planned_end", "done_on", "note"]
    can_delete = False


@admin.register(KeyTask)
class KeyTaskAdmin(ReadOnlyAdmin):
    """Read-only here: key tasks are kept on the 重点工作台账 pages (every change audited there)."""

    list_display = ("name", "kind", "region", "lead", "starts_on", "due_on", "status", "completed_on")
    list_filter = ("status", "kind")
    search_fields = ("name", "goal", "lead")
    inlines = [StageInline]
    readonly_fields = [f.name for f in KeyTask._meta.fields] + ["documents"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(ReadOnlyAdmin):
    list_display = ("task", "occurred_on", "recorded_by_name", "recorded_at")
    readonly_fields = [f.name for f in ProgressEntry._meta.fields] + ["documents"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "entry", "size", "uploaded_at")
    readonly_fields = [f.name for f in Attachment._meta.fields]
