"""The cross-comparison of the register with partner data (FORMATS.md §3).

``sources`` reads partner files, ``verification.findings.register`` loads the register side (the
only part that reads the database, so it lives outside the engine), ``engine`` compares (no ORM;
rows are linked to the register with polars), ``workbook`` writes the result. ``read_sources`` ties
the reading together for the command and the web upload.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from bianzhi.lib.xlsx import RowError
from verification.compare.data import SourceRows
from verification.compare.sources import read_partner


@dataclass
class SourcesRead:
    rows: dict[str, SourceRows] = field(default_factory=dict)
    errors: dict[str, list[RowError]] = field(default_factory=dict)  # path -> errors
    warnings: list[str] = field(default_factory=list)


def read_sources(files: dict[str, str | os.PathLike], **limits) -> SourcesRead:
    """Read each partner file; UnreadableWorkbook propagates (exit 2), row errors are collected."""
    out = SourcesRead()
    for source, path in files.items():
        read = read_partner(path, source, filename=os.fspath(path), **limits)
        out.warnings += read.warnings
        if read.errors:
            out.errors[os.fspath(path)] = read.errors
        else:
            out.rows[source] = read.rows
    return out
