"""预警 (issue 15 point 3): every warning the user may see (``bianzhi.alerts``), filtered by kind and
searched, a page at a time. Office roles see their regions', a liaison their units'; anyone else none."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi import alerts
from bianzhi.lib.http import paginate
from bianzhi.roles import can, require
from units import selectors


class AlertFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    kind = forms.ChoiceField(label="类别", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类别"), *alerts.kinds()]


def alert_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (can(user, "view_registry") or selectors.liaison_unit_ids(user)):
        require(user, "liaise")  # a partner's clerk: 403 with the liaison's refusal
    form = AlertFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    every = alerts.alerts_for(user)
    found = [a for a in every if a.kind == data["kind"]] if data.get("kind") else every
    if q := (data.get("q") or "").strip():
        found = [a for a in found if q in a.message or q in a.region]
    return render(
        request,
        "units/alerts.html",
        {"form": form, "page": paginate(request, found), "counts": alerts.counts(every), "total": len(every)},
    )
