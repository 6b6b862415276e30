"""Filters of the ledger pages (GET): unit, type, date range."""

from __future__ import annotations

from django import forms

from units.choices import ESTABLISHMENT_ORDER, Nature, PostCategory

TYPE_CHOICES = (
    [("", "全部")] + [(t, t) for t in ESTABLISHMENT_ORDER] + [(c, f"{c}职数") for c in PostCategory.values]
)


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label="机构名称", required=False, max_length=100)
    type = forms.ChoiceField(label="编制类型", required=False, choices=TYPE_CHOICES)
    nature = forms.ChoiceField(
        label="机构性质",
        required=False,
        choices=[("", "全部")] + [(n, n) for n in Nature.values if n != Nature.DIVISION],
    )
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # 表一 of a city's or province's office: one county (its id; the rows are scoped anyway), or all
    region = forms.IntegerField(label="区划", required=False, min_value=1)

    def values(self) -> dict:
        """Cleaned values, or empty filters when the input is invalid (the page still renders)."""
        if self.is_valid():
            return self.cleaned_data
        return {"q": "", "type": "", "nature": "", "start": None, "end": None, "region": None}
