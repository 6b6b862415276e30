"""The archives pages: Documents (documents.py), the catalogue and its prints (catalogue.py), and the
office's dedicated files, minute books and requests (records.py)."""

from archives.views.catalogue import catalogue, catalogue_export, class_create, class_delete, class_edit
from archives.views.documents import (
    document_create,
    document_detail,
    document_edit,
    document_list,
    document_withdraw,
    scan_add,
    scan_download,
    unit_documents,
)
from archives.views.records import (
    dedicated_add_document,
    dedicated_add_record,
    dedicated_create,
    dedicated_detail,
    dedicated_list,
    entry_download,
    minute_create,
    minute_detail,
    minute_edit,
    minute_list,
    request_create,
    request_decide,
    request_detail,
    request_edit,
    request_list,
    request_return,
    request_submit,
)
from archives.views.search import archive_search

__all__ = [
    "archive_search",
    "catalogue", "catalogue_export", "class_create", "class_delete", "class_edit",
    "document_create", "document_detail", "document_edit", "document_list", "document_withdraw",
    "scan_add", "scan_download", "unit_documents",
    "dedicated_add_document", "dedicated_add_record", "dedicated_create", "dedicated_detail",
    "dedicated_list", "entry_download", "minute_create", "minute_detail", "minute_edit", "minute_list",
    "request_create", "request_decide", "request_detail", "request_edit", "request_list",
    "request_return", "request_submit",
]  # fmt: skip
