"""Forms of the 核验编制使用单 page: the code to check, and a partner department's act. Shape only."""

from __future__ import annotations

from django import forms

from units.forms.registry import DATE
from units.models import SlipAct


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="核验码",
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "placeholder": "如 S000-01AB-CDEF-GHJK，或扫码所得网址",
                "autocomplete": "off",
                "autofocus": True,
            }
        ),
        error_messages={"required": "请输入核验码。"},
    )


class ActForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=200)
    act = forms.ChoiceField(
        label="办理事项", choices=SlipAct.choices, error_messages={"required": "请选择办理事项。"}
    )
    done_on = forms.DateField(
        label="办理日期",
        widget=DATE,
        error_messages={"required": "请填写办理日期。", "invalid": "日期格式应为 2021-12-31。"},
    )
    note = forms.CharField(label="备注（文号等）", max_length=300, required=False)
    confirm = forms.BooleanField(
        label="我确认本部门已办理此项", error_messages={"required": "请勾选确认后再登记。"}
    )

    def __init__(self, *args, acts: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if acts is not None:
            self.fields["act"].choices = [(a, a) for a in acts]
