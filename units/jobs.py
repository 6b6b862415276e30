"""The registry's downloads made in the background (issue 17), and what every app's background
downloads share: the size over which a download becomes a job (``JOBS_INLINE_MAX_ROWS``).

The units and staff workbooks over the size run as jobs (``units.export``): the job keeps the list's
filters and makes the workbook as its owner — rights checked again when it runs, the owner's scope at
that moment, the audit row (导出.机构 / 导出.实有人员) written when the file is produced."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from bianzhi.roles import require
from jobs.registry import job
from jobs.results import JobResult
from units import selectors
from units.exports import filter_units, staff_workbook, units_workbook

DEFAULT_INLINE_MAX_ROWS = 2000
EXPORT_KIND = "units.export"
EXPORTS = {"units": "机构", "staff": "实有人员"}
# the result's note on the job page: a background download is its owner's (units.views.background)
OWNER_ONLY = "文件按提交人的权限生成（数据范围、身份证号是否完整），仅提交人可以查看和下载。"


def inline_max_rows() -> int:
    """Above this many rows a download is made by a background job instead of in the request."""
    return int(getattr(settings, "JOBS_INLINE_MAX_ROWS", DEFAULT_INLINE_MAX_ROWS))


def export_size(user, what: str, query: dict[str, str]) -> int:
    """How many rows the units (or staff) workbook holds for ``user`` under the list's filters."""
    units, _used = filter_units(selectors.units_for(user), query)
    if what == "units":
        return units.count()
    return selectors.people_of(user, units).filter(in_establishment=True).count()


def export_file(user, what: str, query: dict[str, str], *, progress=None) -> bytes:
    """The units (FORMATS.md §1) or staff (§2) workbook of the units ``user`` sees under the filters,
    stamped and audited as the user. ``progress``: a job's, advanced by each row written."""
    if what not in EXPORTS:
        raise ValidationError("不支持的导出。")
    require(user, "export")
    units, used = filter_units(selectors.units_for(user), query)
    total = 0
    if progress is not None:
        total = export_size(user, what, query)
        progress.stage("写入Excel", total=total)
    if what == "units":
        data = units_workbook(units, actor=user, filters=used)
        if progress is not None:
            progress.advance(total)
        return data
    people = selectors.people_of(user, units)
    return staff_workbook(people, actor=user, filters=used, progress=progress)


def query_of(params) -> dict[str, str]:
    return {k: v for k, v in params.items() if k != "page" and v}


@job(EXPORT_KIND, label="导出工作簿")
def export_job(job, progress) -> JobResult:
    """The background units or staff workbook (params: what, query)."""
    what = job.params["what"]
    data = export_file(job.owner, what, job.params.get("query", {}), progress=progress)
    filename = f"{EXPORTS[what]}_{timezone.localtime():%Y%m%d%H%M}.xlsx"
    return JobResult(file=data, filename=filename, message=f"共 {job.done} 行。{OWNER_ONLY}")
