from django.urls import path

from verification.campaign import views
from verification.campaign.views import bulk

urlpatterns: list = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/action/", views.campaign_action, name="campaign_action"),
    path("campaigns/<int:pk>/report.pdf", views.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/annex.xlsx", views.campaign_workbook, name="campaign_workbook"),
    path("campaigns/<int:pk>/units/", bulk.campaign_units, name="campaign_units"),
    path("campaign-units/<int:pk>/", views.cu_detail, name="cu_detail"),
    path("campaign-units/<int:pk>/action/", views.cu_action, name="cu_action"),
    path("campaign-units/<int:pk>/notice.pdf", views.cu_notice, name="cu_notice"),
    path("campaign-units/<int:pk>/report.pdf", views.cu_report, name="cu_report"),
    path("campaign-units/<int:pk>/selfcheck/", views.cu_selfcheck, name="cu_selfcheck"),
    path("campaign-units/<int:pk>/selfcheck.pdf", views.cu_selfcheck_pdf, name="cu_selfcheck_pdf"),
]
