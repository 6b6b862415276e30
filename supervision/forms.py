"""One form per action of 监督检查. Rows an action names (a unit, a Document by number) are limited to the
user's scope, so anything else is a validation error on the form. Final actions need the confirm box."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from archives.services import resolve_numbers
from supervision.choices import (
    NO,
    YES,
    AnswerWay,
    InspectionKind,
    Item,
    MatterKind,
    Measure,
    NoticeStatus,
    QuestionnaireStatus,
    ReportStatus,
    Source,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: str, *, required: bool = True, initial=None) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), initial=initial)


def confirm(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=True)


def numbers(region, text: str) -> list:
    """The Documents of the region named by 文号 (one per line); an unknown one is the field's error."""
    try:
        return resolve_numbers(region, text)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None


def blank(choices) -> list:
    return [("", "全部"), *choices]


class RegionForm(forms.Form):
    """A region field, shown only when the user works for more than one."""

    region = forms.ModelChoiceField(label="区划", queryset=None, required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if regions.count() <= 1:
            self.fields["region"].widget = forms.HiddenInput()

    def clean_region(self):
        return self.cleaned_data.get("region") or self.fields["region"].queryset.first()


# ---- settings ---------------------------------------------------------------------------------------------------


class SettingForm(forms.Form):
    deadline_days = forms.IntegerField(label="举报办理时限（工作日）", min_value=1, max_value=90)
    phones = forms.CharField(
        label="监督举报电话", max_length=200, required=False, help_text="多个号码用顿号或逗号分隔。"
    )
    show_on_home = forms.BooleanField(label="在编办首页显示举报电话", required=False)
    show_to_liaisons = forms.BooleanField(label="在单位联络员首页显示举报电话", required=False)
    show_on_notices = forms.BooleanField(label="在整改通知书上印举报电话", required=False)


# ---- 举报 ------------------------------------------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=blank(ReportStatus.choices))
    matter = forms.ChoiceField(label="问题类别", required=False, choices=blank(MatterKind.choices))
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label="只看逾期", required=False)


class ReportForm(RegionForm):
    source = forms.ChoiceField(label="来源", choices=Source.choices)
    received_on = date_field("受理日期")
    anonymous = forms.BooleanField(label="匿名举报（不留姓名和联系方式）", required=False)
    reporter_name = forms.CharField(label="举报人姓名", max_length=50, required=False)
    reporter_contact = forms.CharField(label="联系方式", max_length=100, required=False)
    unit = forms.ModelChoiceField(
        label="被举报单位", queryset=None, required=False, empty_label="（未指明单位）"
    )
    matter = forms.ChoiceField(label="问题类别", choices=MatterKind.choices)
    summary = forms.CharField(label="举报内容摘要", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class StepForm(forms.Form):
    on = date_field("日期")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RefuseForm(forms.Form):
    on = date_field("日期")
    reason = forms.CharField(label="不予受理理由", widget=forms.Textarea(attrs={"rows": 3}))
    confirm = confirm("我确认不予受理（此后不能再改变）")


class ExtendForm(forms.Form):
    until = date_field("延期至")
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    on = date_field("办结日期")
    investigation = forms.CharField(label="调查情况", widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.CharField(label="办理结果", widget=forms.Textarea(attrs={"rows": 3}))
    answer_way = forms.ChoiceField(label="答复方式", choices=[("", "——"), *AnswerWay.choices], required=False)
    answered_on = date_field("答复日期", required=False)
    documents = forms.CharField(
        label="形成的文件（文号）", required=False, help_text="每行一个文号，文件须已在文件档案中登记。"
    )
    confirm = confirm("我确认办结（此后不能再改变）")

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region

    def clean_documents(self):
        return numbers(self.region, self.cleaned_data.get("documents", ""))


# ---- self-inspection ------------------------------------------------------------------------------------------


class SelfInspectionForm(RegionForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    deadline = date_field("报送截止日期")
    note = forms.CharField(label="工作要求", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class QuestionnaireFilterForm(forms.Form):
    STATUS = [("", "全部"), ("未答", "未报送（未填报或已退回）"), *QuestionnaireStatus.choices]
    q = forms.CharField(label="单位名称", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS)


class QuestionnaireForm(forms.Form):
    """The whole questionnaire on one page: per item 是/否 and an explanation; the office adds the
    代填 reason. The button pressed (保存 / 提交) is ``submit``."""

    on_behalf_reason = forms.CharField(label="代填原因", max_length=200, required=False)

    def __init__(self, *args, rows, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            item = row["item"]
            self.fields[f"answer_{item}"] = forms.ChoiceField(
                label=row["label"],
                choices=[(YES, YES), (NO, NO)],
                required=False,
                widget=forms.RadioSelect,
                initial=row["answer"],
            )
            self.fields[f"text_{item}"] = forms.CharField(
                label="说明", required=False, initial=row["text"], widget=forms.Textarea(attrs={"rows": 2})
            )
        if not office:
            del self.fields["on_behalf_reason"]
        self.fields["submit"] = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def answers(self) -> dict[str, tuple[str, str]]:
        d = self.cleaned_data
        return {i: (d.get(f"answer_{i}") or "", d.get(f"text_{i}") or "") for i in Item.values}

    def items(self):
        return [(self[f"answer_{i}"], self[f"text_{i}"]) for i in Item.values]


class AttachForm(forms.Form):
    upload = forms.FileField(label="附件（PDF 或图片）")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("accept", "通过"), ("return", "退回")])
    reason = forms.CharField(label="退回理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))


# ---- inspections ------------------------------------------------------------------------------------------------


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label="检查名称", required=False)
    kind = forms.ChoiceField(label="检查类别", required=False, choices=blank(InspectionKind.choices))
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)


class InspectionForm(RegionForm):
    kind = forms.ChoiceField(label="检查类别", choices=InspectionKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=dt.date.today().year)
    title = forms.CharField(label="检查名称", max_length=100)
    inspected_on = date_field("检查日期")
    units = forms.ModelMultipleChoiceField(
        label="检查单位", queryset=None, widget=forms.SelectMultiple(attrs={"size": 10})
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None)
    kind = forms.ChoiceField(label="问题类别", choices=MatterKind.choices)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="处理", choices=[("confirm", "确认问题"), ("dismiss", "排除")])
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeIssueForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None)
    deadline = date_field("整改期限")
    requirements = forms.CharField(label="整改要求", widget=forms.Textarea(attrs={"rows": 4}))
    confirm = confirm("我确认签发整改通知书（编号一经取用不再收回）")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class NoticeFilterForm(forms.Form):
    q = forms.CharField(label="文号或单位", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=blank(NoticeStatus.choices))
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)


class EvidenceForm(forms.Form):
    body = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 4}))
    upload = forms.FileField(label="附件（PDF 或图片，可不传）", required=False)


class CloseNoticeForm(forms.Form):
    note = forms.CharField(label="销号意见", widget=forms.Textarea(attrs={"rows": 3}))
    confirm = confirm("我确认整改已完成，予以销号")


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新整改理由", widget=forms.Textarea(attrs={"rows": 3}))
    confirm = confirm("我确认重新打开整改")


class AccountabilityForm(forms.Form):
    person = forms.CharField(label="问责对象", max_length=100)
    measure = forms.ChoiceField(label="问责方式", choices=Measure.choices)
    decided_on = date_field("问责日期")
    document = forms.CharField(label="问责文件文号", required=False, help_text="文件须已在文件档案中登记。")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region

    def clean_document(self):
        found = numbers(self.region, self.cleaned_data.get("document", ""))
        if len(found) > 1:
            raise ValidationError("请只填写一个文号。")
        return found[0] if found else None


# ---- statistics -------------------------------------------------------------------------------------------------


class YearForm(RegionForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class ArchiveForm(YearForm):
    confirm = confirm("我确认将本年度统计表和举报办结情况归入监督检查独立档案")
