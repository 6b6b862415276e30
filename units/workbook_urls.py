"""URL patterns of the workbook pages; included by units/urls.py under the "units" namespace."""

from django.urls import path

from units.views import workbooks as views

urlpatterns = [
    path("import/units/", views.import_units, name="import_units"),
    path("import/staff/", views.import_staff, name="import_staff"),
    path("import/errors/<str:token>.xlsx", views.import_errors, name="import_errors"),
    path("export/units.xlsx", views.export_units, name="export_units"),
    path("export/staff.xlsx", views.export_staff, name="export_staff"),
]
