"""The admin of 监督检查: read-only lists (every change goes through the services and is audited)."""

from django.contrib import admin

from bianzhi.admin import ReadOnlyAdmin as ReadOnly
from supervision.models import Inspection, Notice, Questionnaire, Report, SelfInspection, Setting


@admin.register(Setting)
class SettingAdmin(ReadOnly):
    list_display = ("region", "deadline_days", "phones")


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ("__str__", "source", "received_on", "matter", "status", "deadline")
    list_filter = ("status", "source", "matter")
    exclude = ("reporter_name", "reporter_contact")  # confidential: shown on the register's own page


@admin.register(SelfInspection)
class SelfInspectionAdmin(ReadOnly):
    list_display = ("__str__", "region", "deadline")


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnly):
    list_display = ("__str__", "status", "submitted_on")
    list_filter = ("status",)


@admin.register(Inspection)
class InspectionAdmin(ReadOnly):
    list_display = ("title", "kind", "year", "inspected_on")


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ("number", "unit", "issued_on", "deadline", "status")
    list_filter = ("status",)
