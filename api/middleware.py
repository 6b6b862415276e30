"""``ApiCallMiddleware``: one audit row for every call under ``/api/`` — answered, refused (401, 403,
404, 422, 429) or failed — and JSON errors for whatever Django answers there before the API does.

Placed right after WhiteNoise in MIDDLEWARE, so it also sees what the upload guard, CSRF or a URL that
resolves nowhere answer. The row (``bianzhi.models.AuditEntry``) is written after the response:

- action ``接口.查询`` (a GET/HEAD answered), ``接口.写入`` (any other method answered), ``接口.拒绝``
  (a 4xx answer), ``接口.出错`` (a 5xx);
- actor: the token's account (or the logged-in user reading the documentation), none for an anonymous
  call (shown as 匿名调用); region: the token's;
- ``target_repr``: the path and what came of it (status, rows, token prefix, address), readable on the
  审计管理员's 审计日志 page; ``after`` the same as fields (method, path, query, status, rows, token,
  ip); ``reason`` the refusal's Chinese detail.
"""

from __future__ import annotations

import json
import logging
import re

from api.errors import detail_for, json_error
from bianzhi import audit
from bianzhi.lib.idnumbers import mask_id

logger = logging.getLogger("api")
PREFIX = "/api/"
_ID18 = re.compile(r"\d{17}[\dXx]")
ANONYMOUS = "匿名调用"


def _mask(text: str) -> str:
    """Query strings may carry ID numbers: the audit trail keeps them masked."""
    return _ID18.sub(lambda m: mask_id(m.group(0)), text)


def _action(method: str, status: int) -> str:
    if status >= 500:
        return "接口.出错"
    if status >= 400:
        return "接口.拒绝"
    return "接口.查询" if method in ("GET", "HEAD", "OPTIONS") else "接口.写入"


def _detail(response) -> str:
    if response.status_code < 400 or "json" not in response.get("Content-Type", ""):
        return ""
    try:
        detail = json.loads(response.content).get("detail", "")
    except (ValueError, AttributeError):
        return ""
    return detail if isinstance(detail, str) else ""


class ApiCallMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        request.api_rows = None
        response = self.get_response(request)
        response = self._json_errors(response)
        try:
            self._record(request, response)
        except Exception:  # the answer stands even if the trail cannot be written; the log says so
            logger.exception("API audit row not written for %s %s", request.method, request.path)
        return response

    def process_exception(self, request, exception):
        if request.path.startswith(PREFIX):
            logger.exception("API error on %s %s", request.method, request.path, exc_info=exception)
            return json_error(500)
        return None

    @staticmethod
    def _json_errors(response):
        """An error answered as a page (Django's 404, 405, 413, 400, 500) becomes JSON in Chinese; its
        headers (Allow, Retry-After) are kept."""
        if response.status_code < 400 or "json" in response.get("Content-Type", ""):
            return response
        replacement = json_error(response.status_code, detail_for(response.status_code))
        for header in ("Allow", "Retry-After", "X-Request-Id"):
            if header in response:
                replacement[header] = response[header]
        return replacement

    @staticmethod
    def _record(request, response) -> None:
        from api.models import ApiToken

        token = getattr(request, "auth", None)
        token = token if isinstance(token, ApiToken) else None
        user = getattr(request, "user", None)
        actor = token.account if token else (user if user is not None and user.is_authenticated else None)
        status = response.status_code
        rows = getattr(request, "api_rows", None)
        if rows is None and status >= 400:
            rows = 0
        ip = request.META.get("REMOTE_ADDR", "")
        prefix = token.prefix if token else getattr(request, "api_token_prefix", "")
        query = _mask(request.META.get("QUERY_STRING", ""))[:300]
        facts = [str(status)]
        if rows is not None:
            facts.append(f"{rows}行")
        if prefix:
            facts.append(f"令牌{prefix}")
        facts.append(f"地址{ip}")
        path = request.path + (f"?{query}" if query else "")
        entry = audit.build(
            actor=actor,
            action=_action(request.method, status),
            region=token.region if token else None,
            target_repr=f"{request.method} {path}（{'，'.join(facts)}）"[:300],
            after={
                "method": request.method,
                "path": request.path,
                "query": query,
                "status": status,
                "rows": rows,
                "token": prefix,
                "ip": ip,
            },
            reason=_detail(response),
        )
        if actor is None:
            entry.actor_name = ANONYMOUS
        entry.target_type = "接口调用"
        entry.request_id = getattr(request, "request_id", "") or entry.request_id
        entry.client_request_id = getattr(request, "client_request_id", "") or entry.client_request_id
        entry.save()
