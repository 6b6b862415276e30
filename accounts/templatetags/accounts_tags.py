from django import template

from accounts.selectors import unit_liaisons as _unit_liaisons

register = template.Library()


@register.simple_tag
def unit_liaisons(unit):
    """The accounts that are liaison of ``unit`` (for the 联络员 box of the unit page)."""
    return list(_unit_liaisons(unit))
