"""Forms of the key-task pages: input shape only (the services check the rules)."""

from __future__ import annotations

from django import forms

from keytasks.choices import TaskKind, TaskStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBERS_HELP = "每行一个文号（也可用顿号、分号分隔），须为已登记的文件。"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class FilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "工作名称、目标、牵头负责"}),
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *TaskStatus.choices])


class TaskForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="工作类别", choices=TaskKind.choices)
    name = forms.CharField(label="工作名称", max_length=100)
    goal = forms.CharField(label="工作目标", widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.CharField(label="牵头负责", max_length=100, help_text="牵头领导或科室")
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    due_on = forms.DateField(label="计划完成日期", widget=DATE)
    document_numbers = forms.CharField(
        label="依据文件文号", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=NUMBERS_HELP
    )
    stages = forms.CharField(
        label="工作阶段",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个阶段，按先后顺序。",
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_stages(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["stages"].splitlines() if line.strip()]


class TaskEditForm(forms.Form):
    kind = forms.ChoiceField(label="工作类别", choices=TaskKind.choices)
    name = forms.CharField(label="工作名称", max_length=100)
    goal = forms.CharField(label="工作目标", widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.CharField(label="牵头负责", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    due_on = forms.DateField(label="计划完成日期", widget=DATE)
    document_numbers = forms.CharField(
        label="依据文件文号", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=NUMBERS_HELP
    )
    reason = forms.CharField(label="修改原因", required=False, max_length=200)


class DefaultsForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class StageForm(forms.Form):
    name = forms.CharField(label="阶段名称", max_length=100)
    planned_start = forms.DateField(label="计划开始", required=False, widget=DATE)
    planned_end = forms.DateField(label="计划完成", required=False, widget=DATE)


class StageDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE)
    note = forms.CharField(label="完成说明", required=False, max_length=300)


class ProgressForm(forms.Form):
    occurred_on = forms.DateField(label="日期", widget=DATE)
    stage = forms.ModelChoiceField(
        label="所属阶段", queryset=None, required=False, empty_label="（不属于某一阶段）"
    )
    text = forms.CharField(label="工作进展", widget=forms.Textarea(attrs={"rows": 4}))
    document_numbers = forms.CharField(
        label="相关文件文号", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=NUMBERS_HELP
    )
    uploads = MultipleFileField(
        label="附件", required=False, help_text="扫描件：PDF、JPG、PNG 或 TIFF，可多选。"
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label="完成日期", widget=DATE)
    results = forms.CharField(label="完成情况和成果", widget=forms.Textarea(attrs={"rows": 5}))
    confirm = forms.BooleanField(
        label="我已核对：完成后整本台账（PDF）归入相应独立档案永久保存，本项工作不能再修改。"
    )
