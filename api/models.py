"""API tokens and their scopes (issue 16), and the rate-limit counters of the API.

A token is issued to one account by the 安全管理员 (三员分立: a token is a grant of access). Its secret
(``bz1_<prefix>_<random>``) is shown once at issue and never stored: only ``prefix`` (to find the row and to
show it) and ``key_hash`` (SHA-256 of the whole secret, compared in constant time) are kept. A token never
exceeds its account: what a call may do is the token's scope ∩ the account's role ∩ the account's regions
(``api.scoping``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bianzhi.lib.fields import user_fk
from bianzhi.models import Region

SOURCES = (("", "不限"), ("org", "组织部门"), ("finance", "财政部门"), ("si", "人社部门"))
SOURCE_LABEL = dict(SOURCES)


class ApiToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "有效", "有效"
        EXPIRED = "已过期", "已过期"
        REVOKED = "已吊销", "已吊销"

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="账号"
    )
    name = models.CharField("名称", max_length=100, help_text="用途，如：人社局工资系统")
    prefix = models.CharField("令牌前缀", max_length=8, unique=True)
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="区划")
    source = models.CharField("数据来源", max_length=10, blank=True, choices=SOURCES)
    can_write = models.BooleanField("可写入", default=False)
    personal_data = models.BooleanField("可查看个人信息", default=False, help_text="完整的公民身份号码等")
    issued_by = user_fk("签发人", related_name="+")
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = user_fk("吊销人", related_name="+")
    revoke_reason = models.CharField("吊销原因", max_length=200, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["", "org", "finance", "si"]), name="apitoken_source"
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("issued_at")), name="apitoken_expiry"),
            models.CheckConstraint(condition=Q(prefix__regex=r"^[0-9a-f]{8}$"), name="apitoken_prefix"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoke_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revoke_reason="")),
                name="apitoken_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}）"

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def source_label(self) -> str:
        return SOURCE_LABEL.get(self.source, self.source)


class RateWindow(models.Model):
    """Calls counted in one fixed minute for one key (``t:<token id>`` or ``ip:<address>``): a database row,
    so the limit holds across every process of the server (and on SQLite and PostgreSQL alike)."""

    key = models.CharField("计数键", max_length=80)
    window = models.DateTimeField("分钟")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "接口调用计数"
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="ratewindow_key_window")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"{self.key} {self.window:%H:%M} {self.count}"
