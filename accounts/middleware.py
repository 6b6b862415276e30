"""Two gates in front of every page: the first-run set-up, and the first password's change; and the idle
timeout of a login.

``FirstRunMiddleware``: while the database holds no region and no user, the home page leads to the
set-up page (which needs no login); an administrator who logs in to a database without any region is
led there too. It costs a query only on the home page.

``FirstPasswordMiddleware``: a user whose password was set by an administrator (``Profile.
must_change_password``, noted in the session at login) sees only the 修改密码 page until they change it;
login, logout and static files stay reachable. The same holds for a password older than
PASSWORD_MAX_AGE_DAYS (90 by default; noted in the session at login, ``accounts.signals``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

from accounts.signals import EXPIRED_KEY, MUST_CHANGE_KEY, RENEWED_KEY
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
        if request.user.is_authenticated and not self._exempt(request.path):
            if request.session.get(MUST_CHANGE_KEY):
                messages.warning(request, "您使用的是管理员设置的初始密码，请先修改为自己的密码。")
                return redirect("accounts:password_change")
            if request.session.get(EXPIRED_KEY):
                days = settings.PASSWORD_MAX_AGE_DAYS
                messages.warning(request, f"您的密码已使用超过{days}天，请先修改密码。")
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("accounts:password_change"), reverse("login"), reverse("logout"))
        # /api/: the API answers for itself (tokens, 401 JSON), never with a redirect
        return path in allowed or path.startswith(("/" + settings.STATIC_URL.lstrip("/"), "/api/"))


class IdleSessionMiddleware:
    """A login ends after SESSION_COOKIE_AGE seconds (15 minutes) without a request: each request of a
    logged-in user pushes the session's expiry on, writing the session at most once a minute (not on
    every page, as SESSION_SAVE_EVERY_REQUEST would: on SQLite every page would become a write), so the
    idle time allowed lies between SESSION_COOKIE_AGE - 60 s and SESSION_COOKIE_AGE."""

    KEY = RENEWED_KEY

    def __init__(self, get_response):
        self.get_response = get_response
        self.every = max(1, min(60, settings.SESSION_COOKIE_AGE // 10))

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.every:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response
