"""Forms of the api app (token issue)."""
