from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.v1")),
    path("documents/", include("archives.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("verification/", include("verification.urls")),
    path("registration/", include("registration.urls")),
    path("supervision/", include("supervision.urls")),
    path("yearbook/", include("yearbook.urls")),
    path("keytasks/", include("keytasks.urls")),
    path("api-tokens/", include("api.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("accounts.urls")),
    path("", include("units.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
