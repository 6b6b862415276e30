"""Forms of the comparison pages: they check the shape of the input; the services check the rules."""

from __future__ import annotations

from django import forms
from django.conf import settings

from verification.compare.data import SOURCE_LABEL
from verification.compare.engine import CODES
from verification.findings.models import AnswerKind, FindingStatus

PRESENCE_CHOICES = [("", "全部"), ("new", "本次新增"), ("open", "仍存在（非新增）"), ("gone", "已消失")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    source = forms.ChoiceField(label="数据来源")
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    file = forms.FileField(label="数据文件（.xlsx / .xls / .csv）")

    def __init__(self, *args, sources: list[str], regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s, SOURCE_LABEL[s]) for s in sources]
        self.fields["region"].queryset = regions
        only = list(regions[:2])
        if len(only) == 1:
            self.fields["region"].widget = forms.HiddenInput()
            self.fields["region"].initial = only[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大：上限为 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB。")
        return upload


class RunForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    cutoff = forms.DateField(label="数据采集时间节点（留空为当前）", required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class FindingFilterForm(forms.Form):
    code = forms.ChoiceField(label="问题类型", required=False)
    source = forms.ChoiceField(label="数据来源", required=False)
    unit = forms.CharField(label="单位名称", required=False, max_length=100)
    township = forms.CharField(label="所在乡镇", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False)
    presence = forms.ChoiceField(label="与上次比对相比", required=False, choices=PRESENCE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            ("", "全部"),
            *CODES.items(),
        ]  # the code is the value, the Chinese name is shown
        self.fields["source"].choices = [("", "全部")] + list(SOURCE_LABEL.items())
        self.fields["status"].choices = [("", "全部"), *FindingStatus.choices]
        self.fields["township"].widget.attrs["list"] = "townships"


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(
        label="答复类型",
        choices=[
            (AnswerKind.EXPLAINED, "情况说明（数据无误或另有原因）"),
            (AnswerKind.FIXED, "已整改（已更正本方数据）"),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial=AnswerKind.EXPLAINED,
    )
    text = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    files = MultipleFileField(label="附件（PDF、JPG、PNG、TIFF，可多选）", required=False)

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or AnswerKind.EXPLAINED


class DecideForm(forms.Form):
    DECISIONS = [
        (FindingStatus.FIXED, "接受：已整改"),
        (FindingStatus.UNFOUNDED, "接受：不属实"),
        ("return", "退回：重新说明"),
    ]
    decision = forms.ChoiceField(label="审核结果", choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label="审核意见（退回时必填）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AliasForm(forms.Form):
    run = forms.IntegerField(widget=forms.HiddenInput)
    source = forms.CharField(widget=forms.HiddenInput, max_length=10)
    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    unit = forms.IntegerField(widget=forms.HiddenInput)
