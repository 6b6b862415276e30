"""The partner departments' acts beside each slip of a list (one query per page, not per row)."""

from __future__ import annotations

from django import template

from units.selectors.slipcheck import pretty, slip_code, slips_with_acts

register = template.Library()


@register.simple_tag
def slip_acts(rows) -> dict:
    """``{% slip_acts rows as acts %}``: the acts of the slips in ``rows`` (slips, or (slip, state) pairs)."""
    slips = [row[0] if isinstance(row, tuple | list) else row for row in rows]
    return slips_with_acts(slips)


@register.filter
def acts_of(acts: dict, slip_id: int) -> list:
    return acts.get(slip_id, [])


@register.filter
def verify_code(slip) -> str:
    """The slip's verification code, dashed (for a 核验 link)."""
    return pretty(slip_code(slip))
