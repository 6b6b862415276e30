from django.urls import path

from ledgers import views

app_name = "ledgers"
urlpatterns = [
    path("", views.index, name="index"),
    path("limits/", views.limit_ledger, name="limit_ledger"),
    path("limits/export.<str:fmt>", views.limit_export, name="limit_export"),
    path("units/<int:pk>/", views.unit_ledger, name="unit_ledger"),
    path("units/<int:pk>/export.<str:fmt>", views.unit_ledger_export, name="unit_ledger_export"),
    path("table/<str:table>/", views.table, name="table"),
    path("table/<str:table>/export.<str:fmt>", views.table_export, name="table_export"),
]
