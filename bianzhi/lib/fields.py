"""Model fields every app declares the same way."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def user_fk(verbose_name: str, *, blank: bool = True, related_name: str | None = None) -> models.ForeignKey:
    """Who did it: a user, kept as NULL when the account is deleted (the row's name column and the audit
    trail keep who it was); NULL also for the system (``actor=None``)."""
    extra = {"related_name": related_name} if related_name else {}
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        verbose_name=verbose_name,
        **extra,
    )


def tree_parent(verbose_name: str) -> models.ForeignKey:
    """The row above this one in a tree of the same table (上级机构, 上级类目); never deleted from under it."""
    return models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=verbose_name,
    )
