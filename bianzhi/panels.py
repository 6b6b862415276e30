"""Dashboard panels that higher apps contribute to the home page, so ``units`` (which draws the home
page) never imports them.

An app registers a panel in its ``AppConfig.ready()``::

    from bianzhi import panels
    panels.register("registration/_dashboard.html", registration.selectors.dashboard_panel, order=20)

The context function takes the request and returns the template's context, or ``None`` when the panel
does not apply to this user (wrong role, nothing to show). The home page draws every panel that applies,
in ``order``, with ``{% dashboard_panels %}`` (``bianzhi_tags``): those ordered below ``TOP`` above the
registry's figures (``{% dashboard_panels top=True %}``), the others below them (``top=False``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable
    order: int


_PANELS: dict[str, Panel] = {}


def register(template: str, context: Callable, *, order: int = 100) -> None:
    """Add (or replace, on a second ``ready()``) the panel drawn by ``template``."""
    _PANELS[template] = Panel(template, context, order)


TOP = 10  # panels ordered below this are drawn at the top of the home page (the 预警 inbox), the others
# after the registry's own figures


def panels_for(request, *, top: bool | None = None) -> list[tuple[str, dict]]:
    """(template, context) of each registered panel that applies to the request's user, in order; only
    the top ones (``order < TOP``) or only the others when ``top`` is given."""
    drawn = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.template)):
        if top is not None and (panel.order < TOP) != top:
            continue
        context = panel.context(request)
        if context is not None:
            drawn.append((panel.template, context))
    return drawn
