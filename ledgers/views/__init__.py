"""Ledger pages: 限额台账 and the overview (limits.py), 单位台账 (units.py), 电子台账 表一/表二/表三
(tables.py), each with Excel and PDF export.

Reads are scoped by ``ledgers.selectors`` (built on ``units.selectors``): office roles see their
regions, a liaison sees only their unit(s), anything else is 404 (objects) or 403 (pages and actions).
Every export and print is audited and stamped with the exporter.
"""

from ledgers.views.limits import index, limit_export, limit_ledger
from ledgers.views.tables import table, table_export
from ledgers.views.units import unit_ledger, unit_ledger_export

__all__ = [
    "index",
    "limit_export",
    "limit_ledger",
    "table",
    "table_export",
    "unit_ledger",
    "unit_ledger_export",
]
