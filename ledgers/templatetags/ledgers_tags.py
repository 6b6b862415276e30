"""Template access to the ledgers for pages of lower apps (the dashboard), so ``units`` never imports ``ledgers``."""

from django import template

from ledgers import selectors
from ledgers.selectors import last_check

register = template.Library()


@register.simple_tag
def ledger_last_check():
    """The latest check_ledgers result (or None)."""
    return last_check()


@register.simple_tag(takes_context=True)
def table_one_rollup(context, form):
    """表一 of an upper office (issue 17): the regions it may pick and the 分区划小计 of the filtered table
    (one grouped query); empty for a county's office or a liaison."""
    cached = getattr(form, "_table_one_rollup", None)
    if cached is not None:  # the page asks twice (the filters and the table): read once
        return cached
    user = context["request"].user
    regions = selectors.rollup_regions(user)
    lines = selectors.region_subtotals(selectors.table(user, "one", form.values())) if regions else []
    form._table_one_rollup = {"regions": regions, "lines": lines}
    return form._table_one_rollup
