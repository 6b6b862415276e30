"""The archives' download: the catalogue (总目录 / 分目录) as an Excel workbook, audited."""

from __future__ import annotations

from archives.selectors import CATALOGUE_HEADERS
from bianzhi import audit
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name

WIDTHS = {1: 6, 2: 24, 3: 48, 4: 28, 5: 12, 6: 10, 7: 8, 8: 8}


def catalogue_xlsx(title: str, groups: list, *, whole: bool, actor, region) -> bytes:
    """The catalogue (``selectors.catalogue``) as one sheet, 总目录 when ``whole`` else 分目录."""
    rows = [row for _, rs in groups for row in rs]
    sheet = SheetSpec(
        name="总目录" if whole else "分目录", headers=CATALOGUE_HEADERS, rows=rows, widths=WIDTHS
    )
    data = workbook_bytes([sheet], exported_by=actor_name(actor), note=title)
    audit.record(
        actor=actor,
        action="档案目录.导出",
        region=region,
        target_repr=title,
        after={"文件": f"{title}.xlsx", "条数": len(rows)},
    )
    return data
