"""Dashboard panels that higher apps contribute to the home page, so ``units`` (which draws the home
page) never imports them.

An app registers a panel in its ``AppConfig.ready()``::

    from bianzhi import panels
    panels.register("registration/_dashboard.html", registration.selectors.dashboard_panel, order=20)

The context function takes the request and returns the template's context, or ``None`` when the panel
does not apply to this user (wrong role, nothing to show). The home page draws every panel that applies,
in ``order``, with ``{% dashboard_panels %}`` (``bianzhi_tags``).
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


def panels_for(request) -> list[tuple[str, dict]]:
    """(template, context) of each registered panel that applies to the request's user, in order."""
    drawn = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.template)):
        context = panel.context(request)
        if context is not None:
            drawn.append((panel.template, context))
    return drawn
