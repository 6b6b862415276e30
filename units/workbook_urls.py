"""URL patterns of the workbook pages; included by units/urls.py under the "units" namespace."""

from django.urls import path

from units import workbook_views as views

urlpatterns = [
    path("import/units/", views.placeholder, name="import_units"),
    path("import/staff/", views.placeholder, name="import_staff"),
    path("export/units.xlsx", views.placeholder, name="export_units"),
    path("export/staff.xlsx", views.placeholder, name="export_staff"),
]
