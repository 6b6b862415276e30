"""The ledgers' prints: 限额台账, 单位台账 and 电子台账 表一/表二/表三 as PDF, stamped and audited
(``bianzhi.lib.pdf.render_pdf``). A print holds at most PDF_MAX_ROWS rows and says so when cut."""

from __future__ import annotations

from itertools import islice

from bianzhi.lib.pdf import render_pdf
from ledgers import exports

# Measured (issue 13, /tmp bench of table_three on the shared 2-core machine, weasyprint): 500 rows 10 s,
# 1,000 rows 23.5 s (449 MB peak), 3,000 rows 62.7 s (859 MB peak). 1,000 keeps a print near 20 s, well
# inside the worker timeout (scripts/run: 300 s); a longer ledger prints its first 1,000 rows with a note
# sending the reader to the Excel export.
PDF_MAX_ROWS = 1000


def limited(rows) -> tuple[list, str]:
    """At most PDF_MAX_ROWS rows for a print, and a note printed on it when rows were left out."""
    rows = list(islice(rows, PDF_MAX_ROWS + 1))
    if len(rows) <= PDF_MAX_ROWS:
        return rows, ""
    note = f"本表超过 {PDF_MAX_ROWS} 行，PDF 只打印前 {PDF_MAX_ROWS} 行；完整数据请导出 Excel。"
    return rows[:PDF_MAX_ROWS], note


def _pdf(template: str, context: dict, title: str, *, actor, target=None) -> bytes:
    return render_pdf(template, {**context, "title": title}, actor=actor, action="台账.打印", target=target)


def limit_pdf(entries, region_ids: list[int], title: str, *, actor) -> bytes:
    rows, note = limited(exports.general_rows(entries))
    context = {"rows": rows, "truncated_note": note, "usage": exports.limit_usage(region_ids)}
    return _pdf("ledgers/print/limit_ledger.html", context, title, actor=actor)


def unit_ledger_pdf(unit, entries, row, title: str, *, actor) -> bytes:
    items, note = limited(entries.iterator())
    context = {"entries": items, "truncated_note": note, "unit": unit, "row": row}
    return _pdf("ledgers/print/unit_ledger.html", context, title, actor=actor, target=unit)


def table_pdf(table: str, qs, title: str, *, masked: bool, actor) -> bytes:
    if table == "one":
        rows, note = limited(exports.table_one_rows(qs))
        context = {"headers": exports.TABLE_ONE_HEADERS, "rows": rows, "truncated_note": note}
    else:
        items, note = limited(qs.iterator())
        context = {"items": items, "truncated_note": note}
    return _pdf(f"ledgers/print/table_{table}.html", {**context, "masked": masked}, title, actor=actor)
