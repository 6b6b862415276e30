"""Form widgets every app uses the same way."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """Django's ``Select`` with its HTML written in Python. Django builds a dict per option and renders
    it through its own template (an include per option): a county's 500 units cost 50–100 ms on every
    list page that offers them as a filter. The markup is the same (tests/test_widgets.py compares them);
    it skips ``optgroups``/``create_option``, so a subclass that overrides those needs ``forms.Select``."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        multiple = self.allow_multiple_selected
        if multiple:
            attrs["multiple"] = True
        values = self.format_value(value)
        has_selected = False

        def option(value, label) -> str:
            nonlocal has_selected
            selected = (not has_selected or multiple) and str(value) in values
            has_selected |= selected
            shown = "" if value is None else escape(value)
            return f'<option value="{shown}"{" selected" if selected else ""}>{conditional_escape(label)}</option>'

        parts = []
        for group, label in self.choices:
            if isinstance(label, (list, tuple)):
                inner = "\n".join(option(v, sub) for v, sub in label)
                parts.append(f'<optgroup label="{escape(group)}">\n{inner}\n</optgroup>')
            else:
                parts.append(option("" if group is None else group, label))
        body = "\n".join(parts)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>\n{body}\n</select>')


class NameChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice's options from (pk, name) pairs: no model instance is built per option (500 units
    on a county's filters). For fields whose label is the ``name`` column and whose value is the pk."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name").iterator()
