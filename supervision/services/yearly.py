"""年度归档: the year's material of 监督检查 into its 独立档案 — the statistics and the list of closed 举报
(as PDFs). The 整改通知书 are filed one by one when issued (``notice_issue``)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from archives.choices import DedicatedKind
from archives.services import file_into_dedicated
from bianzhi import audit
from bianzhi.roles import authorize
from supervision import prints
from supervision.services.common import fail, today


@transaction.atomic
def year_archive(*, region, year: int, actor) -> list:
    """File year ``year``'s statistics and closed 举报 list into the 监督检查 独立档案 (again on a later run:
    each run files the state of that day). Office writers of the region; audited."""
    authorize(actor, "supervise", region=region)
    if year > today().year:
        fail("不能归档尚未开始的年度。", "year")
    entries = []
    for title, pdf in (
        (f"{year}年度机构编制监督检查统计表", prints.statistics_pdf(region, year, actor=actor)),
        (f"{year}年度举报受理办结情况一览", prints.closed_reports_pdf(region, year, actor=actor)),
    ):
        upload = SimpleUploadedFile(f"{title}.pdf", pdf, content_type="application/pdf")
        entries.append(
            file_into_dedicated(
                DedicatedKind.SUPERVISION,
                region=region,
                title=title,
                occurred_on=today(),
                upload=upload,
                actor=actor,
            )
        )
    audit.record(
        actor=actor, action="监督.年度归档", region=region, target_repr=f"{year}年度", after={"year": year}
    )
    return entries
