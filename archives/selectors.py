"""Reads of the archives, scoped to what a user may see (default deny; 404 outside the scope).

Office roles see the archives of their regions. A liaison sees only the Documents cited by their units'
change records, and the 沿革 of their own units; catalogues, dedicated files, minute books and requests
are the office's own. ``archives`` sits below ``units``: the registry is reached through reverse
relations and ``apps.get_model``, never by importing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from itertools import groupby
from operator import and_, or_

from django.apps import apps
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from archives.models import (
    CatalogueClass,
    DedicatedEntry,
    DedicatedFile,
    Document,
    DocumentFile,
    MinuteEntry,
    Request,
)
from bianzhi.grants import granted_unit_ids
from bianzhi.models import Region
from bianzhi.roles import acting_region_ids, can, region_ids


def office_regions(user) -> QuerySet[Region]:
    if not can(user, "view_registry"):
        return Region.objects.none()
    ids = region_ids(user)  # the user's regions and those below them (issue 17)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)


def kept_regions(user) -> QuerySet[Region]:
    """The regions whose records the user keeps (their profile's own, never those below): the choices of
    the forms that file something."""
    if not can(user, "view_registry"):
        return Region.objects.none()
    ids = acting_region_ids(user)
    return Region.objects.all() if ids is None else Region.objects.filter(pk__in=ids)


def liaison_units(user) -> QuerySet:
    """The units a liaison was granted (``units.liaise_unit``) and their internal divisions."""
    Unit = apps.get_model("units", "Unit")
    if not can(user, "liaise"):
        return Unit.objects.none()
    ids = list(granted_unit_ids(user))
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
    if not can(user, "liaise"):
        return Document.objects.none()
    units = list(granted_unit_ids(user))
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
    """The catalogue is the office's: the shared classes (region NULL) and those of the user's regions."""
    if not can(user, "view_registry"):
        return CatalogueClass.objects.none()
    if user.is_superuser:
        return CatalogueClass.objects.all()
    return CatalogueClass.objects.filter(Q(region__isnull=True) | Q(region__in=office_regions(user)))


def class_for(user, pk) -> CatalogueClass:
    return _get(classes_for(user).select_related("parent"), pk, "档案分类")


def editable_class_for(user, pk) -> CatalogueClass:
    """A class the user's office may change: one of its own regions' (shared and other regions': 404)."""
    return _get(
        classes_for(user).filter(region__isnull=False).select_related("parent"), pk, "本区划的档案分类"
    )


def class_parents_for(user) -> QuerySet[CatalogueClass]:
    """The top classes a new or moved class may go under: shared ones and the user's regions'."""
    return classes_for(user).filter(parent__isnull=True).order_by("sort", "code")


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


# ---- what the pages read -------------------------------------------------------------------------------


def filter_documents(qs: QuerySet[Document], data: dict) -> QuerySet[Document]:
    """The document search: 文号, title, issuing body and notes (any word), and the filters."""
    for word in (data.get("q") or "").split():
        qs = qs.filter(
            Q(number__icontains=word)
            | Q(title__icontains=word)
            | Q(issuer__icontains=word)
            | Q(note__icontains=word)
        )
    if data.get("cls"):
        qs = qs.filter(catalogue_class__in=class_and_children(data["cls"]))
    for name in ("kind", "year", "retention", "status"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    if box := (data.get("box") or "").strip():
        qs = qs.filter(box_number=box)
    return qs


def document_list(user, data: dict) -> QuerySet[Document]:
    """The Documents page: the user's Documents, searched and filtered, newest first."""
    qs = filter_documents(documents_for(user), data).select_related("catalogue_class")
    return qs.order_by("-issued_on", "-id")


def document_page(user, document: Document) -> dict:
    """What a Document's page shows: its scans, the change records and staff movements that cite it (a
    liaison: only their own units'), and for the office the dedicated files, minutes and requests."""
    events = document.unitevent_set.select_related("unit").order_by("occurred_on", "id")
    movements = document.movement_set.select_related("person", "person__unit").order_by("occurred_on", "id")
    office = can(user, "view_registry")
    if not office:  # a liaison sees only their own units' records
        units = liaison_units(user).values("pk")
        events = events.filter(unit__in=units)
        movements = movements.filter(person__unit__in=units)
    context = {
        "files": document.files.order_by("uploaded_at", "id"),
        "events": events,
        "movements": movements,
    }
    if office:
        context |= {
            "entries": document.dedicated_entries.select_related("dedicated_file"),
            "minutes": document.minutes.order_by("-met_on"),
            "requests": (document.based_requests.all() | document.decided_requests.all()).distinct(),
        }
    return context


def scan_for(user, pk) -> DocumentFile:
    """A scan, within the scope of its Document (404 outside it)."""
    qs = DocumentFile.objects.select_related("document").filter(document__in=documents_for(user))
    return _get(qs, pk, "附件")


def numbers(documents) -> str:
    """The 文号 of a set of Documents, one per line (the text a form edits)."""
    return "\n".join(documents.order_by("id").values_list("number", flat=True))


def folder_entries(user, folder: DedicatedFile) -> QuerySet[DedicatedEntry]:
    return (
        entries_for(user)
        .filter(dedicated_file=folder)
        .select_related("document", "region", "filed_by")
        .order_by("-occurred_on", "-id")
    )


def minute_list(user, data: dict) -> QuerySet[MinuteEntry]:
    qs = minutes_for(user)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("year"):
        qs = qs.filter(met_on__year=data["year"])
    return qs.order_by("-met_on", "-id")


def minute_documents(minute: MinuteEntry) -> QuerySet[Document]:
    return minute.documents.order_by("issued_on", "id")


def request_list(user, data: dict) -> QuerySet[Request]:
    qs = requests_for(user).select_related("deciding_document")
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    for word in (data.get("q") or "").split():
        qs = qs.filter(
            Q(title__icontains=word) | Q(requesting_body__icontains=word) | Q(unit_name__icontains=word)
        )
    return qs.order_by("-created_at", "-id")


def request_page(item: Request) -> dict:
    return {
        "basis": item.basis.order_by("issued_on", "id"),
        "steps": item.steps.select_related("actor").order_by("at", "id"),
    }


# ---- 综合检索 ------------------------------------------------------------------------------------------

SHOWN = 20


def _words(qs: QuerySet, words: list[str], fields: tuple[str, ...]) -> QuerySet:
    """Every word must appear in at least one of the fields."""
    if not words:
        return qs.none()
    return qs.filter(
        reduce(and_, (reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields)) for w in words))
    )


def search(user, q: str, year: int | None) -> list[tuple[str, int, list]]:
    """One search box across Documents, minute books, requests and dedicated-file records: [(section,
    how many, the first SHOWN)]; a liaison's sections are empty but for their Documents."""
    words = q.split()
    documents = filter_documents(documents_for(user), {"q": q, "year": year}) if words else None
    minutes = _words(minutes_for(user), words, ("subject", "attendees", "departments", "items", "decisions"))
    requests = _words(
        requests_for(user),
        words,
        ("title", "requesting_body", "unit_name", "duties", "feasibility", "necessity", "decision"),
    )
    entries = _words(
        entries_for(user), words, ("title", "note", "document__number", "document__title")
    ).select_related("dedicated_file", "document")
    if year:
        minutes, entries = minutes.filter(met_on__year=year), entries.filter(occurred_on__year=year)
        requests = requests.filter(created_at__year=year)
    sections = [
        ("文件", documents.order_by("-issued_on", "-id") if documents is not None else None),
        ("会议记录", minutes.order_by("-met_on", "-id")),
        ("请示事项", requests.order_by("-id")),
        ("独立档案材料", entries.order_by("-id")),
    ]
    return [(label, qs.count(), list(qs[:SHOWN])) for label, qs in sections if qs is not None]


# ---- the printed catalogue -----------------------------------------------------------------------------

CATALOGUE_HEADERS = ["序号", "文号", "标题", "发文机关", "日期", "保管期限", "盒号", "卷号"]
NO_BOX = "未装盒"


def _box_key(doc: Document) -> tuple:
    box = doc.box_number
    return (0, int(box), box) if box.isdigit() else ((1, 0, box) if box else (2, 0, ""))


def _vol_key(doc: Document) -> tuple:
    vol = doc.volume_number
    return (0, int(vol), vol) if vol.isdigit() else (1, 0, vol)


def catalogue_rows(qs) -> list[tuple[str, list[list]]]:
    """[(box label, rows)] in shelf order: box, volume, date, 文号; 序号 runs through the whole catalogue."""
    docs = sorted(qs, key=lambda d: (_box_key(d), _vol_key(d), d.issued_on or d.created_at.date(), d.number))
    groups, n = [], 0
    for box, items in groupby(docs, key=lambda d: d.box_number):
        rows = []
        for doc in items:
            n += 1
            row = [doc.number, doc.title, doc.issuer, doc.issued_on, doc.retention, doc.box_number]
            rows.append([n, *row, doc.volume_number])
        groups.append((f"第 {box} 盒" if box else NO_BOX, rows))
    return groups


def catalogue(region: Region, cls: CatalogueClass | None, year: int | None) -> tuple[str, list]:
    """The 总目录 (every valid Document of the region) or a class's 分目录, optionally of one year:
    (its title, its rows grouped by box)."""
    qs = Document.objects.filter(region=region, status="有效")
    if cls is not None:
        qs = qs.filter(catalogue_class__in=class_and_children(cls))
    if year:
        qs = qs.filter(year=year)
    title = f"{region.name}机构编制档案" + (f"分目录（{cls.code} {cls.name}）" if cls else "总目录")
    if year:
        title += f"（{year}年度）"
    return title, catalogue_rows(qs)
