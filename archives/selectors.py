"""Reads of the archives, scoped to what a user may see (default deny; 404 outside the scope).

Office roles see the archives of their regions. A liaison sees only the Documents cited by their units'
change records, and the 沿革 of their own units; catalogues, dedicated files, minute books and requests
are the office's own. ``archives`` sits below ``units``: the registry is reached through reverse
relations and ``apps.get_model``, never by importing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from archives.models import CatalogueClass, DedicatedEntry, DedicatedFile, Document, MinuteEntry, Request
from bianzhi.models import Region
from bianzhi.roles import Role, can, user_roles


def office_regions(user) -> QuerySet[Region]:
    if not can(user, "view_registry"):
        return Region.objects.none()
    return Region.objects.all() if user.is_superuser else Region.objects.filter(profile__user=user)


def liaison_units(user) -> QuerySet:
    """The units a liaison was granted (``units.liaise_unit``) and their internal divisions."""
    Unit = apps.get_model("units", "Unit")
    if Role.LIAISON not in user_roles(user):
        return Unit.objects.none()
    granted = get_objects_for_user(user, "units.liaise_unit", klass=Unit, accept_global_perms=False)
    ids = list(granted.values_list("pk", flat=True))
    return Unit.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids, nature="内设机构"))


def units_for(user) -> QuerySet:
    """The units whose 沿革 the user may see (like the unit pages)."""
    Unit = apps.get_model("units", "Unit")
    if can(user, "view_registry"):
        return Unit.objects.filter(region__in=office_regions(user))
    return liaison_units(user)


def documents_for(user) -> QuerySet[Document]:
    """The Documents a user may see (see the module docstring)."""
    if can(user, "view_registry"):
        return Document.objects.filter(region__in=office_regions(user))
    if Role.LIAISON not in user_roles(user):
        return Document.objects.none()
    units = get_objects_for_user(user, "units.liaise_unit", accept_global_perms=False).values("pk")
    cited = Document.objects.filter(Q(unitevent__unit__in=units) | Q(unitevent__unit__parent__in=units))
    return Document.objects.filter(pk__in=cited.values("pk"))


def _get(qs: QuerySet, pk, what: str):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404(f"没有找到该{what}。") from None


def document_for(user, pk) -> Document:
    qs = documents_for(user).select_related("region", "created_by", "catalogue_class", "withdrawn_by")
    return _get(qs, pk, "文件")


def classes_for(user) -> QuerySet[CatalogueClass]:
    """The catalogue (shared by the deployment) is the office's: no one else sees it."""
    if not can(user, "view_registry"):
        return CatalogueClass.objects.none()
    return CatalogueClass.objects.all()


def class_for(user, pk) -> CatalogueClass:
    return _get(classes_for(user).select_related("parent"), pk, "档案分类")


def catalogue_tree(user) -> list[tuple[CatalogueClass, int, list[tuple[CatalogueClass, int]]]]:
    """(top class, Documents in it and its sub-classes, [(sub-class, its Documents)]) in catalogue order;
    counts are of the user's regions only."""
    regions = office_regions(user)
    counts = dict(
        Document.objects.filter(region__in=regions, catalogue_class__isnull=False)
        .values_list("catalogue_class")
        .annotate(n=Count("id"))
    )
    classes = list(classes_for(user).order_by("sort", "code"))
    tree = []
    for top in (c for c in classes if c.parent_id is None):
        children = [(c, counts.get(c.pk, 0)) for c in classes if c.parent_id == top.pk]
        tree.append((top, counts.get(top.pk, 0) + sum(n for _, n in children), children))
    return tree


def class_and_children(cls: CatalogueClass) -> list[int]:
    return [cls.pk, *cls.children.values_list("pk", flat=True)]


def unfiled_count(user) -> int:
    return Document.objects.filter(region__in=office_regions(user), catalogue_class__isnull=True).count()


def dedicated_files_for(user) -> QuerySet[DedicatedFile]:
    if not can(user, "view_registry"):
        return DedicatedFile.objects.none()
    regions = office_regions(user)
    return DedicatedFile.objects.annotate(n=Count("entries", filter=Q(entries__region__in=regions)))


def dedicated_file_for(user, pk) -> DedicatedFile:
    return _get(dedicated_files_for(user), pk, "独立档案")


def entries_for(user) -> QuerySet[DedicatedEntry]:
    return DedicatedEntry.objects.filter(region__in=office_regions(user))


def entry_for(user, pk) -> DedicatedEntry:
    return _get(entries_for(user).select_related("dedicated_file", "region"), pk, "档案材料")


def minutes_for(user) -> QuerySet[MinuteEntry]:
    return MinuteEntry.objects.filter(region__in=office_regions(user))


def minute_for(user, pk) -> MinuteEntry:
    return _get(minutes_for(user).select_related("region", "recorded_by"), pk, "会议记录")


def requests_for(user) -> QuerySet[Request]:
    return Request.objects.filter(region__in=office_regions(user))


def request_for(user, pk) -> Request:
    return _get(
        requests_for(user).select_related("region", "deciding_document", "created_by"), pk, "请示事项"
    )


def unit_for(user, pk):
    return _get(units_for(user).select_related("region", "parent"), pk, "机构")


@dataclass
class HistoryLine:
    """One Document of a unit's 沿革 with what it did to the unit (and its internal divisions)."""

    document: Document
    date: dt.date | None
    what: list[str] = field(default_factory=list)


def unit_history(unit) -> list[HistoryLine]:
    """Every Document that concerns the unit, in date order: its founding Document and those of its
    internal divisions, and the Documents of their change records (UnitEvent). Staff movements are left
    to the person pages (a unit of fifty people would drown its 沿革 in 入编 文号)."""
    Unit = apps.get_model("units", "Unit")
    UnitEvent = apps.get_model("units", "UnitEvent")
    divisions = {u.pk: u.name for u in Unit.objects.filter(parent=unit, nature="内设机构")}
    names = {unit.pk: "", **{pk: f"（{name}）" for pk, name in divisions.items()}}
    lines: dict[int, HistoryLine] = {}

    def add(doc: Document, date, what: str) -> None:
        line = lines.setdefault(doc.pk, HistoryLine(doc, doc.issued_on or date))
        if what not in line.what:
            line.what.append(what)
        if line.date is None or (not doc.issued_on and date and date < line.date):
            line.date = date

    founders = Unit.objects.filter(pk__in=names, founding_document__isnull=False).select_related(
        "founding_document"
    )
    for u in founders:
        add(u.founding_document, u.founded_on, f"设立{names[u.pk]}")
    events = (
        UnitEvent.objects.filter(unit_id__in=names, document__isnull=False)
        .select_related("document")
        .order_by("occurred_on", "id")
    )
    for e in events:
        item = e.establishment_type or e.post_category or ""
        add(e.document, e.occurred_on, f"{e.kind}{('·' + item) if item else ''}{names[e.unit_id]}")
    far = dt.date.max
    return sorted(lines.values(), key=lambda line: (line.date or far, line.document.pk))
