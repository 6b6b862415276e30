"""What a job handler returns: a file to keep and offer for download, a link, a message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class JobResult:
    file: bytes | None = None  # stored under MEDIA jobs/%Y/%m/, served by jobs:job_download (scoped, audited)
    filename: str = ""  # the name the download carries (中文 allowed)
    url: str = ""  # a page showing the result (e.g. the comparison run)
    message: str = ""  # one line shown on the job page (中文)
