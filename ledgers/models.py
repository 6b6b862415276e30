"""The office's ledgers (DOMAIN.md §4), kept in step with the registry by the receivers.

- ``EstablishmentRow``: 表一 机构编制基本情况, one row per 法人 unit, a projection of the registry
  refreshed for the touched units whenever a service signals a change.
- ``UnitLedgerEntry``: 单位机构编制台账 (明细账), one line per change record (表二) of a unit or of one
  of its internal divisions, append-only, with running balances per 编制类型 / 职数类别.
- ``LimitLedgerEntry``: 机构编制限额台账, one line per county limit entry, with running balances.
- ``LedgerCheck``: the result of one ``check_ledgers`` run, shown on the dashboard.

Entries and checks are append-only: ``save`` refuses an update and ``delete`` refuses; a mistake
is corrected by a reversing entry (``ledgers.services.ledger_entry_reverse``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from bianzhi.lib.fields import user_fk
from units.choices import EstablishmentType, Nature, PostCategory, UnitEventKind, UnitStatus

# 表一 columns: establishment type -> field prefix, post category -> field prefix.
TYPE_PREFIX: dict[str, str] = {
    EstablishmentType.ADMIN: "admin",
    EstablishmentType.POLITICAL_LEGAL: "political_legal",
    EstablishmentType.CIVIL_PI: "civil_pi",
    EstablishmentType.PUBLIC: "public",
    EstablishmentType.SUPPORT: "support",
}
POST_PREFIX: dict[str, str] = {
    PostCategory.CHIEF: "chief",
    PostCategory.DEPUTY: "deputy",
    PostCategory.DIVISION: "division_lead",
}
QUOTA_FIELDS = [f"{p}_approved" for p in TYPE_PREFIX.values()] + [
    f"{p}_approved" for p in POST_PREFIX.values()
]
STAFF_FIELDS = [f"{p}_occupied" for p in TYPE_PREFIX.values()] + [f"{p}_held" for p in POST_PREFIX.values()]
INFO_FIELDS = ["region_id", "name", "nature", "status"]
ROW_FIELDS = INFO_FIELDS + QUOTA_FIELDS + STAFF_FIELDS


class AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted (corrections are new rows)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError("台账只能追加，不能修改；请以冲销分录更正。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("台账不能删除；请以冲销分录更正。")


class EstablishmentRow(models.Model):
    """表一: one 法人 unit's approved, actual and vacant slots per type, and leader posts approved and held.

    Kept by the receivers in the sender's transaction; ``check_ledgers`` compares it with a rebuild
    from the registry. Units that ended keep their row (status 已撤销/已合并) but are not listed.
    """

    unit = models.OneToOneField(
        "units.Unit",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="establishment_row",
        verbose_name="机构",
    )
    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    name = models.CharField("机构名称", max_length=100)
    nature = models.CharField("机构性质", max_length=10, choices=Nature.choices)
    status = models.CharField("状态", max_length=10, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    admin_approved = models.IntegerField("行政编制核定数", default=0)
    admin_occupied = models.IntegerField("行政编制实有数", default=0)
    political_legal_approved = models.IntegerField("政法专项编制核定数", default=0)
    political_legal_occupied = models.IntegerField("政法专项编制实有数", default=0)
    civil_pi_approved = models.IntegerField("参公事业编制核定数", default=0)
    civil_pi_occupied = models.IntegerField("参公事业编制实有数", default=0)
    public_approved = models.IntegerField("事业编制核定数", default=0)
    public_occupied = models.IntegerField("事业编制实有数", default=0)
    support_approved = models.IntegerField("工勤编制核定数", default=0)
    support_occupied = models.IntegerField("工勤编制实有数", default=0)
    chief_approved = models.IntegerField("单位正职核定数", default=0)
    chief_held = models.IntegerField("单位正职实配数", default=0)
    deputy_approved = models.IntegerField("单位副职核定数", default=0)
    deputy_held = models.IntegerField("单位副职实配数", default=0)
    division_lead_approved = models.IntegerField("内设机构领导核定数", default=0)
    division_lead_held = models.IntegerField("内设机构领导实配数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "电子台账表一"
        ordering = ["unit__sort_order", "unit_id"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.name

    def approved(self, establishment_type: str) -> int:
        return getattr(self, f"{TYPE_PREFIX[establishment_type]}_approved")

    def occupied(self, establishment_type: str) -> int:
        return getattr(self, f"{TYPE_PREFIX[establishment_type]}_occupied")

    def vacancy(self, establishment_type: str) -> int:
        """空编数; negative means 超编."""
        return self.approved(establishment_type) - self.occupied(establishment_type)

    def posts(self, category: str) -> tuple[int, int]:
        prefix = POST_PREFIX[category]
        return getattr(self, f"{prefix}_approved"), getattr(self, f"{prefix}_held")


class UnitLedgerEntry(AppendOnly):
    """A line of a unit's 明细账: one change record (表二) of the unit or of one of its internal divisions.

    ``unit`` is the 法人 unit whose ledger it is; ``subject`` the unit the change record is about (the
    unit itself or an internal division). For quota and post lines ``increase``/``decrease`` are the
    增编数/减编数 and ``balance`` the 结余数 after the line for that 编制类型 or 职数类别. A reversing line
    (``reverses`` set) repeats the amounts of the reversed line with the opposite sign (红字冲销).
    """

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="ledger_entries", verbose_name="机构"
    )
    subject = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="变更对象"
    )
    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    event = models.OneToOneField(
        "units.UnitEvent", on_delete=models.PROTECT, related_name="ledger_entry", verbose_name="变更记录"
    )
    occurred_on = models.DateField("日期")
    kind = models.CharField("变化类型", max_length=10, choices=UnitEventKind.choices)
    reason = models.CharField("变化原因", max_length=500, blank=True)
    doc_number = models.CharField("批准文号", max_length=100, blank=True)
    establishment_type = models.CharField(
        "编制类型", max_length=10, choices=EstablishmentType.choices, blank=True
    )
    post_category = models.CharField("职数类别", max_length=10, choices=PostCategory.choices, blank=True)
    increase = models.IntegerField("增编数", default=0)
    decrease = models.IntegerField("减编数", default=0)
    balance = models.IntegerField("结余数", null=True, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name="冲销的分录",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位机构编制台账"
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(fields=["unit", "occurred_on"]),
            models.Index(fields=["unit", "establishment_type", "post_category"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.unit_id} {self.reason_text}"

    @property
    def item(self) -> str:
        """The 编制类型 column: an establishment type, or a post category's 职数."""
        if self.establishment_type:
            return self.establishment_type
        return f"{self.post_category}职数" if self.post_category else ""

    @property
    def net(self) -> int:
        return self.increase - self.decrease

    @property
    def reason_text(self) -> str:
        return self.reason or self.kind


class LimitLedgerEntry(AppendOnly):
    """A line of the county quota-limit ledger (限额台账 分账1/分账2), mirrored from a limit entry.

    ``balance`` is the limit of that type after the line, in recording order.
    """

    source = models.OneToOneField(
        "units.QuotaLimitEntry",
        on_delete=models.PROTECT,
        related_name="ledger_entry",
        verbose_name="限额记录",
    )
    region = models.ForeignKey("bianzhi.Region", on_delete=models.PROTECT, verbose_name="区划")
    limit_type = models.CharField("编制类型", max_length=10)
    occurred_on = models.DateField("日期")
    doc_number = models.CharField("文号", max_length=100, blank=True)
    increase = models.IntegerField("增加数", default=0)
    decrease = models.IntegerField("减少数", default=0)
    balance = models.IntegerField("结余数")
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "机构编制限额台账"
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["region", "limit_type"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.limit_type} {self.balance}"


class LedgerCheck(AppendOnly):
    """One run of ``check_ledgers``: when, whether every ledger agreed with the rebuild, and the differences."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", auto_now_add=True)
    ok = models.BooleanField("账账相符、账实相符")
    difference_count = models.PositiveIntegerField("差异数", default=0)
    differences = models.JSONField("差异", default=list, blank=True)
    summary = models.JSONField("概况", default=dict, blank=True)
    actor = user_fk("执行人")

    class Meta:
        verbose_name = verbose_name_plural = "台账核对记录"
        ordering = ["-finished_at", "-id"]
        get_latest_by = ["finished_at", "id"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {'相符' if self.ok else '不符'}"
