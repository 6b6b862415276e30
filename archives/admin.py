from django.apps import apps
from django.contrib import admin

from archives.models import CatalogueClass, Document
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


# Every other model of the archives, read-only: the archives are written through their services only.
for model in apps.get_app_config("archives").get_models():
    if not admin.site.is_registered(model):
        admin.site.register(model, ReadOnlyAdmin)
