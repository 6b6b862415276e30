"""The campaign page's one table of units (issue 12 point 5): searchable, filtered, counted and rolled
up in the database — the same number of queries at 30 units and at 3,000.

- ``unit_table(campaign, filters)``: the campaign's units matching the filters, annotated with the
  township, the 主管部门, whether the unit is overdue and how many open findings it has (the page
  paginates the queryset: only one page of rows is read).
- ``unit_counts(campaign)``: counts at a glance for the whole campaign (per stage, overdue, with open
  findings), one query.
- ``department_grid`` / ``township_grid``: progress by 主管部门 and by township, one query each.

主管部门 (the department a unit reports to): a 法人 unit's ``parent``; a unit that other 法人 units name
as their parent is the department of itself and them; every other unit falls in one row "无主管部门".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from units.choices import Nature
from units.models import Unit
from verification.campaign.models import Campaign, CampaignUnit, CampaignWindow, Stage
from verification.findings.models import Finding, FindingStatus

COUNTY_SEAT = "县直"
NO_DEPARTMENT = "无主管部门"
OPEN = (FindingStatus.OPEN, FindingStatus.EXPLAINED)
FILTERS = ("q", "stage", "township", "department", "open", "overdue", "nature", "system", "liaison")


@dataclass(frozen=True)
class Counts:
    total: int
    by_stage: list[tuple[str, int]]
    overdue: int
    with_open: int


def _open_findings(campaign: Campaign):
    return Finding.objects.filter(
        region_id=campaign.region_id,
        last_run_id=campaign.comparison_run_id,
        unit_id=OuterRef("unit_id"),
        status__in=OPEN,
    )


def _annotated(campaign: Campaign, today: dt.date | None = None) -> QuerySet[CampaignUnit]:
    today = today or timezone.localdate()
    heads = Unit.objects.filter(parent_id=OuterRef("unit_id")).exclude(nature=Nature.DIVISION)
    late = CampaignWindow.objects.filter(campaign_id=OuterRef("campaign_id"), stage=OuterRef("stage"))
    qs = CampaignUnit.objects.filter(campaign=campaign).annotate(
        township=Case(
            When(unit__township="", then=Value(COUNTY_SEAT)),
            default=F("unit__township"),
            output_field=CharField(),
        ),
        is_head=Exists(heads),
        department_id=Case(
            When(unit__parent_id__isnull=False, then=F("unit__parent_id")),
            When(is_head=True, then=F("unit_id")),
            default=None,
            output_field=IntegerField(),
        ),
        department=Case(
            When(unit__parent_id__isnull=False, then=F("unit__parent__name")),
            When(is_head=True, then=F("unit__name")),
            default=Value(NO_DEPARTMENT),
            output_field=CharField(),
        ),
        is_overdue=Case(
            When(Q(Exists(late.filter(ends_on__lt=today))) & ~Q(stage=Stage.DONE), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if campaign.comparison_run_id is None:
        return qs.annotate(has_open=Value(False), open_count=Value(0))
    count = _open_findings(campaign).order_by().values("unit_id").annotate(n=Count("id")).values("n")[:1]
    return qs.annotate(
        has_open=Exists(_open_findings(campaign)),
        open_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
    )


def _liaison():
    """Exists: the unit is granted to at least one active liaison account (as ``proxy.units_with_liaison``)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.functions import Cast
    from guardian.models import UserObjectPermission

    return Exists(
        UserObjectPermission.objects.filter(
            content_type=ContentType.objects.get_for_model(Unit),
            permission__codename="liaise_unit",
            object_pk=Cast(OuterRef("unit_id"), CharField()),
            user__is_active=True,
        )
    )


def unit_table(campaign: Campaign, filters: dict | None = None) -> QuerySet[CampaignUnit]:
    """The campaign's units matching ``filters`` (q: name or credit code; stage; township, 县直 for the
    county seat; department: the 主管部门's unit id, or 0 for 无主管部门; open / overdue: "1"; nature,
    system; liaison: 有/无), in the campaign's order, with the ``township``, ``department``,
    ``is_overdue``, ``has_open``, ``open_count`` and ``has_liaison`` annotations."""
    f = {k: (v or "").strip() if isinstance(v, str) else v for k, v in (filters or {}).items()}
    qs = _annotated(campaign).annotate(has_liaison=_liaison()).select_related("unit", "notice")
    if f.get("q"):
        qs = qs.filter(Q(unit__name__icontains=f["q"]) | Q(unit__credit_code__icontains=f["q"]))
    if f.get("stage"):
        qs = qs.filter(stage=f["stage"])
    if f.get("township"):
        qs = qs.filter(unit__township="" if f["township"] == COUNTY_SEAT else f["township"])
    if f.get("department") not in (None, ""):
        dept = str(f["department"])
        qs = qs.filter(department_id__isnull=True) if dept == "0" else qs.filter(department_id=dept)
    if f.get("open") == "1":
        qs = qs.filter(has_open=True)
    if f.get("overdue") == "1":
        qs = qs.filter(is_overdue=True)
    if f.get("nature"):
        qs = qs.filter(unit__nature=f["nature"])
    if f.get("system"):
        qs = qs.filter(unit__system=f["system"])
    if f.get("liaison") in ("有", "无"):
        qs = qs.filter(has_liaison=f["liaison"] == "有")
    return qs.order_by("id")


def campaign_units(campaign: Campaign) -> QuerySet[CampaignUnit]:
    """The campaign's units, plain (the choices of the forms that tick units)."""
    return CampaignUnit.objects.filter(campaign=campaign)


def unit_ids(campaign: Campaign, filters: dict | None = None) -> list[int]:
    """The ids of the units the filter shows (a bulk action on 筛选出的全部单位)."""
    return list(unit_table(campaign, filters).values_list("pk", flat=True))


def unit_counts(campaign: Campaign) -> Counts:
    """Counts at a glance for the whole campaign (not the page, not the filter): one query."""
    stages = [*campaign.stages, Stage.DONE]
    aggregates = {f"s{i}": Count("id", filter=Q(stage=s)) for i, s in enumerate(stages)}
    row = _annotated(campaign).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(is_overdue=True)),
        with_open=Count("id", filter=Q(has_open=True)),
        **aggregates,
    )
    return Counts(
        total=row["total"],
        by_stage=[(s, row[f"s{i}"]) for i, s in enumerate(stages)],
        overdue=row["overdue"],
        with_open=row["with_open"] or 0,
    )


def _grid(campaign: Campaign, key: str, key_id: str | None = None) -> list[tuple]:
    """(name, id, [count per stage], total) grouped by ``key`` in the database, one query."""
    stages = [*campaign.stages, Stage.DONE]
    fields = [key, key_id] if key_id else [key]
    rows = (
        _annotated(campaign)
        .order_by()
        .values(*fields)
        .annotate(**{f"s{i}": Count("id", filter=Q(stage=s)) for i, s in enumerate(stages)}, n=Count("id"))
    )
    out = defaultdict(lambda: [None, [0] * len(stages), 0])
    for r in rows:
        name = r[key]
        slot = out[name]
        slot[0] = r[key_id] if key_id else name
        slot[1] = [a + r[f"s{i}"] for i, a in enumerate(slot[1])]
        slot[2] += r["n"]
    ordered = sorted(out.items(), key=lambda kv: (kv[0] != COUNTY_SEAT, kv[0] == NO_DEPARTMENT, kv[0]))
    return [(name, ident, counts, n) for name, (ident, counts, n) in ordered]


def department_grid(campaign: Campaign) -> list[tuple[str, int | None, list[int], int]]:
    """Progress by 主管部门: (department, its unit id or None for 无主管部门, per stage, total)."""
    return _grid(campaign, "department", "department_id")


def township_grid(campaign: Campaign) -> list[tuple[str, str, list[int], int]]:
    """Progress by township (县直 for the county seat's units): (township, township, per stage, total)."""
    return _grid(campaign, "township")


def departments(campaign: Campaign) -> list[tuple[str, str]]:
    """(value, name) of the campaign's 主管部门 for the filter (0 = 无主管部门)."""
    return [(str(ident or 0), name) for name, ident, _c, _n in department_grid(campaign)]


def townships(campaign: Campaign) -> list[str]:
    """The townships of the campaign's units (县直 first), for the filter."""
    names = set(CampaignUnit.objects.filter(campaign=campaign).values_list("unit__township", flat=True))
    return ([COUNTY_SEAT] if "" in names else []) + sorted(n for n in names if n)


def sampled_units(campaign: Campaign) -> QuerySet[CampaignUnit]:
    """The units the random draw picked (about 5% of the campaign)."""
    return CampaignUnit.objects.filter(campaign=campaign, sample_selected=True).select_related("unit")


def onsite_units(campaign: Campaign) -> QuerySet[CampaignUnit]:
    return CampaignUnit.objects.filter(campaign=campaign, onsite_selected=True).select_related("unit")
