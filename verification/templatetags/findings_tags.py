"""Template filters of the comparison's findings: ``{% load findings_tags %}``."""

from __future__ import annotations

from django import template

from verification.compare.engine import CODES

register = template.Library()


@register.filter
def finding_type(value) -> str:
    """A finding's type by its Chinese name: a code (REG_NOT_IN_FIN) gives its name (实名制在编、财政供养
    名单无); a name (or a finding, by its code) passes through. Pages show only the name, never the code."""
    code = str(getattr(value, "code", value) or "")
    if code in CODES:
        return CODES[code]
    return "其他问题" if code.isascii() and code else code
