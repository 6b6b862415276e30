"""Forms of the document pages (input shape only; archives.services checks the rules)."""

from __future__ import annotations

from django import forms

from archives.choices import DocumentKind

ALL = [("", "全部")]


class DocumentFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "文号、标题或发文机关"})
    )
    kind = forms.ChoiceField(label="文件类别", required=False, choices=ALL + DocumentKind.choices)
    year = forms.IntegerField(
        label="发文年份",
        required=False,
        min_value=1949,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": "如 2021"}),
    )


class DocumentCreateForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    number = forms.CharField(
        label="文号", max_length=100, help_text="如 漳编发〔2021〕12号；[ ]、［ ］会自动改为〔〕。"
    )
    title = forms.CharField(label="标题", max_length=300)
    issuer = forms.CharField(
        label="发文机关", max_length=100, required=False, help_text="如 中共漳县县委机构编制委员会。"
    )
    issued_on = forms.DateField(
        label="发文日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(label="文件类别", choices=DocumentKind.choices, initial=DocumentKind.COMMITTEE)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    scan = forms.FileField(
        label="扫描件", required=False, help_text="可选：PDF、JPG、PNG 或 TIFF，单个文件不超过上传上限。"
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
