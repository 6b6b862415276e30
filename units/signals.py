"""Domain signals sent by the ``units`` services inside their transaction (DOMAIN.md §4).

Receivers (the ``ledgers`` app) run in the same transaction. Model ``post_save`` is not used:
bulk paths bypass it.

- ``establishment_changed(sender, unit_ids, events)``: a unit, its quotas, posts or limits changed.
- ``staff_moved(sender, unit_ids, movements)``: people entered, left, moved or changed post.
- ``registry_bulk_loaded(sender, region, unit_ids)``: a bulk load (import) touched these units;
  receivers recompute each affected unit once.
"""

from django.dispatch import Signal

establishment_changed = Signal()
staff_moved = Signal()
registry_bulk_loaded = Signal()
