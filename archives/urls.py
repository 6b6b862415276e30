from django.urls import path

from archives import views

app_name = "archives"
urlpatterns: list = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("search/", views.archive_search, name="search"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/withdraw/", views.document_withdraw, name="document_withdraw"),
    path("<int:pk>/scans/", views.scan_add, name="scan_add"),
    path("scans/<int:pk>/", views.scan_download, name="scan_download"),
    path("units/<int:pk>/", views.unit_documents, name="unit_documents"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.class_create, name="class_create"),
    path("catalogue/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("catalogue/<int:pk>/delete/", views.class_delete, name="class_delete"),
    path("catalogue/export/<str:fmt>/", views.catalogue_export, name="catalogue_export"),
    path("dedicated/", views.dedicated_list, name="dedicated_list"),
    path("dedicated/new/", views.dedicated_create, name="dedicated_create"),
    path("dedicated/<int:pk>/", views.dedicated_detail, name="dedicated_detail"),
    path("dedicated/<int:pk>/document/", views.dedicated_add_document, name="dedicated_add_document"),
    path("dedicated/<int:pk>/record/", views.dedicated_add_record, name="dedicated_add_record"),
    path("dedicated/entries/<int:pk>/", views.entry_download, name="entry_download"),
    path("minutes/", views.minute_list, name="minute_list"),
    path("minutes/new/", views.minute_create, name="minute_create"),
    path("minutes/<int:pk>/", views.minute_detail, name="minute_detail"),
    path("minutes/<int:pk>/edit/", views.minute_edit, name="minute_edit"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("requests/<int:pk>/return/", views.request_return, name="request_return"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
]
