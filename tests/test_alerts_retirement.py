"""People reaching the statutory retirement age within 6 months (预警): the 2025 gradual reform
(全国人大常委会 2024-09-13 决定; 国务院《关于渐进式延迟法定退休年龄的办法》附件1–3), checked against
published rows of its tables, and the warning that appears for the people it names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.builders.registry import make_person
from units import alerts as ua
from units.models import Person

TODAY = dt.date(2026, 12, 7)


# (group, birth year, birth month) -> (age years, age months, retirement year, month, months of delay):
# rows of the published tables (附件1 男职工, 附件2 原55周岁女职工, 附件3 原50周岁女职工).
PUBLISHED = [
    ("男", 1964, 12, 60, 0, 2024, 12, 0),  # before the reform: 60
    ("男", 1965, 1, 60, 1, 2025, 2, 1),  # 1965年1月-4月: 60岁1个月, 2025年2月-5月
    ("男", 1965, 4, 60, 1, 2025, 5, 1),
    ("男", 1965, 5, 60, 2, 2025, 7, 2),  # 1965年5月-8月: 60岁2个月, 2025年7月-10月
    ("男", 1966, 1, 60, 4, 2026, 5, 4),  # 1966年1月-4月: 60岁4个月
    ("男", 1970, 1, 61, 4, 2031, 5, 16),  # 1970年1月-4月: 61岁4个月, 2031年5月-8月
    ("男", 1976, 8, 62, 11, 2039, 7, 35),  # 1976年5月-8月: 62岁11个月, 2039年4月-7月
    ("男", 1976, 9, 63, 0, 2039, 9, 36),  # 1976年9月-12月: 63岁, 2039年9月-12月
    ("男", 1980, 1, 63, 0, 2043, 1, 36),  # after: 63
    ("女55", 1969, 12, 55, 0, 2024, 12, 0),
    ("女55", 1970, 1, 55, 1, 2025, 2, 1),  # 附件2 1970年1月-4月: 55岁1个月, 2025年2月-5月
    ("女55", 1975, 5, 56, 5, 2031, 10, 17),  # 1975年5月-8月: 56岁5个月
    ("女55", 1981, 9, 58, 0, 2039, 9, 36),  # 1981年9月-12月: 58岁
    ("女50", 1974, 12, 50, 0, 2024, 12, 0),
    ("女50", 1975, 1, 50, 1, 2025, 2, 1),  # 附件3 1975年1月-2月: 50岁1个月, 2025年2月-3月
    ("女50", 1975, 2, 50, 1, 2025, 3, 1),
    ("女50", 1975, 3, 50, 2, 2025, 5, 2),  # 1975年3月-4月: 50岁2个月, 2025年5月-6月
    ("女50", 1980, 1, 52, 7, 2032, 8, 31),  # 1980年1月-2月: 52岁7个月
    ("女50", 1984, 10, 54, 11, 2039, 9, 59),  # 1984年9月-10月: 54岁11个月
    ("女50", 1984, 11, 55, 0, 2039, 11, 60),  # 1984年11月-12月: 55岁, 2039年11月-12月
]


@pytest.mark.parametrize(("group", "year", "month", "age_y", "age_m", "ret_y", "ret_m", "delay"), PUBLISHED)
def test_published_rows(group, year, month, age_y, age_m, ret_y, ret_m, delay):
    assert ua.retirement_delay(group, year, month) == delay
    assert ua.retirement_age(group, year, month) == (age_y, age_m)
    assert ua.retirement_month(group, year, month) == (ret_y, ret_m)


def test_groups():
    assert ua.retirement_group("男", "工勤技能人员") == "男"
    assert ua.retirement_group("女", "工勤技能人员") == "女50"
    for category in ("公务员", "参公人员", "管理人员", "专业技术人员"):
        assert ua.retirement_group("女", category) == "女55"


def test_retirement_day_is_the_birthday_in_the_retirement_month():
    assert ua.retirement_date("男", "公务员", dt.date(1966, 9, 15)) == dt.date(2027, 3, 15)
    assert ua.retirement_date("女", "工勤技能人员", dt.date(1975, 1, 31)) == dt.date(2025, 2, 28)


def test_birth_bounds_cover_exactly_the_window():
    horizon, start = dt.date(2027, 6, 7), dt.date(2026, 12, 1)
    for group in ua.RETIREMENT_RULES:
        bound = ua._last_birth_retiring_by(group, horizon)
        assert ua.retirement_month(group, bound.year, bound.month) <= (2027, 6)
        after = bound + dt.timedelta(days=1)
        assert ua.retirement_month(group, after.year, after.month) > (2027, 6)
        first = ua._first_birth_retiring_from(group, start)
        assert ua.retirement_month(group, first.year, first.month) >= (2026, 12)
        before = first - dt.timedelta(days=1)
        assert ua.retirement_month(group, before.year, before.month) < (2026, 12)


def retiring(user, today=TODAY):
    return ua.retiring(user, today=today)


def test_a_man_retiring_within_six_months_appears_and_goes_when_he_leaves(unit_a, office_staff, liaison_b):
    person = make_person(unit_a, name="将退休", sex="男", birth=dt.date(1966, 9, 15))  # retires 2027-03-15
    make_person(unit_a, name="还早", sex="男", birth=dt.date(1967, 1, 15))  # 60岁7个月: 2027-08-15
    [alert] = retiring(office_staff)
    assert "将退休" in alert.message and "2027年3月15日" in alert.message and "60周岁6个月" in alert.message
    assert alert.due == dt.date(2027, 3, 15) and alert.unit_id == unit_a.pk
    assert alert.link == reverse("units:person_detail", args=[person.pk])
    assert not retiring(liaison_b)
    Person.objects.filter(pk=person.pk).update(in_establishment=False, left_on=TODAY, leave_reason="退休")
    assert not retiring(office_staff)


def test_women_by_post(unit_a, office_staff):
    # born 1976-08-05: a worker (原50周岁) retires at 50岁10个月 on 2027-06-05, inside the 6 months;
    # a cadre (原55周岁) born the same day only in 2032
    make_person(unit_a, name="女工", sex="女", birth=dt.date(1976, 8, 5), establishment_type="工勤编制")
    make_person(unit_a, name="女干部", sex="女", birth=dt.date(1976, 8, 5))
    names = [a.message for a in retiring(office_staff)]
    assert len(names) == 1 and "女工" in names[0] and "50周岁10个月" in names[0]


def test_reached_earlier_this_month_still_in_establishment(unit_a, office_staff):
    make_person(unit_a, name="本月到龄", sex="男", birth=dt.date(1966, 7, 3))  # 60岁5个月: 2026-12-03
    [alert] = retiring(office_staff)
    assert "已于2026年12月3日" in alert.message and "尚未办理出编" in alert.message and alert.level == 2


def test_past_the_age_before_this_month_is_not_a_plan(unit_a, office_staff):
    make_person(unit_a, name="早已到龄", sex="男", birth=dt.date(1966, 3, 1))  # 60岁4个月: 2026-07-01
    assert not retiring(office_staff)


def test_six_months_edge(unit_a, office_staff):
    make_person(unit_a, name="边界", sex="男", birth=dt.date(1966, 12, 7))  # 60岁6个月: 2027-06-07
    assert retiring(office_staff, dt.date(2026, 12, 7))
    assert not retiring(office_staff, dt.date(2026, 12, 6))
