"""The accounts' workbooks: the liaison template to fill in, and the list of first passwords."""

from __future__ import annotations

from accounts.imports import HEADERS, SHEET
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes

TEMPLATE_NAME = "联络员名单模板.xlsx"
ISSUED_NAME = "联络员初始密码清单.xlsx"
ISSUED_HEADERS = ["单位", "姓名", "账号", "初始密码", "手机"]


def liaison_template() -> bytes:
    """The empty liaison workbook with its instructions (the sheet ``accounts.imports`` reads)."""
    notes = [
        ["单位名称", "本区划现有的法人单位全称或其他名称（内设机构不能设联络员）"],
        ["姓名", "联络员姓名"],
        ["手机", "以1开头的11位手机号码"],
        ["账号", "登录账号（字母、数字或 _ . @ + -）；同一人负责多个单位时每个单位一行、账号相同"],
    ]
    return workbook_bytes(
        [
            SheetSpec(SHEET, HEADERS, [], widths={1: 36, 2: 12, 3: 16, 4: 18}),
            SheetSpec("填写说明", ["列名", "说明"], notes, widths={1: 12, 2: 80}),
        ]
    )


def issued_workbook(issued: dict) -> bytes:
    """The first passwords of one import (rows kept in the session), for the administrator to hand out."""
    return workbook_bytes([SheetSpec("初始密码", ISSUED_HEADERS, issued["rows"], widths={1: 36, 4: 16})])
