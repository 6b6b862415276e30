"""Forms of the api app: the token pages (the rules live in ``api.services``)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone

from api import selectors
from api.models import SOURCES, ApiToken


class TokenFilterForm(forms.Form):
    q = forms.CharField(
        label="查找", required=False, widget=forms.TextInput(attrs={"placeholder": "名称、前缀、账号或姓名"})
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *ApiToken.Status.choices])


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        profile = getattr(obj, "profile", None)
        name = profile.full_name if profile and profile.full_name else ""
        department = profile.department if profile and profile.department else ""
        return "　".join(filter(None, [obj.username, name, department]))


class TokenIssueForm(forms.Form):
    account = AccountChoice(label="账号", queryset=None, empty_label="请选择账号")
    name = forms.CharField(label="名称（用途）", max_length=100, help_text="如：人社局工资系统、财政预算系统")
    region = forms.ModelChoiceField(
        label="区划", queryset=None, empty_label=None, help_text="令牌只能读取该区划及其下级区划"
    )
    source = forms.ChoiceField(
        label="数据来源",
        choices=SOURCES,
        required=False,
        help_text="协作部门经办人的令牌必须是本部门的来源；编办人员的令牌可不限",
    )
    can_write = forms.BooleanField(
        label="可写入", required=False, help_text="报送数据、登记办理情况、答复问题等"
    )
    personal_data = forms.BooleanField(
        label="可查看个人信息",
        required=False,
        help_text="完整的公民身份号码；只有编办管理员和工作人员的账号可以授予",
    )
    expires_on = forms.DateField(
        label="有效期至",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="默认一年，最长一年",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = selectors.issuable_accounts(user)
        self.fields["region"].queryset = selectors.issuable_regions(user).order_by("code")
        if not self.is_bound:
            self.initial.setdefault("expires_on", timezone.localdate() + dt.timedelta(days=365))

    def expires_at(self) -> dt.datetime:
        """The end of the chosen day, local time."""
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise forms.ValidationError("有效期必须晚于今天。")
        if day > timezone.localdate() + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS - 1):
            raise forms.ValidationError(f"有效期最长{settings.API_TOKEN_MAX_DAYS - 1}天。")
        return day


class RevokeForm(forms.Form):
    reason = forms.CharField(label="吊销原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
