from django.urls import path

from accounts.views import audit, liaisons, locks, password, regions, setup, users

app_name = "accounts"
urlpatterns = [
    path("setup/", setup.setup, name="setup"),
    path("setup/demo/", setup.setup_demo, name="setup_demo"),
    path("password/change/", password.password_change, name="password_change"),
    path("users/locks/", locks.lock_list, name="lock_list"),
    path("users/locks/release/", locks.lock_release, name="lock_release"),
    path("users/", users.account_list, name="account_list"),
    path("users/new/", users.account_create, name="account_create"),
    path("users/<int:user_id>/", users.account_detail, name="account_detail"),
    path("users/<int:user_id>/edit/", users.account_edit, name="account_edit"),
    path("users/<int:user_id>/disable/", users.account_disable, name="account_disable"),
    path("users/<int:user_id>/enable/", users.account_enable, name="account_enable"),
    path("users/<int:user_id>/password/", users.password_reset, name="password_reset"),
    path("users/<int:user_id>/role/", users.role_assign, name="role_assign"),
    path("users/<int:user_id>/units/", users.liaison_grant, name="liaison_grant"),
    path("users/<int:user_id>/units/<int:unit_id>/revoke/", liaisons.liaison_revoke, name="liaison_revoke"),
    path("users/liaisons/import/", liaisons.liaison_import, name="liaison_import"),
    path("users/liaisons/template.xlsx", liaisons.liaison_template, name="liaison_template"),
    path("users/liaisons/issued/<str:token>/", liaisons.issued, name="issued"),
    path("users/liaisons/issued/<str:token>/print/", liaisons.issued_print, name="issued_print"),
    path("users/liaisons/issued/<str:token>/pdf/", liaisons.issued_pdf, name="issued_pdf"),
    path("users/liaisons/issued/<str:token>/xlsx/", liaisons.issued_xlsx, name="issued_xlsx"),
    path("users/liaisons/issued/<str:token>/clear/", liaisons.issued_clear, name="issued_clear"),
    path("regions/", regions.region_list, name="region_list"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.xlsx", audit.audit_export, name="audit_export"),
    path("units/<int:unit_id>/liaisons/", liaisons.unit_liaisons, name="unit_liaisons"),
]
