"""The comparison pages (数据比对), one module per concern: partner uploads, runs, findings (list,
detail, answer, decision, export), unit matching.

Reads go through ``verification.findings.selectors`` (404 outside the user's scope); each POST calls one
service with ``actor=request.user``. Order in write views: look the object up (404), check the
capability (403, ``bianzhi.roles.require``), then parse the form.
"""

from verification.findings.views.findings import (
    attachment_download,
    finding_answer,
    finding_decide,
    finding_detail,
    finding_export,
    finding_list,
    finding_share,
)
from verification.findings.views.matching import alias_add, unmatched
from verification.findings.views.runs import run_create, run_detail, run_download, run_list
from verification.findings.views.uploads import index, upload_create, upload_detail, upload_errors

__all__ = [
    "alias_add",
    "attachment_download",
    "finding_answer",
    "finding_decide",
    "finding_detail",
    "finding_export",
    "finding_list",
    "finding_share",
    "index",
    "run_create",
    "run_detail",
    "run_download",
    "run_list",
    "unmatched",
    "upload_create",
    "upload_detail",
    "upload_errors",
]
