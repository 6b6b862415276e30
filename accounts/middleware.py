"""Two gates in front of every page: the first-run set-up, and the first password's change.

``FirstRunMiddleware``: while the database holds no region and no user, the home page leads to the
set-up page (which needs no login); an administrator who logs in to a database without any region is
led there too. It costs a query only on the home page.

``FirstPasswordMiddleware``: a user whose password was set by an administrator (``Profile.
must_change_password``, noted in the session at login) sees only the 修改密码 page until they change it;
login, logout and static files stay reachable.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from accounts.signals import MUST_CHANGE_KEY
from bianzhi.roles import can


class FirstRunMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method == "GET" and self._needs_setup(request.user):
            return redirect("accounts:setup")
        return self.get_response(request)

    @staticmethod
    def _needs_setup(user) -> bool:
        from accounts.services.setup import setup_open
        from bianzhi.models import Region

        if not user.is_authenticated:
            return setup_open()
        return can(user, "manage_users") and not Region.objects.exists()


class FirstPasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get(MUST_CHANGE_KEY)
            and not self._exempt(request.path)
        ):
            messages.warning(request, "您使用的是管理员设置的初始密码，请先修改为自己的密码。")
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("accounts:password_change"), reverse("login"), reverse("logout"))
        return path in allowed or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
