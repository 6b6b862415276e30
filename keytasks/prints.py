"""The whole ledger of a key task as a PDF (plan, stages, progress with Documents and attachments, results)."""

from __future__ import annotations

from bianzhi.lib.pdf import render_pdf
from keytasks.models import KeyTask
from keytasks.selectors import ledger


def ledger_pdf(task: KeyTask, *, actor) -> bytes:
    context = ledger(task) | {"title": f"{task.region.name}重点工作台账：{task.name}"}
    return render_pdf(
        "keytasks/print/ledger.html",
        context,
        actor=actor,
        action="重点工作.打印台账",
        target=task,
        region=task.region,
    )
