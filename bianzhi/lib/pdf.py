"""Print-ready PDFs (A4) from templates with weasyprint, in the embedded CJK font; every print audited."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from bianzhi import audit
from bianzhi.roles import actor_name


def render_pdf(template: str, context: dict, *, actor, action: str, target=None, region=None) -> bytes:
    """Render ``template`` to PDF bytes, stamped with who printed it and when, and write an audit row."""
    from weasyprint import HTML  # imported late: heavy, and only printing needs it

    printed_at = timezone.localtime()
    stamp = f"打印：{actor_name(actor)}　{printed_at:%Y-%m-%d %H:%M}"
    html = render_to_string(template, {**context, "print_stamp": stamp, "printed_at": printed_at})
    pdf = HTML(string=html, base_url=None).write_pdf()
    audit.record(
        actor=actor,
        action=action,
        target=target,
        region=region,
        after={"template": template, "bytes": len(pdf)},
    )
    return pdf
