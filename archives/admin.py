from django.contrib import admin

from archives.models import (
    CatalogueClass,
    DedicatedEntry,
    DedicatedFile,
    Document,
    DocumentFile,
    MinuteEntry,
    Request,
    RequestStep,
)
from bianzhi.admin import ReadOnlyAdmin


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Read-only: Documents are written by services, withdrawn with a reason, never deleted."""

    list_display = ("number", "title", "issuer", "issued_on", "kind", "status", "box_number")
    list_filter = ("status", "retention", "kind")
    search_fields = ("number", "title", "issuer")


@admin.register(CatalogueClass)
class CatalogueClassAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "parent", "is_active")


for model in (DocumentFile, DedicatedFile, DedicatedEntry, MinuteEntry, Request, RequestStep):
    admin.site.register(model, ReadOnlyAdmin)
