"""The warnings inbox (预警, issue 15 point 3): providers that higher apps register, so ``units`` (which
draws the home page and the list) never imports them.

An app registers one provider per kind of warning in its ``AppConfig.ready()``::

    from bianzhi import alerts
    alerts.register("over_quota", "超编单位", units.alerts.over_quota, order=10)

A provider is ``fn(user, *, today) -> list[Alert]``: the warnings of that kind the user may see (an
office role: its regions'; a liaison: its units'; anyone else: none), read through the app's own scoped
selectors with a fixed number of queries however many rows there are. ``alerts_for(user)`` collects
every provider's warnings, most urgent first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


class Level:
    """How urgent a warning is (the order of the inbox), with its Chinese name."""

    URGENT = 1
    WARNING = 2
    NOTICE = 3

    LABELS = {URGENT: "紧急", WARNING: "警示", NOTICE: "提示"}


@dataclass(frozen=True)
class Alert:
    """One warning: its kind (a registered key), level (``Level``), the reason in Chinese, where to act
    (a URL and the link's text), the region, and optionally the unit and a due date."""

    kind: str
    level: int
    message: str
    link: str
    link_text: str
    region: str = ""
    unit_id: int | None = None
    due: dt.date | None = None

    @property
    def level_label(self) -> str:
        return Level.LABELS.get(self.level, "")

    @property
    def kind_label(self) -> str:
        provider = _PROVIDERS.get(self.kind)
        return provider.label if provider else self.kind


@dataclass(frozen=True)
class Provider:
    kind: str
    label: str
    fn: Callable[..., list[Alert]]
    order: int


_PROVIDERS: dict[str, Provider] = {}


def register(kind: str, label: str, fn: Callable[..., list[Alert]], *, order: int = 100) -> None:
    """Add (or replace, on a second ``ready()``) the provider of one kind of warning."""
    _PROVIDERS[kind] = Provider(kind, label, fn, order)


def kinds() -> list[tuple[str, str]]:
    """(kind, Chinese label) of every registered provider, in order (the list page's filter)."""
    return [(p.kind, p.label) for p in sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.kind))]


def _key(alert: Alert, order: dict[str, int]) -> tuple:
    return (alert.level, alert.due or dt.date.max, order.get(alert.kind, 999), alert.message)


def alerts_for(user, *, today: dt.date | None = None, kind: str | None = None) -> list[Alert]:
    """Every warning the user may see (or only those of ``kind``): most urgent first, then by due date
    (soonest first), then by kind."""
    today = today or timezone.localdate()
    providers = sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.kind))
    if kind:
        providers = [p for p in providers if p.kind == kind]
    order = {p.kind: i for i, p in enumerate(providers)}
    found: list[Alert] = []
    for provider in providers:
        found.extend(provider.fn(user, today=today))
    return sorted(found, key=lambda a: _key(a, order))


def counts(alerts: list[Alert]) -> list[tuple[str, str, int]]:
    """(kind, label, count) of each registered kind that has warnings, in the registry's order."""
    n: dict[str, int] = {}
    for a in alerts:
        n[a.kind] = n.get(a.kind, 0) + 1
    return [(k, label, n[k]) for k, label in kinds() if n.get(k)]
