"""API tokens and their scopes (issue 16)."""
