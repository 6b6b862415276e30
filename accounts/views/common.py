"""What the accounts views share: an account page's gate and the POST of a confirmation form."""

from __future__ import annotations

from accounts import selectors
from bianzhi.roles import can, require


def account_or_404(user, user_id: int):
    """An account page: office users without the capability get 403, anyone else 404 (they do not learn
    which accounts exist); an administrator gets 404 outside their regions."""
    if can(user, "view_registry"):
        require(user, "manage_users")
    return selectors.account_for(user, user_id)


def posted(request):
    """The POST data (even when empty: a bare confirmation is a submitted form), else None."""
    return request.POST if request.method == "POST" else None
