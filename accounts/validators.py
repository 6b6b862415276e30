"""Password rules at 等保三级 level (AUTH_PASSWORD_VALIDATORS): three character classes, not the user name,
not one of the last passwords; every password set is recorded (``password_changed``), which also dates it
for the 90-day expiry (``password_expired``)."""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda c: c in string.punctuation or c == " "),
)


def character_classes(password: str) -> int:
    return sum(1 for _, test in CLASSES if any(test(c) and c.isascii() for c in password))


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码至少要包含大写字母、小写字母、数字、符号中的{self.min_classes}类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类。"


class NotUsernameValidator:
    """The password is not the user name and does not contain it (case ignored)."""

    def validate(self, password: str, user=None) -> None:
        username = (user.get_username() if user is not None else "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError("密码不能是用户名，也不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "不能是用户名，也不能包含用户名。"


class HistoryValidator:
    """Not one of the user's last ``keep`` passwords; records every password set (its hash)."""

    def __init__(self, keep: int = 3):
        self.keep = keep

    def validate(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        from accounts.models import PasswordHistory

        hashes = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.keep]
        if user.password and user.password not in hashes:
            hashes = [user.password, *hashes][: self.keep]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(f"新密码不能与最近{self.keep}次使用过的密码相同。", code="password_reused")

    def password_changed(self, password: str, user=None) -> None:
        record_password(user, keep=self.keep)

    def get_help_text(self) -> str:
        return f"不能与最近{self.keep}次使用过的密码相同。"


def record_password(user, keep: int = 3) -> None:
    """Note the user's current password hash (after every set: ``password_changed``, and for an account
    created by ``create_user``, which hashes without ``set_password``); keeps the last ``keep``."""
    from accounts.models import PasswordHistory

    if user is None or not user.pk or not user.has_usable_password():
        return
    latest = PasswordHistory.objects.filter(user=user).values_list("password", flat=True).first()
    if latest == user.password:
        return
    PasswordHistory.objects.create(user=user, password=user.password)
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()


def password_set_at(user) -> dt.datetime | None:
    """When the user's current password was set (the latest history row, else the account's creation)."""
    from accounts.models import PasswordHistory

    latest = PasswordHistory.objects.filter(user=user).values_list("created_at", flat=True).first()
    return latest or getattr(user, "date_joined", None)


def password_expired(user) -> bool:
    """True when the password is older than PASSWORD_MAX_AGE_DAYS (0 turns the expiry off)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    set_at = password_set_at(user)
    return bool(days) and set_at is not None and timezone.now() - set_at > dt.timedelta(days=days)
