from django.contrib import admin

from archives.models import Document, DocumentFile
from bianzhi.admin import ReadOnlyAdmin


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "issuer", "issued_on", "kind")
    search_fields = ("number", "title", "issuer")


admin.site.register(DocumentFile, ReadOnlyAdmin)
