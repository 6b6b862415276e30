from django.urls import path

from registration.views import applications, records, reports

app_name = "registration"
urlpatterns = [
    path("", records.record_list, name="record_list"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/<int:pk>/certificate.pdf", records.record_certificate, name="record_certificate"),
    path(
        "records/<int:pk>/certificate-copy.pdf",
        records.record_certificate_copy,
        name="record_certificate_copy",
    ),
    path("records/<int:pk>/cancel-notice.pdf", records.record_cancel_notice, name="record_cancel_notice"),
    path("records/<int:pk>/reissue/", records.record_reissue, name="record_reissue"),
    path("records/<int:pk>/reports/<int:year>/", reports.report_fill, name="report_fill"),
    path("applications/", applications.application_list, name="application_list"),
    path("applications/new/", applications.application_create, name="application_create"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("applications/<int:pk>/attach/", applications.application_attach, name="application_attach"),
    path("applications/<int:pk>/submit/", applications.application_submit, name="application_submit"),
    path("applications/<int:pk>/approve/", applications.application_approve, name="application_approve"),
    path("applications/<int:pk>/return/", applications.application_return, name="application_return"),
    path("attachments/<int:pk>/", applications.attachment_download, name="attachment_download"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/deadline/", reports.report_year, name="report_year"),
    path("reports/export.xlsx", reports.report_export, name="report_export"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/accept/", reports.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", reports.report_return, name="report_return"),
]
