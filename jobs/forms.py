"""Forms of the jobs pages: the list's search and the 系统管理员's import setting."""

from __future__ import annotations

from django import forms

from jobs.models import JobStatus


class JobSearchForm(forms.Form):
    q = forms.CharField(label="任务或提交人", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + list(JobStatus.choices))


class JobSettingForm(forms.Form):
    region = forms.ModelChoiceField(
        label="区划", queryset=None, required=False, empty_label="全站（未单独设置的区划）"
    )
    import_queue_kb = forms.IntegerField(
        label="导入转后台的文件大小（KB）",
        min_value=0,
        max_value=10_000_000,
        help_text="上传的工作簿超过此大小时作为后台任务导入，页面显示进度；0 表示一律作为后台任务。",
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class JobCancelForm(forms.Form):
    confirm = forms.BooleanField(label="确认取消此任务", required=True)
