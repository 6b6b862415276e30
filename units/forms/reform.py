"""The merger form (机构改革): input shape only; ``units.services.reform`` checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from archives.models import Document
from units.choices import ESTABLISHMENT_ORDER, EstablishmentType, PostCategory
from units.forms.registry import DATE, document_field
from units.models import LeaderPostQuota, Quota, Unit

TARGET_LIST_ID = "merge-targets"


class MergeForm(forms.Form):
    """Target (typed or picked from the list of the region's live units), Document, date, what moves."""

    target = forms.CharField(
        label="并入（接收）单位",
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "list": TARGET_LIST_ID,
                "autocomplete": "off",
                "placeholder": "输入名称中的字查找，从列表中选择",
            }
        ),
    )
    occurred_on = forms.DateField(
        label="合并/划转日期", required=False, widget=DATE, help_text="留空则取文件的发文日期。"
    )
    abolish_source = forms.BooleanField(
        label="撤销原单位（并入接收单位）",
        required=False,
        initial=True,
        help_text="不勾选则只划转人员和编制，原单位保留。",
    )
    reason = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, source: Unit, targets: QuerySet[Unit], documents: QuerySet[Document], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.fields["document"] = document_field(documents, required=True)
        self.quota_fields: list[tuple[str, str]] = []
        self.post_fields: list[tuple[str, str]] = []
        quotas = dict(
            Quota.objects.filter(unit=source, approved__gt=0).values_list("establishment_type", "approved")
        )
        for etype in ESTABLISHMENT_ORDER:
            if quotas.get(etype):
                name = f"quota_{EstablishmentType(etype).name}"
                self.fields[name] = self._amount(f"转出{etype}", quotas[etype])
                self.quota_fields.append((name, etype))
        posts = dict(
            LeaderPostQuota.objects.filter(unit=source, approved__gt=0).values_list("category", "approved")
        )
        for category in PostCategory.values:
            if posts.get(category):
                name = f"post_{PostCategory(category).name}"
                self.fields[name] = self._amount(f"转出{category}职数", posts[category])
                self.post_fields.append((name, category))
        self.order_fields(["target", "document", "occurred_on"])

    @staticmethod
    def _amount(label: str, have: int) -> forms.IntegerField:
        return forms.IntegerField(
            label=label,
            min_value=0,
            max_value=have,
            initial=have,
            help_text=f"原单位核定{have}名；默认全部转出。",
        )

    def clean_target(self) -> Unit:
        name = self.cleaned_data["target"].strip()
        unit = self.targets.filter(name=name).first()
        if unit is None:
            raise forms.ValidationError(f"本区划没有名为“{name}”的正常单位，请从列表中选择。")
        return unit

    def service_args(self) -> dict[str, Any]:
        """The cleaned form as the keyword arguments of ``unit_merge``/``merge_preview``."""
        d = self.cleaned_data
        return {
            "target": d["target"],
            "document": d["document"],
            "occurred_on": d.get("occurred_on"),
            "quotas": {etype: d.get(name) or 0 for name, etype in self.quota_fields},
            "posts": {category: d.get(name) or 0 for name, category in self.post_fields},
            "abolish_source": d.get("abolish_source", False),
            "reason": d.get("reason", ""),
        }
