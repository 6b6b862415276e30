"""Every error of the API is JSON ``{"detail": "<中文>"}`` — ninja's own errors, Django's (404, 403, a
service's ValidationError), pydantic's validation errors (field and reason in Chinese, plus ``errors``
for programs), the rate limit (429 with ``Retry-After``) and anything Django answers before the API does
(an unknown path, a method not allowed, a body too large, a server error)."""

from __future__ import annotations

import logging
import re

from django.http import JsonResponse

logger = logging.getLogger("api")

STATUS_DETAIL = {
    400: "请求有误。",
    401: "未认证：请提供有效的接口令牌（Authorization: Bearer <令牌>）。",
    403: "无权进行此操作。",
    404: "所请求的对象不存在，或不在本令牌的授权范围内。",
    405: "不支持该请求方法。",
    413: "请求体过大。",
    415: "不支持该内容类型。",
    422: "请求数据有误。",
    429: "调用过于频繁，请稍后再试。",
    500: "服务器内部错误，请联系编办系统管理员（请提供请求编号）。",
}
NOT_FOUND = STATUS_DETAIL[404]
CJK = re.compile(r"[\u4e00-\u9fff]")

LOCATION = {
    "body": "请求体",
    "query": "查询参数",
    "path": "路径参数",
    "header": "请求头",
    "cookie": "Cookie",
    "form": "表单",
    "file": "文件",
}
KIND = {
    "string": "字符串",
    "int": "整数",
    "float": "数字",
    "decimal": "数字",
    "bool": "布尔值（true 或 false）",
    "date": "日期（如 2021-12-31）",
    "datetime": "日期时间（如 2021-12-31T08:00:00+08:00）",
    "time": "时间",
    "uuid": "UUID",
    "list": "列表",
    "dict": "对象",
    "model": "对象",
    "bytes": "字节串",
}


def detail_for(status: int) -> str:
    return STATUS_DETAIL.get(status, "请求未能完成。" if status < 500 else STATUS_DETAIL[500])


def json_error(status: int, detail: str | None = None, **extra) -> JsonResponse:
    response = JsonResponse(
        {"detail": detail or detail_for(status), **extra},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _reason(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "必填"
    if kind in ("extra_forbidden",):
        return "不允许的字段"
    if kind == "json_invalid":
        return "不是有效的 JSON"
    if kind in ("string_too_short", "too_short"):
        n = ctx.get("min_length")
        return f"至少{n}个字符" if kind == "string_too_short" else f"至少{n}项"
    if kind in ("string_too_long", "too_long"):
        n = ctx.get("max_length")
        return f"至多{n}个字符" if kind == "string_too_long" else f"至多{n}项"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    bounds = {
        "greater_than_equal": ("不能小于", "ge"),
        "greater_than": ("应大于", "gt"),
        "less_than_equal": ("不能大于", "le"),
        "less_than": ("应小于", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"{words}{ctx.get(key)}"
    if kind in ("literal_error", "enum"):
        return f"只能取以下值之一：{ctx.get('expected', '')}"
    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error", ""))
        return message if CJK.search(message) else "取值无效"
    for name, label in KIND.items():
        if kind.startswith(name + "_") or kind == name:
            return f"应为{label}"
    return "取值无效"


def _where(loc) -> str:
    parts = [str(p) for p in loc]
    if not parts:
        return "请求"
    where = LOCATION.get(parts[0], parts[0])
    rest = ".".join(parts[1:])
    return f"{where} {rest}" if rest else where


def validation_error(errors: list[dict]) -> JsonResponse:
    """pydantic's errors (as ninja collects them) in Chinese: one ``detail`` line naming each field and
    its reason, and ``errors`` (loc, msg, type) for a program to read."""
    items = [{"loc": list(e.get("loc", ())), "msg": _reason(e), "type": e.get("type", "")} for e in errors]
    text = "；".join(f"{_where(i['loc'])}：{i['msg']}" for i in items)
    return json_error(422, f"请求数据有误：{text}。", errors=items)
