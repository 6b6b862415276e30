"""Writes of the api app: each checks its actor (bianzhi.roles.authorize) and leaves an audit row."""

from api.services.tokens import token_issue, token_revoke

__all__ = ["token_issue", "token_revoke"]
