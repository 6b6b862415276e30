"""Partner files for tests, the bench and the demo: rows as dicts keyed by header, written as CSV or xlsx."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence

from bianzhi.lib.xlsx import SheetSpec, write_workbook
from verification.compare.data import FINANCE, ORG, SI

HEADERS: dict[str, list[str]] = {
    ORG: ["姓名", "公民身份号码", "单位名称", "统一社会信用代码", "人员类别", "领导职务", "职务"],
    FINANCE: ["姓名", "公民身份号码", "单位名称", "统一社会信用代码", "经费形式"],
    SI: ["姓名", "公民身份号码", "参保单位名称", "统一社会信用代码", "参保状态"],
}


def _grid(rows: Iterable[dict], headers: Sequence[str]) -> Iterable[list]:
    for row in rows:
        yield [row.get(h, "") for h in headers]


def partner_csv(
    source: str, rows: Iterable[dict], headers: Sequence[str] | None = None, encoding: str = "utf-8"
) -> bytes:
    headers = list(headers or HEADERS[source])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(_grid(rows, headers))
    return buffer.getvalue().encode(encoding)


def write_partner_xlsx(
    path: str | os.PathLike, source: str, rows: Iterable[dict], headers: Sequence[str] | None = None
) -> None:
    headers = list(headers or HEADERS[source])
    write_workbook(path, [SheetSpec("Sheet1", headers, _grid(rows, headers))])
