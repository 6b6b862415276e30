"""What a job handler returns: a file to keep and offer for download, a link, a message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class JobResult:
    file: bytes | None = None  # stored under MEDIA jobs/%Y/%m/, served by jobs:job_download (scoped, audited)
    filename: str = ""  # the name the download carries (中文 allowed)
    url: str = ""  # a page showing the result (e.g. the comparison run)
    message: str = ""  # one line shown on the job page (中文)


class JobFailed(Exception):
    """Raise from a handler to fail the job with ``message`` (Chinese) and still keep ``result`` — e.g. an
    import's error workbook, offered for download on the failed job's page."""

    def __init__(self, message: str, result: JobResult | None = None):
        super().__init__(message)
        self.message = message
        self.result = result
