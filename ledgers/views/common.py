"""What the ledger pages share: who may read them, the filters, the download formats."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from bianzhi.roles import require
from ledgers.forms import LedgerFilterForm
from units.selectors import liaison_unit_ids


def require_reader(user) -> None:
    """Ledgers are for office roles and the liaisons of a unit; anyone else gets 403."""
    if not liaison_unit_ids(user):
        require(user, "view_registry")


def filters(request: HttpRequest) -> dict[str, Any]:
    form = LedgerFilterForm(request.GET or None)
    return {"form": form, **form.values()}


def check_fmt(fmt: str) -> None:
    if fmt not in ("xlsx", "pdf"):
        raise Http404("不支持的导出格式。")
