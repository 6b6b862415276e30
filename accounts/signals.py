"""At login, remember in the session that the account must first change its password (no query per request)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from bianzhi.models import Profile

MUST_CHANGE_KEY = "bianzhi_must_change_password"


@receiver(user_logged_in, dispatch_uid="accounts_must_change_password")
def remember_first_password(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if Profile.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE_KEY] = True
    else:
        request.session.pop(MUST_CHANGE_KEY, None)
