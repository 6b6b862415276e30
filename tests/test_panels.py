"""Home-page panels that higher apps register (bianzhi.panels): drawn in order, only where they apply,
the 预警 inbox above the registry's figures and the others below."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import reverse

from bianzhi import panels


def test_order_top_and_applicability(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})
    panels.register("b.html", lambda request: {"n": 2}, order=40)
    panels.register("a.html", lambda request: {"n": 1}, order=5)
    panels.register("hidden.html", lambda request: None, order=1)
    request = RequestFactory().get("/")
    assert panels.panels_for(request) == [("a.html", {"n": 1}), ("b.html", {"n": 2})]
    assert panels.panels_for(request, top=True) == [("a.html", {"n": 1})]
    assert panels.panels_for(request, top=False) == [("b.html", {"n": 2})]


def test_the_inbox_comes_before_the_figures_and_the_apps_after(client, office_staff):
    client.force_login(office_staff)
    page = client.get(reverse("units:dashboard")).content.decode()
    inbox, figures = page.index('class="panel alerts-panel"'), page.index("正常机构")
    registration = page.index('class="panel registration-panel"')
    assert inbox < figures < registration
