"""URLconf of ``/api/v1/`` (namespace ``api``), included by bianzhi/urls.py.

Every view here answers for itself (401 JSON, never a redirect to the login page), so each is marked
``login_required = False`` for Django's LoginRequiredMiddleware. The root (``/api/v1/``) leads to the
documentation, for a logged-in user or a valid token like the documentation itself."""

from django.shortcuts import redirect

from api.api import api, docs_access

urlpatterns = api.urls[0]
app_name = "api"


@docs_access
def root(request):
    return redirect("api:openapi-view")


for _pattern in urlpatterns:
    if _pattern.name == "api-root":
        _pattern.callback = root
    _pattern.callback.login_required = False
