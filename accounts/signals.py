"""At login, remember in the session what the account must do first (no query per request): change a
first password, or change an expired one (older than PASSWORD_MAX_AGE_DAYS). Every login, failed login,
lock (django-axes) and logout writes an audit row (``accounts.services.security``)."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.services import security
from accounts.validators import password_expired, record_password
from bianzhi.models import Profile

MUST_CHANGE_KEY = "bianzhi_must_change_password"
EXPIRED_KEY = "bianzhi_password_expired"
RENEWED_KEY = "bianzhi_renewed_at"  # when the idle clock last started (accounts.middleware)


@receiver(user_logged_in, dispatch_uid="accounts_must_change_password")
def remember_first_password(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if Profile.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE_KEY] = True
    else:
        request.session.pop(MUST_CHANGE_KEY, None)
    if password_expired(user):
        request.session[EXPIRED_KEY] = True
    else:
        request.session.pop(EXPIRED_KEY, None)
    # the login itself starts the idle clock (the session is being saved now anyway), so the first
    # pages after it do not write the session again
    request.session[RENEWED_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    security.login_recorded(user=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is not None and user.is_authenticated:
        security.logout_recorded(user=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs) -> None:
    security.login_failure_recorded(username=credentials.get("username", ""), request=request)


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    security.lock_recorded(username=username, ip_address=ip_address)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_first_password_history")
def remember_first_password_hash(sender, instance, created, raw=False, **kwargs) -> None:
    """``create_user`` hashes the password without ``set_password``: record the first one here."""
    if created and not raw:
        record_password(instance)
