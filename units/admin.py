from django.contrib import admin
from guardian.admin import GuardedModelAdminMixin

from bianzhi.admin import ReadOnlyAdmin
from units.models import (
    LeaderPostQuota,
    Movement,
    Person,
    Quota,
    QuotaLimitEntry,
    SlipActRecord,
    Unit,
    UnitEvent,
)


@admin.register(Unit)
class UnitAdmin(GuardedModelAdminMixin, ReadOnlyAdmin):
    """Read-only: units change only through the services (web forms, imports). Object permissions
    (which liaison may act for the unit) are granted here."""

    list_display = ("name", "nature", "system", "rank", "township", "status")
    list_filter = ("nature", "system", "status")
    search_fields = ("name", "credit_code")


for model in (Quota, LeaderPostQuota, QuotaLimitEntry, UnitEvent, Movement, SlipActRecord):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit", "establishment_type", "in_establishment")
    search_fields = ("name", "id_number")
    list_select_related = ("unit",)
