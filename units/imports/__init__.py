"""Importing the units and staff workbooks (FORMATS.md §0–§2).

Everything is validated first; only a file without a single error is written, in one transaction,
by ``units.services.bulk``. ``dry_run`` validates and reports without writing. The web upload pages, the
management commands and the demo loader call ``import_units_file`` and ``import_staff_file``.
"""

from units.imports.common import (
    EARMARK_COLUMN,
    LIMIT_HEADERS,
    LIMITS_SHEET,
    POST_COLUMNS,
    QUOTA_COLUMNS,
    STAFF_HEADERS,
    STAFF_SHEET,
    UNIT_HEADERS,
    UNITS_SHEET,
    ImportReport,
    RowReader,
)
from units.imports.staff import import_staff_file
from units.imports.units import import_units_file

__all__ = [
    "EARMARK_COLUMN",
    "LIMIT_HEADERS",
    "LIMITS_SHEET",
    "POST_COLUMNS",
    "QUOTA_COLUMNS",
    "STAFF_HEADERS",
    "STAFF_SHEET",
    "UNIT_HEADERS",
    "UNITS_SHEET",
    "ImportReport",
    "RowReader",
    "import_staff_file",
    "import_units_file",
]
