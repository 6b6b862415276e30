"""URLconf of ``/api/v1/`` (namespace ``api``), included by bianzhi/urls.py."""

from api.api import api

urlpatterns = api.urls[0]
app_name = "api"
