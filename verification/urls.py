from django.urls import path

from verification.findings import views

app_name = "verification"
urlpatterns: list = [
    path("", views.index, name="index"),
    path("uploads/new/", views.upload_create, name="upload_create"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/errors.xlsx", views.upload_errors, name="upload_errors"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/result.xlsx", views.run_download, name="run_download"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/export.xlsx", views.finding_export, name="finding_export"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/answer/", views.finding_answer, name="finding_answer"),
    path("findings/<int:pk>/decide/", views.finding_decide, name="finding_decide"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("unmatched/", views.unmatched, name="unmatched"),
    path("unmatched/alias/", views.alias_add, name="alias_add"),
]

from verification.campaign import views as campaign_views  # noqa: E402

urlpatterns += [
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/action/", campaign_views.campaign_action, name="campaign_action"),
    path("campaigns/<int:pk>/report.pdf", campaign_views.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/annex.xlsx", campaign_views.campaign_workbook, name="campaign_workbook"),
    path("campaign-units/<int:pk>/", campaign_views.cu_detail, name="cu_detail"),
    path("campaign-units/<int:pk>/action/", campaign_views.cu_action, name="cu_action"),
    path("campaign-units/<int:pk>/notice.pdf", campaign_views.cu_notice, name="cu_notice"),
    path("campaign-units/<int:pk>/report.pdf", campaign_views.cu_report, name="cu_report"),
    path("campaign-units/<int:pk>/selfcheck/", campaign_views.cu_selfcheck, name="cu_selfcheck"),
    path("campaign-units/<int:pk>/selfcheck.pdf", campaign_views.cu_selfcheck_pdf, name="cu_selfcheck_pdf"),
]

from verification.campaign.views import bulk as campaign_bulk_views  # noqa: E402

urlpatterns += [
    path("campaigns/<int:pk>/units/", campaign_bulk_views.campaign_units, name="campaign_units"),
]
