"""Every URL of the units app (namespace ``units``): the registry, 核编在先, prints and workbooks."""

from django.urls import path

from units.views import alerts, budget, dashboard, people, reform, requests, slipcheck, units, workbooks

app_name = "units"
urlpatterns: list = [
    path("", dashboard.dashboard, name="dashboard"),
    # units
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:pk>/end/", units.unit_end, name="unit_end"),
    path("units/<int:pk>/merge/", reform.unit_merge_start, name="unit_merge"),
    path("units/<int:pk>/merge/confirm/", reform.unit_merge_confirm, name="unit_merge_confirm"),
    path("units/<int:pk>/quota/", units.quota_change, name="quota_change"),
    path("units/<int:pk>/posts/", units.posts_change, name="posts_change"),
    path("units/<int:pk>/enter/", people.person_enter, name="person_enter"),
    # people
    path("people/", people.person_list, name="person_list"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/leave/", people.person_leave, name="person_leave"),
    path("people/<int:pk>/transfer/", people.person_transfer, name="person_transfer"),
    path("people/<int:pk>/post/", people.person_post, name="person_post"),
    # workbooks
    path("import/units/", workbooks.import_units, name="import_units"),
    path("import/staff/", workbooks.import_staff, name="import_staff"),
    path("import/errors/<str:token>.xlsx", workbooks.import_errors, name="import_errors"),
    path("export/units.xlsx", workbooks.export_units, name="export_units"),
    path("export/staff.xlsx", workbooks.export_staff, name="export_staff"),
    path("export/budget.xlsx", budget.export_budget, name="export_budget"),
    # 核编在先: 用编申请, 编制使用单, prints, 机构限额, late records
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_create, name="request_create"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/approve/", requests.request_approve, name="request_approve"),
    path("requests/<int:pk>/refuse/", requests.request_refuse, name="request_refuse"),
    path("requests/<int:pk>/withdraw/", requests.request_withdraw, name="request_withdraw"),
    path("slips/", requests.slip_list, name="slip_list"),
    path("slips/<int:pk>/pdf/", requests.slip_pdf, name="slip_pdf"),
    path("slips/<int:pk>/void/", requests.slip_void, name="slip_void"),
    path("slips/verify/", slipcheck.slip_verify, name="slip_verify"),
    path("slips/verify/act/", slipcheck.slip_act, name="slip_act"),
    path("units/<int:pk>/certificate/", requests.unit_certificate, name="unit_certificate"),
    path("people/<int:pk>/card/", requests.person_card, name="person_card"),
    path("organ-limits/", requests.organ_limits, name="organ_limits"),
    path("late-records/", requests.late_movements, name="late_movements"),
    path("alerts/", alerts.alert_list, name="alert_list"),
]
