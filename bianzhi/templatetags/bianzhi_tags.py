"""Template filters and tags for the Chinese UI: dates, masked ID numbers, signed numbers."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from bianzhi.lib.dates import format_cn
from bianzhi.lib.idnumbers import full_ids, mask_id
from bianzhi.lib.idnumbers import show_id as shown
from bianzhi.roles import user_roles

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None, style: str = "iso") -> str:
    """2021-12-31 (default, for tables) or 2021年12月31日 (``|cn_date:"long"``); empty for None."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return format_cn(value) if style == "long" else value.isoformat()


@register.filter
def masked_id(number: str) -> str:
    """Always masked (lists show ID numbers masked for everyone, DOMAIN.md §7)."""
    return mask_id(number or "")


@register.simple_tag(takes_context=True)
def show_id(context, number: str) -> str:
    """The ID number full or masked as ``bianzhi.lib.idnumbers.full_ids`` decides for the page's user
    (no request: masked)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    full = user is not None and full_ids(user)
    return shown(number, full=full) if number else ("" if full else mask_id(""))


@register.filter
def signed(value: int | None) -> str:
    """+3 / -2 / 0 for increases and decreases in change records."""
    if value is None:
        return ""
    return f"{value:+d}" if value else "0"


@register.filter
def role_names(user) -> str:
    return "、".join(sorted(r.value for r in user_roles(user))) or "未分配角色"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.simple_tag(takes_context=True)
def dashboard_panels(context, top=None):
    """The panels higher apps registered for the home page (``bianzhi.panels``): all, or only the top
    ones / only the others."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from bianzhi.panels import panels_for

    request = context.get("request")
    if request is None:
        return ""
    return mark_safe(
        "".join(render_to_string(t, c, request=request) for t, c in panels_for(request, top=top))
    )


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number: int) -> str:
    """The current URL's query string with ``param`` set to ``number``: the pager's links
    (``units/_pagination.html``; a second list on one page passes its own ``param``)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
