"""``/api/v1/registry/``: the units of the token's regions with their quotas by type (核定 / 实有 / 空编)
and leader posts (核定 / 实配) — what a partner department needs to check its own data against.

Office roles and partner clerks (capability ``read_establishment``). Never a confidential unit, never a
person: the API has no people endpoint (a person's data reaches a partner only as a finding on its own
rows, ``/api/v1/partner/findings``). Reads from ``units.exports_budget``, like the budget export.
"""

from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from api import scoping
from units import exports_budget

TAG = "单位编制数据"
router = Router(tags=[TAG])
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class QuotaOut(Schema):
    establishment_type: str = Field(description="编制类型")
    approved: int = Field(description="核定数")
    occupied: int = Field(description="实有数（在编人数）")
    vacancy: int = Field(description="空编数 = 核定数 − 实有数；负数为超编")
    military_earmark: int = Field(description="其中军转行政编制")


class PostOut(Schema):
    category: str = Field(description="职数类别：单位正职 / 单位副职 / 内设机构领导")
    approved: int = Field(description="核定职数")
    held: int = Field(description="实配数")


class UnitOut(Schema):
    unit_id: int = Field(description="系统编号")
    region_code: str
    region_name: str
    name: str
    credit_code: str
    supervisor: str = Field(description="主管部门")
    nature: str = Field(description="机构性质")
    system: str = Field(description="系统类别")
    rank: str = Field(description="机构规格")
    funding: str = Field(description="经费形式")
    institution_class: str = Field(description="事业单位类别")
    township: str = Field(description="所在乡镇；县直单位为“县直”")
    quotas: list[QuotaOut]
    posts: list[PostOut]


class UnitFilter(Schema):
    q: str = Field("", description="单位名称、其他名称或统一社会信用代码中包含的文字", max_length=100)
    nature: str = Field("", description="机构性质", max_length=10)
    funding: str = Field("", description="经费形式", max_length=10)
    township: str = Field("", description="所在乡镇（县直单位填“县直”）", max_length=50)


class PageOf:
    """A page of units turned into items with their figures only once sliced: the figures of one page
    cost five queries, whatever the number of units (``units.exports_budget.registry_items``)."""

    def __init__(self, units, build):
        self.units, self.build = units, build

    def all(self):
        return self.units.all()

    def __getitem__(self, window: slice):
        return self.build(list(self.units[window]))


def need_reader(request):
    """The token's account may read units and figures (``read_establishment``: office roles and partner
    clerks — a clerk's token always carries its department's source, ``api.rules``)."""
    return scoping.need(request, capability="read_establishment")


def readable_units(request, filters: UnitFilter):
    """The live units of the token's regions the filters keep (the registry's and the budget's lists)."""
    need_reader(request)
    units = exports_budget.open_units(scoping.token_region_ids(request))
    return exports_budget.filter_open_units(units, **filters.dict())


@router.get(
    "/units",
    response=list[UnitOut],
    summary="单位及其编制、领导职数",
    description="令牌区划（含下级区划）内正常存续的法人单位（内设机构计入所属单位，涉密单位不提供），"
    "每个单位附各类编制的核定数、实有数、空编数和领导职数的核定数、实配数。分页：page、page_size（至多 500）。",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def unit_list(request, filters: Query[UnitFilter]):
    units = readable_units(request, filters)

    def build(page):
        scoping.rows(request, len(page))
        return exports_budget.registry_items(page)

    return PageOf(units, build)


@router.get(
    "/units/{unit_id}",
    response=UnitOut,
    summary="一个单位及其编制、领导职数",
    description="不在令牌区划内、已撤销或合并、内设机构或涉密的单位，均答复 404。",
)
def unit_detail(request, unit_id: int):
    need_reader(request)
    unit = exports_budget.open_unit(scoping.token_region_ids(request), unit_id)
    if unit is None:
        raise scoping.not_found()
    scoping.rows(request, 1)
    return exports_budget.registry_items([unit])[0]
