"""Template access to the ledgers for pages of lower apps (the dashboard), so ``units`` never imports ``ledgers``."""

from django import template

from ledgers.selectors import last_check

register = template.Library()


@register.simple_tag
def ledger_last_check():
    """The latest check_ledgers result (or None)."""
    return last_check()
