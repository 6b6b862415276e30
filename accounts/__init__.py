"""Accounts, roles and unit liaisons managed in the application; regions and the first-run set-up."""
