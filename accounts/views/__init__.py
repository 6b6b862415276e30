"""Accounts pages: one module per area (users, liaisons, set-up, own password)."""
