"""What the accounts views share: an account page's gate and the POST of a confirmation form."""

from __future__ import annotations

from accounts import selectors
from bianzhi.roles import can, require


def require_account_admin(user, capability: str | None = None) -> None:
    """403 unless the user holds ``capability`` — or, when None, either administrator's (the system
    administrator keeps accounts, the security administrator gives roles and grants)."""
    if capability is None and selectors.administers_accounts(user):
        return
    require(user, capability or "manage_users")


def account_or_404(user, user_id: int, capability: str | None = None):
    """An account page: office and administrator users without the capability get 403, anyone else 404
    (they do not learn which accounts exist); an administrator gets 404 outside their regions."""
    if can(user, "view_registry") or selectors.administers_accounts(user):
        require_account_admin(user, capability)
    return selectors.account_for(user, user_id)


def posted(request):
    """The POST data (even when empty: a bare confirmation is a submitted form), else None."""
    return request.POST if request.method == "POST" else None
