"""Forms of the 统计年报 pages: input shape only (the services check the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone


class SearchForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "年度（如 2021）或区划名称"}),
    )


class GenerateForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    year = forms.IntegerField(
        label="年度", min_value=1949, max_value=2100, help_text="统计时点为该年12月31日。"
    )
    note = forms.CharField(
        label="说明", required=False, max_length=300, help_text="如：更正某单位数据后重新生成。"
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["year"].initial = timezone.localdate().year - 1


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label="我已核对：报送后该版本年报将归入“机构编制实名制管理档案”，不能撤回（以后可重新生成新版本再报送）。"
    )
