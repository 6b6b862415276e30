"""Every write of 事业单位登记管理: authorised by the service itself, atomic, audited."""

from registration.services.applications import (
    application_approve,
    application_create,
    application_return,
    application_submit,
    application_update,
    attachment_add,
    missing_materials,
)
from registration.services.common import end_check, registry_differences
from registration.services.records import certificate_reissue
from registration.services.reports import report_accept, report_return, report_save, report_year_set

__all__ = [
    "application_approve",
    "application_create",
    "application_return",
    "application_submit",
    "application_update",
    "attachment_add",
    "certificate_reissue",
    "end_check",
    "missing_materials",
    "registry_differences",
    "report_accept",
    "report_return",
    "report_save",
    "report_year_set",
]
