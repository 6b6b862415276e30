"""Builders of the units and staff workbooks (FORMATS §1–§2) for the import tests, with openpyxl."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import openpyxl

from bianzhi.lib.idnumbers import make_id
from units.imports import STAFF_HEADERS, UNIT_HEADERS

_serial = itertools.count(100)


def workbook(path: Path, sheet: str, header: list[str], rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def unit_row(name: str, nature: str = "行政机关", **kw) -> list:
    values = {"机构名称": name, "机构性质": nature, "系统类别": "政府", "经费形式": "全额拨款"} | kw
    if nature == "事业单位":
        values.setdefault("事业单位类别", "公益一类")
    return [values.get(h) for h in UNIT_HEADERS]


def units_xlsx(path: Path, rows: list[list]) -> Path:
    return workbook(path, "机构", UNIT_HEADERS, rows)


def new_id(sex: str = "男", birth: dt.date = dt.date(1990, 4, 5)) -> str:
    return make_id("621125", birth, next(_serial), sex)


def person_row(unit: str, name: str, id_number: str | None = None, *, etype: str = "行政编制", **kw) -> list:
    category = {"行政编制": "公务员", "事业编制": "专业技术人员", "工勤编制": "工勤技能人员"}.get(
        etype, "公务员"
    )
    values = {
        "单位名称": unit,
        "姓名": name,
        "公民身份号码": id_number or new_id(),
        "编制类型": etype,
        "人员类别": category,
        "入编时间": "2024-03-01",
    } | kw
    return [values.get(h) for h in STAFF_HEADERS]


def staff_xlsx(path: Path, rows: list[list]) -> Path:
    return workbook(path, "实有人员", STAFF_HEADERS, rows)
