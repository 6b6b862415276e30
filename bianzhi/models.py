"""Cross-app records: regions, user scope and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from bianzhi.lib.fields import user_fk


class RegionLevel(models.TextChoices):
    """The three levels of the hierarchy (issue 17): a province holds cities (and, for 直辖市 and 省直辖县,
    counties directly); a city holds counties; a county (县、县级市、市辖区) holds units."""

    PROVINCE = "省级", "省级"
    CITY = "市级", "市级"
    COUNTY = "县级", "县级"


# which levels may hold which (county under a city or a province, city under a province)
PARENT_LEVELS = {
    RegionLevel.COUNTY: frozenset({RegionLevel.CITY, RegionLevel.PROVINCE}),
    RegionLevel.CITY: frozenset({RegionLevel.PROVINCE}),
    RegionLevel.PROVINCE: frozenset(),
}


def level_from_code(code: str) -> str:
    """The usual level of a GB/T 2260 code: ``xx0000`` a province, ``xxxx00`` a city, else a county.
    Only a default: 直辖市 districts and 省直辖县 keep county codes but hang under a province, and the
    level is stored (``Region.level``), never re-derived."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


class Region(models.Model):
    """A 行政区划 (GB/T 2260 six-digit code) — a county, or a city/province that holds counties."""

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, verbose_name="上级区划"
    )
    level = models.CharField("层级", max_length=4, choices=RegionLevel.choices, default=RegionLevel.COUNTY)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="region_code_six_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_county(self) -> bool:
        return self.level == RegionLevel.COUNTY

    @property
    def office_word(self) -> str:
        """省/市/县, as in 该县编办."""
        return {RegionLevel.PROVINCE: "省", RegionLevel.CITY: "市"}.get(self.level, "县")


class Profile(models.Model):
    """What a user account is scoped to: the regions an office user works for, and a display name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name="用户"
    )
    full_name = models.CharField("姓名", max_length=50, blank=True)
    department = models.CharField("所在部门/单位", max_length=100, blank=True)
    phone = models.CharField("手机", max_length=20, blank=True)
    regions = models.ManyToManyField(Region, blank=True, verbose_name="所辖区划")
    must_change_password = models.BooleanField(
        "首次登录须修改密码", default=False, help_text="管理员设置或重置的密码，登录后必须先改为自己的密码"
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户资料"

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()


class AuditEntry(models.Model):
    """One audited action: who did what to which record, when, with the values before and after.

    Append-only and kept forever: rows are never updated or deleted (see ``save``/``delete``).
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = user_fk("操作人")
    actor_name = models.CharField("操作人姓名", max_length=100, blank=True)
    actor_unit = models.CharField("操作人单位", max_length=100, blank=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    target_type = models.CharField("对象类型", max_length=60, blank=True)
    target_id = models.CharField("对象编号", max_length=40, blank=True)
    target_repr = models.CharField("对象", max_length=300, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="区划")
    request_id = models.CharField("请求编号", max_length=40, blank=True)
    # a client's X-Request-Id header, cleaned and cut to 64 characters; never used as the id above
    client_request_id = models.CharField("客户端请求编号", max_length=64, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    reason = models.TextField("原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("审计日志不能删除。")


class CalendarYear(models.Model):
    """A year whose official holiday arrangement (放假安排) is on file; working days need it."""

    year = models.PositiveIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=100, blank=True, help_text="如：国务院办公厅通知文号")

    class Meta:
        verbose_name = verbose_name_plural = "节假日年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule: a public holiday (休息) or a make-up workday (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "休息", "法定节假日/休息"
        WORKDAY = "上班", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=2, choices=Kind.choices)
    name = models.CharField("节日", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"
