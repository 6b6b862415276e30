from django.urls import path

from units import request_urls, workbook_urls
from units.views import reform as reform_views
from units.views import registry as views

app_name = "units"
urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/end/", views.unit_end, name="unit_end"),
    path("units/<int:pk>/merge/", reform_views.unit_merge_start, name="unit_merge"),
    path("units/<int:pk>/merge/confirm/", reform_views.unit_merge_confirm, name="unit_merge_confirm"),
    path("units/<int:pk>/quota/", views.quota_change, name="quota_change"),
    path("units/<int:pk>/posts/", views.posts_change, name="posts_change"),
    path("units/<int:pk>/enter/", views.person_enter, name="person_enter"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/leave/", views.person_leave, name="person_leave"),
    path("people/<int:pk>/transfer/", views.person_transfer, name="person_transfer"),
    path("people/<int:pk>/post/", views.person_post, name="person_post"),
]
urlpatterns += workbook_urls.urlpatterns
urlpatterns += request_urls.urlpatterns
