"""单位编制数据（预算系统格式）: the office's own download of the file the budget system takes through the API
(``/api/v1/budget/units.xlsx``) — the same sheet, rows and columns (``units.exports_budget``): every live
法人 unit of the user's regions with its quotas and posts, no confidential unit, no person."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from bianzhi.lib.http import download
from bianzhi.roles import region_ids, require
from units import exports_budget


def export_budget(request: HttpRequest) -> HttpResponse:
    """Office roles (``export``); audited as 导出.单位编制数据 by the workbook's builder."""
    require(request.user, "export")
    units = exports_budget.open_units(region_ids(request.user))
    data, _rows = exports_budget.budget_workbook(units, actor=request.user)
    return download(data, "单位编制数据.xlsx", stamp=True)
