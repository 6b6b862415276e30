from django.apps import apps
from django.contrib import admin

from bianzhi.admin import ReadOnlyAdmin
from registration.models import RECORD_FIELDS, Application, RegistrationRecord


@admin.register(RegistrationRecord)
class RegistrationRecordAdmin(ReadOnlyAdmin):
    """Read-only: registrations change only through approved applications (services)."""

    list_display = ("name", "credit_code", "certificate_number", "status", "valid_to", "reissue_count")
    list_filter = ("status",)
    search_fields = ("name", "credit_code", "certificate_number")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("unit", "kind", "status", "filed_by_name", "created_at", "decided_at")
    list_filter = ("kind", "status")
    search_fields = ("unit__name",)

    def get_fields(self, request, obj=None):
        return [
            f"{f}_shown" if f in ("data", "returned_reasons") else f for f in super().get_fields(request, obj)
        ]

    @admin.display(description="申请登记事项")
    def data_shown(self, obj):
        return "；".join(f"{RECORD_FIELDS.get(k, k)}：{v}" for k, v in (obj.data or {}).items()) or "—"

    @admin.display(description="退回理由及需补正材料")
    def returned_reasons_shown(self, obj):
        return "；".join(obj.returned_reasons or []) or "—"


# Every other model of the app, read-only: written through the services only.
for model in apps.get_app_config("registration").get_models():
    if not admin.site.is_registered(model):
        admin.site.register(model, ReadOnlyAdmin)
