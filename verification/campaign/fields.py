"""The form fields the campaign's forms share: a date as clerks type it, the confirm box of destructive
or final actions, several files in one input."""

from __future__ import annotations

import datetime as dt

from django import forms

from bianzhi.lib.dates import InvalidDate, parse_date

CONFIRM_LABEL = "我已核对，确认办理"


class DateText(forms.CharField):
    """A date as clerks type it (2021-12-31, 2021/12/31, 2021年12月31日 …)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "如 2021-12-31"})
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value) -> dt.date | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_date(value)
        except InvalidDate:
            raise forms.ValidationError("日期格式不正确，请按“2021-12-31”填写。") from None


class Confirm(forms.Form):
    """A final or destructive action: nothing happens unless the box is ticked."""

    confirm = forms.BooleanField(
        label=CONFIRM_LABEL,
        required=True,
        error_messages={"required": "请勾选“我已核对，确认办理”后再提交。"},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFiles(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFiles, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []
