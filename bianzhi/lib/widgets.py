"""Form widgets every app uses the same way."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """Django's ``Select`` with its HTML written in Python. Django renders every option through its own
    template (an include per option): a county's 500 units cost 40–60 ms on every list page that offers
    them as a filter. The markup is the same (tests/test_widgets.py compares them)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            html = format_html_join(
                "\n",
                '<option value="{}"{}>{}</option>',
                (
                    ("" if o["value"] is None else o["value"], mark_safe(flatatt(o["attrs"])), o["label"])
                    for o in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">\n{}\n</optgroup>', group, html) if group else html
            )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            mark_safe(flatatt(widget["attrs"])),
            mark_safe("\n".join(parts)),
        )
