"""Input shape of the accounts pages (the rules live in ``accounts.services``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts import selectors
from bianzhi.roles import Role

ROLE_CHOICES = [(r.value, r.value) for r in Role]


class AccountFilterForm(forms.Form):
    q = forms.CharField(
        label="查找", required=False, widget=forms.TextInput(attrs={"placeholder": "账号、姓名、手机或部门"})
    )
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部")] + ROLE_CHOICES)
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "启用"), ("0", "已停用")]
    )


class _RegionsMixin:
    def _limit_regions(self, user) -> None:
        regions = selectors.manageable_regions(user).order_by("code")
        self.fields["regions"].queryset = regions
        if len(regions) == 1 and not self.is_bound and not self.initial.get("regions"):
            self.initial["regions"] = list(regions)


class AccountForm(_RegionsMixin, forms.Form):
    """The system administrator's account form: no role (the security administrator gives it)."""

    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机", max_length=20, required=False)
    department = forms.CharField(label="所在部门/单位", max_length=100, required=False)
    regions = forms.ModelMultipleChoiceField(
        label="所辖区划", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_regions(user)


class AccountCreateForm(AccountForm):
    username = forms.CharField(label="账号", max_length=150, help_text="登录用的账号：字母、数字或 _ . @ + -")
    password1 = forms.CharField(
        label="初始密码",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="留空则由系统生成；无论哪种，首次登录都必须修改。",
    )
    password2 = forms.CharField(label="再次输入初始密码", required=False, widget=forms.PasswordInput)
    field_order = [
        "username",
        "full_name",
        "phone",
        "department",
        "regions",
        "password1",
        "password2",
    ]

    def clean(self):
        data = super().clean()
        if (data.get("password1") or "") != (data.get("password2") or ""):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=[("", "（不分配角色）")] + ROLE_CHOICES, required=False)
    reason = forms.CharField(label="原因", required=False, max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, max_length=200)


class GrantForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label="请选择单位")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.grantable_units(user)


class UnitGrantForm(forms.Form):
    account = forms.ModelChoiceField(label="联络员账号", queryset=None, empty_label="请选择已有的联络员账号")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        liaisons = selectors.accounts_for(user).filter(groups__name=Role.LIAISON.value, is_active=True)
        self.fields["account"].queryset = liaisons.select_related("profile").order_by("username")
        self.fields["account"].label_from_instance = lambda u: f"{u.profile.full_name}（{u.username}）"


class LiaisonImportForm(_RegionsMixin, forms.Form):
    file = forms.FileField(label="联络员名单（.xlsx）")
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    dry_run = forms.BooleanField(label="仅校验（不写入）", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = selectors.manageable_regions(user).order_by("code")
        self.fields["region"].queryset = regions
        if len(regions) == 1:
            self.fields["region"].widget = forms.HiddenInput()
            self.fields["region"].initial = regions[0]
            self.fields["region"].required = False
        self._only = regions[0] if len(regions) == 1 else None

    def clean_region(self):
        region = self.cleaned_data.get("region") or self._only
        if region is None:
            raise forms.ValidationError("请选择行政区划。")
        return region

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大：上限为 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB。")
        return upload


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码（或管理员给您的初始密码）", widget=forms.PasswordInput)
    new_password1 = forms.CharField(
        label="新密码", widget=forms.PasswordInput, help_text="至少8位，不能是常见密码，不能全是数字。"
    )
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class RegionForm(forms.Form):
    code = forms.CharField(label="区划代码", max_length=6, help_text="六位 GB/T 2260 代码，如 621125")
    name = forms.CharField(label="区划名称", max_length=50, help_text="如：漳县")


class SetupForm(RegionForm):
    username = forms.CharField(label="管理员账号", max_length=150)
    full_name = forms.CharField(label="管理员姓名", max_length=50)
    password1 = forms.CharField(
        label="密码", widget=forms.PasswordInput, help_text="至少8位，不能是常见密码。"
    )
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput)
    system_admin = forms.CharField(
        label="系统管理员账号", max_length=150, initial="sysadmin", help_text="管理账号、区划和系统设置。"
    )
    security_admin = forms.CharField(
        label="安全管理员账号",
        max_length=150,
        initial="secadmin",
        help_text="分配角色、授权联络员、解除登录锁定。",
    )
    audit_admin = forms.CharField(
        label="审计管理员账号",
        max_length=150,
        initial="auditor",
        help_text="查阅和导出审计日志，不能修改数据。",
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


def account_label(user) -> str:
    profile = getattr(user, "profile", None)
    return f"{profile.full_name}（{user.get_username()}）" if profile else user.get_username()


User = get_user_model()


class AuditFilterForm(forms.Form):
    """The audit trail page's search (GET)."""

    actor = forms.CharField(label="操作人", required=False, max_length=100)
    action = forms.CharField(label="操作", required=False, max_length=60)
    target = forms.CharField(label="对象", required=False, max_length=300)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ModelChoiceField(label="区划", queryset=None, required=False, empty_label="全部")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors.audit_regions(user).order_by("code")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data

    def filters(self) -> dict:
        """The search as plain text (for the export's audit row)."""
        data = self.cleaned_data
        return {k: str(v) for k, v in data.items() if v not in (None, "")}


class RegionAddForm(forms.Form):
    """登记行政区划 on the regions page: code, name, the parent among the administrator's regions (or none)
    and the level (default: the code's)."""

    code = forms.CharField(
        label="区划代码", max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    name = forms.CharField(label="区划名称", max_length=50)
    parent = forms.ModelChoiceField(label="上级区划", queryset=None, required=False, empty_label="（无上级）")
    level = forms.ChoiceField(
        label="层级",
        required=False,
        choices=[("", "按代码判断"), ("省级", "省级"), ("市级", "市级"), ("县级", "县级")],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            selectors.manageable_regions(user).exclude(level="县级").order_by("code")
        )
