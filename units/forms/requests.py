"""Forms of the 核编在先 pages: 用编申请, its review, 编制使用单 and 机构限额. Shape only; services check rules."""

from __future__ import annotations

import uuid

from django import forms
from django.db.models import QuerySet

from archives.models import Document
from bianzhi.models import Region
from units.choices import EXPIRED, EntryMethod, EstablishmentType, RequestStatus, SlipStatus
from units.forms.registry import ALL, DATE, UnitChoiceField, _blank, document_field
from units.models import Person, Unit

SLIP_STATES = [*SlipStatus.choices, (EXPIRED, EXPIRED)]
COUNTY = ""  # OrganLimit.township of the county-level limit


class LeaverChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        left = f"{obj.left_on:%Y-%m-%d}" if obj.left_on else ""
        return f"{obj.name}（{obj.unit.name} {obj.establishment_type}，{left}{obj.leave_reason}出编）"


class RequestCreateForm(forms.Form):
    unit = UnitChoiceField(label="申请单位", queryset=Unit.objects.none(), empty_label="请选择单位")
    establishment_type = forms.ChoiceField(
        label="编制类型",
        choices=_blank(EstablishmentType.choices),
        help_text="行政机关用行政编制、政法专项编制或工勤编制；事业单位用事业编制或工勤编制。",
    )
    count = forms.IntegerField(
        label="申请数（名）",
        initial=1,
        min_value=1,
        max_value=200,
        error_messages={
            "min_value": "申请数必须是正整数（至少1名）。",
            "max_value": "一次最多申请200名。",
            "invalid": "申请数必须是正整数。",
        },
    )
    entry_method = forms.ChoiceField(label="进入方式", choices=_blank(EntryMethod.choices))
    planned_on = forms.DateField(label="计划入编时间", widget=DATE, help_text="不能早于今天。")
    replacement_for = LeaverChoiceField(
        label="出一进一：对应的出编人员",
        required=False,
        queryset=Person.objects.none(),
        empty_label="（不是出一进一）",
        help_text="平编或超编单位只能按“出一进一”申请1名，须对应一名已从本单位同类编制出编的人员。",
    )
    reason = forms.CharField(label="申请理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, units: QuerySet[Unit], leavers: QuerySet[Person], **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["replacement_for"].queryset = leavers.select_related("unit").order_by("-left_on", "-id")


class ApproveForm(forms.Form):
    valid_days = forms.IntegerField(
        label="有效期（天）",
        initial=90,
        min_value=1,
        max_value=366,
        help_text="编制使用单自批准之日起在有效期内使用，过期后预留的编制自动释放。",
        error_messages={"min_value": "有效期至少1天。", "max_value": "有效期最长366天。"},
    )
    note = forms.CharField(label="审核意见", required=False, max_length=1000)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="不予批准的理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "不予批准必须填写理由。"},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回说明", required=False, max_length=1000)


class SlipVoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "作废编制使用单必须填写原因。"},
    )
    confirm = forms.BooleanField(label="我已核对：作废后该使用单不能再用于入编，预留的编制随即释放。")


class RequestFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "单位名称或申请理由"})
    )
    status = forms.ChoiceField(label="状态", required=False, choices=ALL + RequestStatus.choices)
    unit = UnitChoiceField(label="单位", required=False, queryset=Unit.objects.none(), empty_label="全部单位")
    establishment_type = forms.ChoiceField(
        label="编制类型", required=False, choices=ALL + EstablishmentType.choices
    )

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SlipFilterForm(forms.Form):
    q = forms.CharField(
        label="编号", required=False, widget=forms.TextInput(attrs={"placeholder": "编制使用单编号"})
    )
    status = forms.ChoiceField(label="状态", required=False, choices=ALL + SLIP_STATES)
    unit = UnitChoiceField(label="单位", required=False, queryset=Unit.objects.none(), empty_label="全部单位")

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class OrganLimitForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.none(), empty_label=None)
    township = forms.ChoiceField(label="限额范围", required=False)  # "" is the county-level limit
    limit = forms.IntegerField(
        label="限额（个）",
        min_value=1,
        error_messages={"min_value": "机构限额必须是正整数。", "invalid": "机构限额必须是正整数。"},
    )
    set_on = forms.DateField(label="核定日期", widget=DATE)
    document = forms.ModelChoiceField(queryset=Document.objects.none())

    def __init__(
        self, *args, regions: QuerySet[Region], townships: list[str], documents: QuerySet[Document], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["township"].choices = [(COUNTY, "县级党政机构")] + [
            (t, f"{t}内设综合办事机构") for t in townships
        ]
        self.fields["document"] = document_field(
            documents, required=True, help_text="机构限额依据上级批准文件核定。"
        )
