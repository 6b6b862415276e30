"""``/api/v1/budget/``: units and their quotas and posts in the flat form a budget system takes
(预算系统编制数据) — JSON (paginated) and one xlsx sheet with a header row, the same rows and columns
(``units.exports_budget.COLUMNS``; docs/api.md lists every column, its JSON key and its values).

Office roles and partner clerks (``read_establishment``): the figures are those the registry endpoint
gives (no confidential unit, no person). The xlsx is also audited as an export (导出.单位编制数据).
"""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from api import scoping
from api.endpoints.registry import MAX_PAGE_SIZE, PAGE_SIZE, PageOf, UnitFilter, need_reader, readable_units
from bianzhi.lib.http import XLSX, download
from units import exports_budget

TAG = "预算系统编制数据"
router = Router(tags=[TAG])


def _row_schema() -> type[Schema]:
    """The JSON row: one field per column of the sheet, described by its header and meaning."""
    annotations, fields = {}, {}
    for column in exports_budget.COLUMNS:
        if column.key == "as_of":
            kind = dt.date
        elif column.key == "unit_id" or column.key.endswith(("_approved", "_occupied", "_vacancy", "_held")):
            kind = int
        else:
            kind = str
        annotations[column.key] = kind
        text = column.header + (f"：{column.meaning}" if column.meaning else "")
        fields[column.key] = Field(..., description=text)
    return type("BudgetRowOut", (Schema,), {"__annotations__": annotations, **fields})


BudgetRowOut = _row_schema()


@router.get(
    "/units",
    response=list[BudgetRowOut],
    summary="预算系统编制数据（JSON）",
    description="每个正常存续的法人单位一行（涉密单位不提供）：单位信息、五类编制及合计的核定数、实有数、空编数，"
    "三类领导职数的核定数、实配数。字段与 units.xlsx 的列一一对应，见接口说明。分页：page、page_size（至多 500）。",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def budget_units(request, filters: Query[UnitFilter]):
    units = readable_units(request, filters)

    def build(page):
        scoping.rows(request, len(page))
        return exports_budget.budget_rows(page)

    return PageOf(units, build)


class XlsxFile(Schema):
    """Documented only: the answer is the workbook itself."""

    detail: str = Field("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet 文件")


@router.get(
    "/units.xlsx",
    response={200: XlsxFile},
    summary="预算系统编制数据（Excel）",
    description="与 JSON 相同的行和列，一个工作表“单位编制”，第一行为表头；另附“导出说明”工作表（导出人、时间）。"
    "不分页：一次导出令牌区划内的全部单位。可用与 JSON 相同的筛选参数。",
    openapi_extra={
        "responses": {
            200: {
                "description": "Excel 工作簿",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def budget_units_xlsx(request, filters: Query[UnitFilter]) -> HttpResponse:
    token = need_reader(request)
    units = readable_units(request, filters)
    data, count = exports_budget.budget_workbook(units, actor=request.user, region=token.region)
    scoping.rows(request, count)
    return download(data, "单位编制数据.xlsx", stamp=True)
