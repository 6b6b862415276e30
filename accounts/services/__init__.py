"""Every write of the accounts app (each service checks its caller and writes its audit row)."""

from accounts.services.liaisons import liaison_grant, liaison_revoke, liaisons_import
from accounts.services.regions import region_add
from accounts.services.setup import county_setup, demo_load, region_setup, setup_open
from accounts.services.users import (
    account_create,
    account_disable,
    account_enable,
    account_set_role,
    account_update,
    password_change,
    password_reset,
)

__all__ = [
    "account_create",
    "account_disable",
    "account_enable",
    "account_set_role",
    "account_update",
    "county_setup",
    "demo_load",
    "liaison_grant",
    "liaison_revoke",
    "liaisons_import",
    "password_change",
    "password_reset",
    "region_add",
    "region_setup",
    "setup_open",
]
