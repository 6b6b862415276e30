"""Dedicated files (独立档案): open one, file Documents and other records into it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from archives.choices import (
    DedicatedKind,
)
from archives.models import (
    DedicatedEntry,
    DedicatedFile,
    Document,
)
from archives.services.documents import check_scan
from bianzhi import audit
from bianzhi.lib.text import clean_cell
from bianzhi.roles import authorize


@transaction.atomic
def dedicated_file_create(*, name: str, description: str = "", actor, kind: str = DedicatedKind.OTHER):
    """Open a new dedicated file for a line of work the office adds (其他专项工作档案). Audited."""
    authorize(actor, "edit_registry")
    name = clean_cell(name)
    if not name:
        raise ValidationError({"name": "档案名称不能为空。"})
    if DedicatedFile.objects.filter(name=name).exists():
        raise ValidationError({"name": f"独立档案“{name}”已经存在。"})
    folder = DedicatedFile.objects.create(
        name=name, kind=kind, description=description, sort=DedicatedFile.objects.count() * 10 + 10
    )
    audit.record(actor=actor, action="独立档案.建立", target=folder, after={"name": name, "kind": kind})
    return folder


@transaction.atomic
def dedicated_file_add_document(
    *, dedicated_file: DedicatedFile, document: Document, actor, note: str = ""
) -> DedicatedEntry:
    """File a Document into a dedicated file (once per file). Office staff of the Document's region.
    Audited (独立档案.归档)."""
    authorize(actor, "edit_registry", region=document.region_id)
    return _add_document(dedicated_file=dedicated_file, document=document, actor=actor, note=note)


def _add_document(*, dedicated_file: DedicatedFile, document: Document, actor, note: str) -> DedicatedEntry:
    if DedicatedEntry.objects.filter(dedicated_file=dedicated_file, document=document).exists():
        raise ValidationError({"number": f"文件“{document.number}”已经在“{dedicated_file.name}”中。"})
    entry = DedicatedEntry.objects.create(
        dedicated_file=dedicated_file,
        region=document.region,
        document=document,
        occurred_on=document.issued_on,
        note=note,
        filed_by=audit.user_of(actor),
    )
    audit.record(
        actor=actor,
        action="独立档案.归档",
        target=dedicated_file,
        region=document.region,
        after={"document": document.number, "note": note},
    )
    return entry


@transaction.atomic
def dedicated_file_add_record(
    *,
    dedicated_file: DedicatedFile,
    region,
    title: str,
    actor,
    occurred_on: dt.date | None = None,
    note: str = "",
    upload: UploadedFile | None = None,
) -> DedicatedEntry:
    """File other material (a work plan, a statistics table, a report) into a dedicated file, with an
    optional attachment checked like a scan. Office staff of the region. Audited (独立档案.归档)."""
    authorize(actor, "edit_registry", region=region)
    return _add_record(
        dedicated_file=dedicated_file,
        region=region,
        title=title,
        actor=actor,
        occurred_on=occurred_on,
        note=note,
        upload=upload,
    )


def _add_record(
    *,
    dedicated_file: DedicatedFile,
    region,
    title: str,
    actor,
    occurred_on: dt.date | None,
    note: str,
    upload: UploadedFile | None,
) -> DedicatedEntry:
    title = clean_cell(title)
    if not title:
        raise ValidationError({"title": "材料名称不能为空。"})
    entry = DedicatedEntry(
        dedicated_file=dedicated_file,
        region=region,
        title=title,
        occurred_on=occurred_on,
        note=note,
        filed_by=audit.user_of(actor),
    )
    if upload is not None:
        try:
            entry.sha256, _ = check_scan(upload)
        except ValidationError as exc:
            raise ValidationError({"upload": exc.messages}) from None
        entry.attachment_name = (upload.name or "")[-200:]
        entry.attachment.save(upload.name, upload, save=False)
    entry.save()
    audit.record(
        actor=actor,
        action="独立档案.归档",
        target=dedicated_file,
        region=region,
        after={"title": title, "occurred_on": occurred_on, "attachment": entry.attachment_name},
    )
    return entry


def file_into_dedicated(
    kind: str,
    *,
    actor,
    document: Document | None = None,
    title: str = "",
    note: str = "",
    region=None,
    occurred_on: dt.date | None = None,
    upload: UploadedFile | None = None,
) -> DedicatedEntry:
    """File material into the dedicated file of a line of work (e.g. ``"核查"`` for the verification
    campaign): a Document (filed once; filing it again returns the existing entry) or a record.

    Called by other services as a step of a change they have already authorised (a liaison's unit
    report files its PDF here), so it does not check the actor again; never call it from a view."""
    folder = DedicatedFile.objects.filter(kind=kind, is_active=True).order_by("sort", "id").first()
    if (
        folder is None
        and kind in DedicatedKind.values
        and not DedicatedFile.objects.filter(kind=kind).exists()
    ):
        # a standard line of work whose file is not there (a database made without the seeding
        # migration's rows): open it under its standard name rather than refuse the work being filed
        label = DedicatedKind(kind).label
        folder, _ = DedicatedFile.objects.get_or_create(name=label, defaults={"kind": kind})
    if folder is None:
        raise ValidationError(f"没有启用的“{kind}”独立档案。")
    if document is not None:
        existing = DedicatedEntry.objects.filter(dedicated_file=folder, document=document).first()
        return existing or _add_document(dedicated_file=folder, document=document, note=note, actor=actor)
    if region is None:
        raise ValueError("file_into_dedicated: a record needs its region")
    return _add_record(
        dedicated_file=folder,
        region=region,
        title=title,
        note=note,
        occurred_on=occurred_on,
        upload=upload,
        actor=actor,
    )
