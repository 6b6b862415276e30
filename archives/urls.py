from django.urls import path

from archives import views

app_name = "archives"
urlpatterns: list = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("scans/<int:pk>/", views.scan_download, name="scan_download"),
]
