from django.urls import path

from verification.findings import views

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
    path("findings/<int:pk>/share/", views.finding_share, name="finding_share"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("unmatched/", views.unmatched, name="unmatched"),
    path("unmatched/alias/", views.alias_add, name="alias_add"),
]
