import re

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join

from bianzhi import workdays
from bianzhi.models import AuditEntry, CalendarDay, CalendarYear, Profile, Region

# Keys of the recorded values (AuditEntry, UnitEvent, Movement) that name no field of the record.
KEYS = {
    "aliases": "其他名称",
    "approved": "核定数",
    "balance": "余额",
    "bytes": "字节数",
    "citations": "引用文件",
    "cutoff": "截止日期",
    "delta": "变动数",
    "document": "依据文件",
    "file": "文件",
    "files": "文件",
    "filters": "筛选条件",
    "findings": "问题数",
    "holidays": "节假日",
    "limit": "限额",
    "limit_type": "限额类型",
    "members": "成员",
    "merged_into": "并入机构",
    "on_behalf": "代为办理",
    "overdue": "逾期",
    "ratio": "比例",
    "role": "角色",
    "rows": "行数",
    "run": "比对批次",
    "selected": "所选",
    "seed": "随机种子",
    "size": "大小",
    "slips": "编制使用单",
    "stage": "环节",
    "status": "状态",
    "target": "对象",
    "template": "打印模板",
    "unit": "机构",
    "unit_id": "机构",
    "units": "机构",
    "username": "登录名",
    "value": "值",
    "workdays": "工作日",
    "year": "年度",
}


def _label(key: str, models_: list) -> str:
    for model in models_:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if hasattr(field, "verbose_name"):  # a reverse relation has none: KEYS names it
            return str(field.verbose_name)
    return KEYS.get(key, key)


def _value(value, models_: list) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{_label(k, models_)}：{_value(v, models_)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(_value(v, models_) for v in value) or "—"
    return str(value)


def recorded_values(obj, name: str, target=None):
    """A JSON field of recorded values as a table with the fields' Chinese names (not raw JSON)."""
    data = getattr(obj, name)
    if not data:
        return "—"
    models_ = ([target] if target else []) + [f.related_model for f in obj._meta.fields if f.is_relation]
    if not isinstance(data, dict):
        return _value(data, models_)
    rows = ((_label(k, models_), _value(v, models_)) for k, v in data.items())
    return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Registry and audit rows are written only by services; the admin shows them read-only, with the
    recorded values (JSON fields) shown under the fields' Chinese names."""

    JSON_FIELDS = ("before", "after", "changes")  # the recorded values of AuditEntry, UnitEvent, Movement

    def get_fields(self, request, obj=None):
        return [f"{f}_shown" if f in self.JSON_FIELDS else f for f in super().get_fields(request, obj)]

    @admin.display(description="变更前")
    def before_shown(self, obj):
        return recorded_values(obj, "before", self.target_model(obj))

    @admin.display(description="变更后")
    def after_shown(self, obj):
        return recorded_values(obj, "after", self.target_model(obj))

    @admin.display(description="变更内容")
    def changes_shown(self, obj):
        return recorded_values(obj, "changes", self.target_model(obj))

    def target_model(self, obj):
        """The model whose fields name the keys of the recorded values (the record's own by default)."""
        return self.model

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "target_repr", "reason")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_repr", "action", "request_id")

    def get_fields(self, request, obj=None):
        return ["target_type_shown" if f == "target_type" else f for f in super().get_fields(request, obj)]

    @admin.display(description="对象类型")
    def target_type_shown(self, obj):
        model = self.target_model(obj)
        return model._meta.verbose_name if model else obj.target_type or "—"

    def target_model(self, obj):
        try:
            return apps.get_model(obj.target_type)
        except (LookupError, ValueError):
            return None


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "full_name", "department")
    filter_horizontal = ("regions",)


admin.site.site_header = "机构编制管理系统 · 后台"
admin.site.site_title = "机构编制管理系统 后台"
admin.site.index_title = "后台管理"


class CalendarAdmin(admin.ModelAdmin):
    """The office keeps the official holiday arrangement here (chinesecalendar stops at 2026)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        workdays.calendar_changed(_year_of(obj), actor=request.user)  # late flags follow

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        workdays.calendar_changed(_year_of(obj), actor=request.user)


def _year_of(obj) -> int:
    return obj.year if isinstance(obj, CalendarYear) else obj.date.year


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    list_display = ("year", "source")


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


# Permissions by their Chinese names. Django stores the built-in ones as "Can add <模型>", and guardian's
# and axes' own models are named in English: the group and user forms show them in Chinese.
ACTIONS = {"add": "增加", "change": "修改", "delete": "删除", "view": "查看"}
GUARDIAN = {"userobjectpermission": "用户对象权限", "groupobjectpermission": "组对象权限"}
# django-axes (login lockout) names its models in English too
AXES = {
    "accessattempt": "登录失败计数",
    "accessattemptexpiration": "锁定到期时间",
    "accessfailurelog": "登录失败记录",
    "accesslog": "登录记录",
}
# procrastinate (the task queue on PostgreSQL) too; its admin is not registered (jobs/admin.py)
PROCRASTINATE = {
    "procrastinatejob": "队列任务",
    "procrastinateevent": "队列事件",
    "procrastinateperiodicdefer": "定时投递记录",
    "procrastinateworker": "队列进程",
}


def permission_label(permission) -> str:
    ct = permission.content_type
    model = ct.model_class()
    if ct.app_label == "guardian":
        app, model_name = "对象权限", GUARDIAN.get(ct.model, ct.model)
    elif ct.app_label == "axes":
        app, model_name = "登录锁定", AXES.get(ct.model, ct.model)
    elif ct.app_label == "procrastinate":
        app, model_name = "任务队列", PROCRASTINATE.get(ct.model, ct.model)
    else:
        try:
            app = apps.get_app_config(ct.app_label).verbose_name
        except LookupError:  # a content type left by an app no longer installed
            app = ct.app_label
        model_name = model._meta.verbose_name if model else ct.model
    name = permission.name
    if m := re.fullmatch(r"Can (add|change|delete|view) .*", name):
        name = f"可{ACTIONS[m.group(1)]}{model_name}"
    return f"{app} | {model_name} | {name}"


class PermissionChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class ChinesePermissions:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = PermissionChoices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Group)
class ChineseGroupAdmin(ChinesePermissions, GroupAdmin):
    pass


@admin.register(User)
class ChineseUserAdmin(ChinesePermissions, UserAdmin):
    pass
