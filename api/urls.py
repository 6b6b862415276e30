from django.urls import path

from api.views import tokens

app_name = "tokens"
urlpatterns = [
    path("", tokens.token_list, name="token_list"),
    path("new/", tokens.token_issue, name="token_issue"),
    path("<int:pk>/", tokens.token_detail, name="token_detail"),
    path("<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
