"""QuickSelect writes the same <select> as Django's Select, without a template per option."""

from __future__ import annotations

from django import forms
from django.test.html import parse_html

from bianzhi.lib.widgets import QuickSelect

CHOICES = [
    ("", "全部单位"),
    (1, "漳县财政局"),
    (2, "<b>漳县</b> & 审计局"),
    ("分组", [(3, "甲"), (4, "乙")]),
]


def test_the_same_markup_as_djangos_select():
    for value in (None, "", 2, 4, "x"):
        for attrs in (None, {"id": "id_unit", "class": "wide", "required": True, "disabled": False}):
            ours = QuickSelect(choices=CHOICES).render("unit", value, attrs)
            django = forms.Select(choices=CHOICES).render("unit", value, attrs)
            assert parse_html(ours) == parse_html(django), (value, attrs)
    assert "&lt;b&gt;漳县&lt;/b&gt; &amp; 审计局" in QuickSelect(choices=CHOICES).render("unit", None)


def test_a_model_choice_field_with_it(unit_a, unit_b):
    from units.forms.registry import UnitChoiceField
    from units.models import Unit

    class Form(forms.Form):
        unit = UnitChoiceField(queryset=Unit.objects.order_by("pk"), required=False, empty_label="全部单位")

    html = str(Form(data={"unit": unit_b.pk})["unit"])
    assert f'<option value="{unit_b.pk}" selected>漳县疾病预防控制中心</option>' in html
    assert (
        '<option value="">全部单位</option>' in html
        and f'<option value="{unit_a.pk}">漳县财政局</option>' in html
    )
    assert isinstance(Form().fields["unit"].widget, QuickSelect)


def test_the_options_come_from_pk_and_name_without_building_units(unit_a, unit_b, django_assert_num_queries):
    """NameChoiceIterator: one query of (pk, name) pairs, in the queryset's order; no Unit instance."""
    from unittest import mock

    from units.forms.registry import UnitChoiceField
    from units.models import Unit

    field = UnitChoiceField(queryset=Unit.objects.order_by("-pk"), required=False, empty_label="全部单位")
    with mock.patch.object(Unit, "__init__", side_effect=AssertionError("a Unit was built")):
        with django_assert_num_queries(1):
            choices = [choice for choice in field.choices]  # list() would ask len() first: a COUNT
    assert choices == [("", "全部单位"), (unit_b.pk, unit_b.name), (unit_a.pk, unit_a.name)]


def test_multiple_and_escaped_group_names():
    choices = [("<g>", [(1, "甲"), (2, "乙")]), (3, "丙")]
    for value in ([1, 3], ["2"], []):
        mine = type("QuickMultiple", (QuickSelect,), {"allow_multiple_selected": True})(choices=choices)
        django = forms.SelectMultiple(choices=choices)
        attrs = {"id": "x"}
        assert parse_html(mine.render("u", value, attrs)) == parse_html(django.render("u", value, attrs))
