"""Receivers of the ``units`` domain signals: they keep every ledger in the sender's transaction.

Connected in ``LedgersConfig.ready``. ``units`` never imports ``ledgers``; model ``post_save`` is not
used because bulk paths bypass it.
"""

from __future__ import annotations

from ledgers import services
from units import signals


def on_establishment_changed(sender, unit_ids=(), events=(), **kwargs) -> None:
    """A unit, its quotas, posts or the county limits changed: append 明细账 lines, refresh 表一 rows."""
    if not services.enabled():
        return
    services.append_entries(list(events or ()))
    services.refresh_rows(services.legal_unit_ids(unit_ids or ()))
    if not events:
        # limit_entry_add announces itself with no unit and no change record.
        services.sync_limit_entries()


def on_staff_moved(sender, unit_ids=(), movements=(), **kwargs) -> None:
    """People entered, left, moved or changed post: recount only the touched units' 表一 rows."""
    if not services.enabled():
        return
    services.refresh_staff(unit_ids or ())


def on_registry_bulk_loaded(sender, region=None, unit_ids=(), **kwargs) -> None:
    """A bulk load touched these units: each unit's 表一 row is recomputed once, new records appended."""
    if not services.enabled():
        return
    ids = services.legal_unit_ids(unit_ids or ())
    services.sync_limit_entries(region)
    services.sync_events(ids)
    services.refresh_rows(ids)


def connect() -> None:
    signals.establishment_changed.connect(
        on_establishment_changed, dispatch_uid="ledgers.establishment_changed"
    )
    signals.staff_moved.connect(on_staff_moved, dispatch_uid="ledgers.staff_moved")
    signals.registry_bulk_loaded.connect(on_registry_bulk_loaded, dispatch_uid="ledgers.registry_bulk_loaded")
