"""URLs of the 核编在先 pages (included into the ``units`` namespace by ``units/urls.py``)."""

from django.urls import path

from units.views import requests as v

urlpatterns: list = [
    path("requests/", v.request_list, name="request_list"),
    path("requests/new/", v.request_create, name="request_create"),
    path("requests/<int:pk>/", v.request_detail, name="request_detail"),
    path("requests/<int:pk>/approve/", v.request_approve, name="request_approve"),
    path("requests/<int:pk>/refuse/", v.request_refuse, name="request_refuse"),
    path("requests/<int:pk>/withdraw/", v.request_withdraw, name="request_withdraw"),
    path("slips/", v.slip_list, name="slip_list"),
    path("slips/<int:pk>/pdf/", v.slip_pdf, name="slip_pdf"),
    path("slips/<int:pk>/void/", v.slip_void, name="slip_void"),
    path("units/<int:pk>/certificate/", v.unit_certificate, name="unit_certificate"),
    path("people/<int:pk>/card/", v.person_card, name="person_card"),
    path("organ-limits/", v.organ_limits, name="organ_limits"),
    path("late-records/", v.late_movements, name="late_movements"),
]
