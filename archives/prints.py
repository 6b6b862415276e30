"""The archives' print: the catalogue (总目录 / 分目录) as a PDF, in shelf order grouped by box."""

from __future__ import annotations

from archives.selectors import CATALOGUE_HEADERS
from bianzhi.lib.pdf import render_pdf


def catalogue_pdf(title: str, groups: list, *, actor, region) -> bytes:
    """The printed catalogue (``selectors.catalogue``); the print is audited by ``render_pdf``."""
    context = {
        "title": title,
        "groups": groups,
        "headers": CATALOGUE_HEADERS,
        "total": sum(len(rows) for _, rows in groups),
    }
    return render_pdf(
        "archives/print/catalogue.html", context, actor=actor, action="档案目录.打印", region=region
    )
