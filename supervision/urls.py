from django.urls import path

from supervision.views import inspections, overview, reports, selfinspection

app_name = "supervision"
urlpatterns = [
    path("", overview.index, name="index"),
    path("export/", overview.statistics_export, name="statistics_export"),
    path("archive/", overview.year_archive, name="year_archive"),
    path("settings/", overview.settings_edit, name="settings"),
    # 举报受理
    path("reports/", reports.report_list, name="report_list"),
    path("reports/new/", reports.report_create, name="report_create"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/investigate/", reports.report_investigate, name="report_investigate"),
    path("reports/<int:pk>/refuse/", reports.report_refuse, name="report_refuse"),
    path("reports/<int:pk>/extend/", reports.report_extend, name="report_extend"),
    path("reports/<int:pk>/close/", reports.report_close, name="report_close"),
    # 年度自查
    path("self/", selfinspection.self_list, name="self_list"),
    path("self/new/", selfinspection.self_create, name="self_create"),
    path("self/<int:pk>/", selfinspection.self_detail, name="self_detail"),
    path("questionnaires/<int:pk>/", selfinspection.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/fill/", selfinspection.questionnaire_fill, name="questionnaire_fill"),
    path("questionnaires/<int:pk>/attach/", selfinspection.questionnaire_attach, name="questionnaire_attach"),
    path("questionnaires/<int:pk>/review/", selfinspection.questionnaire_review, name="questionnaire_review"),
    path("attachments/<int:pk>/", selfinspection.attachment_download, name="attachment_download"),
    # 检查、整改
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/findings/new/", inspections.finding_add, name="finding_add"),
    path("inspections/<int:pk>/notice/", inspections.notice_issue, name="notice_issue"),
    path("findings/<int:pk>/decide/", inspections.finding_decide, name="finding_decide"),
    path("notices/", inspections.notice_list, name="notice_list"),
    path("notices/<int:pk>/", inspections.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", inspections.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/evidence/", inspections.evidence_add, name="evidence_add"),
    path("notices/<int:pk>/close/", inspections.notice_close, name="notice_close"),
    path("notices/<int:pk>/reopen/", inspections.notice_reopen, name="notice_reopen"),
    path("notices/<int:pk>/accountability/", inspections.accountability_add, name="accountability_add"),
]
