"""The registry's warnings (预警, issue 15 point 3), one provider per kind, registered in
``UnitsConfig.ready()`` with ``bianzhi.alerts.register``; and the home page's inbox panel.

Every provider reads through the scoped selectors (an office role: its regions; a liaison: its units;
anyone else: nothing) with a fixed number of queries however many units and people there are:

- 超编 and 超职数 units (``over_quota_unit_ids`` / ``over_posts_unit_ids``);
- 空编率 below the 1 % (行政编制) / 1.5 % (事业编制) targets, per region (``units.selectors.vacancy_targets``);
- 编制使用单 valid, unused and expiring within 14 days;
- real-name changes recorded late (more than 5 working days; the flag ``Movement.is_late``, last 90 days);
- people reaching the statutory retirement age within 6 months, or earlier this month without having
  left (``retirement_month``: the 2025 reform's tables);
- this or next year's holiday calendar missing (``bianzhi.workdays.missing_years``).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bianzhi import alerts
from bianzhi.alerts import Alert, Level
from bianzhi.lib.dates import format_cn
from bianzhi.lib.scopecache import scoped
from bianzhi.roles import can
from bianzhi.workdays import missing_years
from units.choices import Sex, SlipStatus, StaffCategory
from units.models import Unit, UseSlip
from units.selectors import (
    LATE_WINDOW_DAYS,
    late_movements,
    liaison_unit_ids,
    live_legal_units,
    over_posts_unit_ids,
    over_quota_unit_ids,
    people_for,
    regions_for,
    units_for,
)

SLIP_EXPIRY_DAYS = 14
RETIREMENT_MONTHS = 6
PANEL_FIRST = 5


def _scoped(user) -> bool:
    """An office role or a liaison with units: anyone else (a partner's clerk) has no warnings."""
    return can(user, "view_registry") or bool(liaison_unit_ids(user))


# ---- the statutory retirement age (全国人大常委会 2024-09-13 决定, 国务院 办法 附件1–3) -------------


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    n = year * 12 + month - 1 + months
    return n // 12, n % 12 + 1


# group -> (original age in years, first birth (year, month) the reform delays, months of birth per
# month of delay, the most months of delay): 附件1 男职工 60 → 63 (every 4 months of birth, one month
# more, from births of 1965-01); 附件2 原法定退休年龄55周岁的女职工 55 → 58 (every 4 months, from
# 1970-01); 附件3 原法定退休年龄50周岁的女职工 50 → 55 (every 2 months, from 1975-01).
RETIREMENT_RULES: dict[str, tuple[int, tuple[int, int], int, int]] = {
    "男": (60, (1965, 1), 4, 36),
    "女55": (55, (1970, 1), 4, 36),
    "女50": (50, (1975, 1), 2, 60),
}


def retirement_group(sex: str, category: str) -> str:
    """男 (every man); 女50 for a woman in a worker's post (工勤技能人员, 原法定退休年龄50周岁的女职工);
    女55 for any other woman (干部: 公务员, 参公人员, 管理 and 专业技术人员)."""
    if sex == Sex.MALE:
        return "男"
    return "女50" if category == StaffCategory.SKILLED_WORKER else "女55"


def retirement_delay(group: str, birth_year: int, birth_month: int) -> int:
    """Months the reform adds to the original age for a birth month (0 before the reform's first row)."""
    _age, (first_year, first_month), per, most = RETIREMENT_RULES[group]
    since = (birth_year - first_year) * 12 + birth_month - first_month
    if since < 0:
        return 0
    return min(most, since // per + 1)


def retirement_age(group: str, birth_year: int, birth_month: int) -> tuple[int, int]:
    """(years, months) of the statutory retirement age (改革后法定退休年龄) for a birth month."""
    age, *_ = RETIREMENT_RULES[group]
    total = age * 12 + retirement_delay(group, birth_year, birth_month)
    return total // 12, total % 12


def retirement_month(group: str, birth_year: int, birth_month: int) -> tuple[int, int]:
    """(year, month) of retirement (改革后退休时间): the birth month plus the retirement age."""
    years, months = retirement_age(group, birth_year, birth_month)
    return _add_months(birth_year, birth_month, years * 12 + months)


def retirement_date(person_sex: str, category: str, birth: dt.date) -> dt.date:
    """The day the person reaches the statutory retirement age (the birthday in the retirement month)."""
    year, month = retirement_month(retirement_group(person_sex, category), birth.year, birth.month)
    return dt.date(year, month, min(birth.day, calendar.monthrange(year, month)[1]))


def _last_birth_retiring_by(group: str, horizon: dt.date) -> dt.date:
    """A birth date bound: everyone of the group born after it retires after ``horizon``. Retirement is
    monotonic in the birth month, so walk back from the birth month that would retire in the horizon's
    month without the reform to the first one retiring in or before it (the exact day is checked on
    each person read)."""
    age = RETIREMENT_RULES[group][0]
    year, month = _add_months(horizon.year, horizon.month, -age * 12)
    while retirement_month(group, year, month) > (horizon.year, horizon.month):
        year, month = _add_months(year, month, -1)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _first_birth_retiring_from(group: str, start: dt.date) -> dt.date:
    """A birth date bound: everyone of the group born before it retired before ``start``'s month."""
    age = RETIREMENT_RULES[group][0]
    year, month = _add_months(start.year, start.month, -age * 12)
    while retirement_month(group, year, month) >= (start.year, start.month):
        year, month = _add_months(year, month, -1)
    year, month = _add_months(year, month, 1)
    return dt.date(year, month, 1)


def _months_later(day: dt.date, months: int) -> dt.date:
    year, month = _add_months(day.year, day.month, months)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retiring(user, *, today: dt.date) -> list[Alert]:
    """People in establishment who reach the statutory retirement age within the next 6 months (their
    slots will free: planning) — or reached it earlier this month and have not left yet (the 出编 is
    due). Someone past the age before this month is a record to correct, not a plan: not listed."""
    if not _scoped(user):
        return []
    return scoped(user, f"retiring:{today.isoformat()}", lambda: _retiring(user, today))


def _retiring(user, today: dt.date) -> list[Alert]:
    start, horizon = today.replace(day=1), _months_later(today, RETIREMENT_MONTHS)
    worker = Q(category=StaffCategory.SKILLED_WORKER)

    def born(group):
        return {
            "birth_date__gte": _first_birth_retiring_from(group, start),
            "birth_date__lte": _last_birth_retiring_by(group, horizon),
        }

    bounds = (
        Q(sex=Sex.MALE, **born("男"))
        | Q(Q(sex=Sex.FEMALE) & ~worker, **born("女55"))
        | Q(Q(sex=Sex.FEMALE) & worker, **born("女50"))
    )
    people = (
        people_for(user)
        .filter(bounds, in_establishment=True)
        .select_related("unit__region")
        .only(
            "name",
            "sex",
            "category",
            "birth_date",
            "establishment_type",
            "unit__name",
            "unit__region__name",
        )
    )
    out = []
    for p in people:
        day = retirement_date(p.sex, p.category, p.birth_date)
        if not start <= day <= horizon:
            continue
        years, months = retirement_age(
            retirement_group(p.sex, p.category), p.birth_date.year, p.birth_date.month
        )
        age = f"{years}周岁" + (f"{months}个月" if months else "")
        if day < today:
            message = f"已于{format_cn(day)}达到法定退休年龄{age}，尚未办理出编（退休）。"
        else:
            message = f"将于{format_cn(day)}达到法定退休年龄{age}，届时空出编制，请提前做好用编计划。"
        out.append(
            Alert(
                kind="retiring",
                level=Level.WARNING if day < today else Level.NOTICE,
                message=f"{p.unit.name}{p.name}（{p.establishment_type}）{message}",
                link=reverse("units:person_detail", args=[p.pk]),
                link_text="查看人员",
                region=p.unit.region.name,
                unit_id=p.unit_id,
                due=day,
            )
        )
    return out


# ---- the registry's figures -------------------------------------------------------------------------


def _units_alerts(user, ids: set[int], kind: str, text: str) -> list[Alert]:
    units = Unit.objects.filter(pk__in=ids).select_related("region").order_by("sort_order", "id")
    return [
        Alert(
            kind=kind,
            level=Level.URGENT,
            message=f"{u.name}{text}",
            link=reverse("units:unit_detail", args=[u.pk]),
            link_text="查看单位",
            region=u.region.name,
            unit_id=u.pk,
        )
        for u in units
    ]


def over_quota(user, *, today: dt.date) -> list[Alert]:
    """Units where some 编制类型 has more people than approved (超编)."""
    if not _scoped(user):
        return []
    units = live_legal_units(user)
    ids = scoped(user, "over_quota", lambda: over_quota_unit_ids(units))  # shared with the home page
    return _units_alerts(user, ids, "over_quota", "实有人员超过核定编制（超编），请核实并消化。")


def over_posts(user, *, today: dt.date) -> list[Alert]:
    """Units where some 职数类别 has more leaders than approved (超职数配备)."""
    if not _scoped(user):
        return []
    units = live_legal_units(user)
    ids = scoped(user, "over_posts", lambda: over_posts_unit_ids(units))  # shared with the home page
    return _units_alerts(user, ids, "over_posts", "配备的领导超过核定职数（超职数），请核实并消化。")


def vacancy_low(user, *, today: dt.date) -> list[Alert]:
    """Per region of an office role: the 空编率 of 行政编制 below 1 %, of 事业编制 (参公 included) below
    1.5 % — the home page's targets (``units.selectors.vacancy_targets``)."""
    from units.selectors import region_type_totals, type_rows, vacancy_targets

    if not can(user, "view_registry"):
        return []
    out = []
    units = live_legal_units(user)
    # every region at once (a province: 100 counties), shared with the home page
    grouped = scoped(user, "region_totals", lambda: region_type_totals(units))
    for region in regions_for(user).order_by("code"):
        rows = type_rows(grouped, {region.pk})
        for t in vacancy_targets(rows):
            if t["rate"] is None or t["met"]:
                continue
            out.append(
                Alert(
                    kind="vacancy_low",
                    level=Level.WARNING,
                    message=f"{region.name}{t['label']}空编率{t['rate'] * 100:.1f}%，低于{t['target'] * 100:g}%的目标"
                    f"（核定{t['approved']}名，空编{t['vacancy']}名，至少应空编{t['needed']}名）。",
                    link=reverse("units:unit_list"),
                    link_text="查看机构",
                    region=region.name,
                )
            )
    return out


def slips_expiring(user, *, today: dt.date) -> list[Alert]:
    """Valid, unused 编制使用单 whose validity ends within 14 days (today included)."""
    if not _scoped(user):
        return []
    slips = (
        UseSlip.objects.filter(
            unit__in=units_for(user),
            status=SlipStatus.VALID,
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=SLIP_EXPIRY_DAYS),
        )
        .select_related("unit__region")
        .order_by("valid_until", "id")
    )
    return [
        Alert(
            kind="slip_expiring",
            level=Level.WARNING,
            message=f"编制使用单{s.number}（{s.unit.name}，{s.establishment_type}）将于{format_cn(s.valid_until)}到期，"
            f"尚未使用；逾期作废，空出的编制须重新申请。",
            link=reverse("units:request_detail", args=[s.request_id]),
            link_text="查看用编申请",
            region=s.unit.region.name,
            unit_id=s.unit_id,
            due=s.valid_until,
        )
        for s in slips
    ]


def late_records(user, *, today: dt.date) -> list[Alert]:
    """Real-name changes recorded more than 5 working days after they happened (逾期登记, last 90 days)."""
    if not _scoped(user):
        return []
    rows = late_movements(user, days=LATE_WINDOW_DAYS).select_related("person__unit__region")
    return [
        Alert(
            kind="late_record",
            level=Level.NOTICE,
            message=f"{m.person.unit.name}{m.person.name}的{m.kind}发生于{format_cn(m.occurred_on)}，"
            f"{format_cn(timezone.localdate(m.recorded_at))}才登记，超过{settings.TIMELY_WORKING_DAYS}个工作日。",
            link=reverse("units:person_detail", args=[m.person_id]),
            link_text="查看人员",
            region=m.person.unit.region.name,
            unit_id=m.person.unit_id,
        )
        for m in rows
    ]


def calendar_missing(user, *, today: dt.date) -> list[Alert]:
    """This year's or next year's holiday arrangement not entered (office roles: working days cannot be
    counted without it)."""
    if not can(user, "view_registry"):
        return []
    return [
        Alert(
            kind="calendar_missing",
            level=Level.URGENT if year == today.year else Level.WARNING,
            message=f"{year}年的法定节假日和调休安排尚未录入，系统无法计算该年的工作日（逾期登记、公示期等），"
            f"请按国务院办公厅的通知录入。",
            link=reverse("admin:bianzhi_calendaryear_changelist"),
            link_text="录入节假日安排",
            due=dt.date(year, 1, 1) if year > today.year else None,
        )
        for year in missing_years(today)
    ]


def register() -> None:
    """Called by ``UnitsConfig.ready``: the registry's providers and the home page's inbox panel."""
    from bianzhi import panels

    alerts.register("over_quota", "超编单位", over_quota, order=10)
    alerts.register("over_posts", "超职数单位", over_posts, order=20)
    alerts.register("vacancy_low", "空编率未达标", vacancy_low, order=30)
    alerts.register("slip_expiring", "编制使用单即将到期", slips_expiring, order=40)
    alerts.register("late_record", "实名制变动逾期登记", late_records, order=50)
    alerts.register("retiring", "即将达到法定退休年龄", retiring, order=60)
    alerts.register("calendar_missing", "节假日安排缺失", calendar_missing, order=90)
    panels.register("units/_alerts_panel.html", panel, order=5)


def panel(request) -> dict | None:
    """The home page's inbox: counts per kind and the first few warnings, with a link to the list."""
    user = request.user
    if not _scoped(user):
        return None
    found = alerts.alerts_for(user)
    return {
        "alert_total": len(found),
        "alert_counts": alerts.counts(found),
        "alert_first": found[:PANEL_FIRST],
    }
