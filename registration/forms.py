"""One form per action of 事业单位登记管理; the services check every rule again."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from registration.models import (
    CHANGEABLE,
    REPORT_FIELDS,
    AnnualReport,
    ApplicationKind,
    ApplicationStatus,
    RecordStatus,
)
from registration.selectors import FILTERS
from units.choices import Funding

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordFilterForm(forms.Form):
    q = forms.CharField(label="名称、统一社会信用代码或证书号", required=False, max_length=100)
    status = forms.ChoiceField(
        label="登记状态", required=False, choices=[("", "全部"), *RecordStatus.choices]
    )


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label="单位名称或证书号", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="申请类别", required=False, choices=[("", "全部"), *ApplicationKind.choices]
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ApplicationStatus.choices]
    )


class DataFields(forms.Form):
    """The registered facts an application names (设立: all of them; 变更: only those that change)."""

    name = forms.CharField(label="名称", required=False, max_length=100)
    credit_code = forms.CharField(
        label="统一社会信用代码", required=False, max_length=30, help_text="设立登记填写"
    )
    purpose = forms.CharField(
        label="宗旨和业务范围", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label="住所", required=False, max_length=200)
    legal_rep = forms.CharField(label="法定代表人", required=False, max_length=50)
    capital = forms.DecimalField(
        label="开办资金（万元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    funding = forms.ChoiceField(label="经费来源", required=False, choices=[("", "—"), *Funding.choices])
    sponsor = forms.CharField(label="举办单位", required=False, max_length=100)
    explanation = forms.CharField(label="申请说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    DATA = ("name", "credit_code", "purpose", "address", "legal_rep", "capital", "funding", "sponsor")

    def data_values(self) -> dict:
        d = self.cleaned_data
        return {k: ("" if d.get(k) is None else str(d[k])) for k in self.DATA if d.get(k) not in (None, "")}


class ApplicationCreateForm(DataFields):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label="请选择单位")
    kind = forms.ChoiceField(label="申请类别", choices=ApplicationKind.choices)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.order_fields(["unit", "kind", *self.DATA, "explanation"])


class ApplicationEditForm(DataFields):
    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == ApplicationKind.CANCEL:
            for name in self.DATA:
                del self.fields[name]
        elif kind == ApplicationKind.CHANGE:
            for name in self.DATA:
                if name not in CHANGEABLE:
                    del self.fields[name]


class AttachForm(forms.Form):
    material = forms.ChoiceField(label="材料")
    upload = forms.FileField(label="文件（PDF、JPG、PNG 或 TIFF）")

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [(m, m) for m in materials]


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(label="我已核对：申请内容属实，提交后由编办审核，审核期间不能修改。")


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(label="我已核对材料：核准后登记事项随即生效，并归入独立档案。")


class ReturnForm(forms.Form):
    deficient = forms.MultipleChoiceField(
        label="不符合要求的材料", required=False, widget=forms.CheckboxSelectMultiple
    )
    reasons = forms.CharField(
        label="退回理由（每行一条）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="未上传的材料会自动列入，一次性告知申请人。",
    )

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deficient"].choices = [(m, m) for m in materials]


class ReissueForm(forms.Form):
    reason = forms.CharField(label="补领原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label="我已核对：补领证书将记录在案，原证书作废。")


class YearForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=2000)
    deadline = forms.DateField(label="报送截止日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["deadline"].initial = dt.date(timezone.localdate().year, 3, 31)


class YearFilterForm(forms.Form):
    q = forms.CharField(label="名称、统一社会信用代码或证书号", required=False, max_length=100)
    state = forms.ChoiceField(label="报送情况", required=False, choices=[("", "全部"), *FILTERS.items()])


class ReportForm(forms.ModelForm):
    submit = forms.BooleanField(label="填好后提交编办审核（提交后不能修改）", required=False)

    class Meta:
        model = AnnualReport
        fields = REPORT_FIELDS
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in ("activities", "organization", "licenses", "donations", "investments", "other")
        }

    def values(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in REPORT_FIELDS}


class ReportReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReportAcceptForm(forms.Form):
    confirm = forms.BooleanField(label="我已审核：年度报告内容完整，予以通过（归入独立档案）。")
