from django.urls import path

from yearbook import views

app_name = "yearbook"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("generate/", views.report_generate, name="report_generate"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/compare/", views.report_compare, name="report_compare"),
    path("<int:pk>/export/", views.report_export, name="report_export"),
    path("<int:pk>/pdf/", views.report_print, name="report_print"),
    path("<int:pk>/submit/", views.report_submit, name="report_submit"),
]
