"""The accounts' print: the list of liaisons' first passwords (a print page and its PDF).

The list lives only in the administrator's session (``views.liaisons``); printing it is audited."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from bianzhi.lib.pdf import render_pdf

ISSUED_TEMPLATE = "accounts/print/issued.html"
ISSUED_PDF_NAME = "联络员初始密码清单.pdf"


def issued_page(issued: dict, request=None) -> str:
    """The print page (the browser prints it)."""
    return render_to_string(ISSUED_TEMPLATE, {"issued": issued, "printed_at": timezone.localtime()}, request)


def issued_pdf(issued: dict, *, actor) -> bytes:
    return render_pdf(
        ISSUED_TEMPLATE, {"issued": issued, "pdf": True}, actor=actor, action="打印.联络员初始密码清单"
    )
