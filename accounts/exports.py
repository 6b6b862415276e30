"""The accounts' workbooks: the liaison template to fill in, and the list of first passwords."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from accounts.imports import HEADERS, SHEET
from bianzhi import audit
from bianzhi.lib.xlsx import SheetSpec, workbook_bytes
from bianzhi.roles import actor_name, authorize

TEMPLATE_NAME = "联络员名单模板.xlsx"
ISSUED_NAME = "联络员初始密码清单.xlsx"
ISSUED_HEADERS = ["单位", "姓名", "账号", "初始密码", "手机"]
AUDIT_NAME = "审计日志.xlsx"
AUDIT_HEADERS = [
    "时间",
    "操作人",
    "操作人单位",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "区划",
    "请求编号",
    "变更前",
    "变更后",
    "原因",
]


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


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _audit_row(e) -> list:
    return [
        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
        e.actor_name,
        e.actor_unit,
        e.action,
        e.target_type,
        e.target_id,
        e.target_repr,
        str(e.region) if e.region_id else "",
        e.request_id,
        _json(e.before),
        _json(e.after),
        e.reason,
    ]


@transaction.atomic
def audit_export(*, entries, actor, filters: dict) -> bytes:
    """The searched audit trail as a workbook (审计管理员 only), carrying the exporter's name; the export
    is itself audited (who, which search, how many rows)."""
    authorize(actor, "read_audit")
    rows = [_audit_row(e) for e in entries.iterator(chunk_size=2000)]
    widths = {1: 20, 2: 12, 4: 18, 7: 36, 10: 40, 11: 40}
    data = workbook_bytes(
        [SheetSpec("审计日志", AUDIT_HEADERS, rows, widths=widths)], exported_by=actor_name(actor)
    )
    audit.record(
        actor=actor,
        action="审计日志.导出",
        target_repr="审计日志",
        after={"filters": filters, "rows": len(rows)},
    )
    return data
