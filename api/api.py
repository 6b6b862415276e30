"""The partner API, version 1 (``/api/v1/``): one NinjaAPI, a router per module of ``api/endpoints``.

Default deny: ``auth=TokenAuth()`` for every operation (``api.auth``); the documentation
(``/api/v1/docs``, Swagger UI from ninja's own static files: no internet needed) and the OpenAPI document
(``/api/v1/openapi.json``) need a logged-in session or a valid token. Every error is JSON with a Chinese
``detail`` (``api.errors``); every call leaves an audit row (``api.middleware``).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from api import endpoints
from api.auth import TokenAuth, authenticate_request
from api.errors import NOT_FOUND, json_error, validation_error
from api.ratelimit import RateLimited

logger = logging.getLogger("api")

DESCRIPTION = """\
机构编制管理系统面向协作部门（组织、财政、人社）和编办自身业务系统的接口，版本 1。

**认证**：每次调用都须在请求头中携带安全管理员签发的接口令牌：`Authorization: Bearer bz1_<前缀>_<随机串>`。
令牌的权限是“令牌范围 ∩ 账号角色 ∩ 账号所辖区划”，不会超出所属账号。

**范围**：区划（令牌所属区划及其下级区划）、数据来源（组织/财政/人社部门）、只读或可写入、是否可查看个人信息。
无个人信息范围的令牌看到的公民身份号码一律脱敏。

**错误**：所有错误均为 JSON：`{"detail": "中文说明"}`；401 未认证，403 无权，404 不存在或不在授权范围内，
422 请求数据有误（另附 `errors` 列出每个字段），429 调用过于频繁（见 `Retry-After`）。

**审计**：每次调用（包括被拒绝的调用）都记入审计日志：调用人、令牌前缀、路径、结果、行数、时间和地址。
"""


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # 汉字 as they are, not \\uXXXX escapes


class OfflineSwagger(Swagger):
    """ninja's Swagger UI (its own static files: no internet needed) with our page: the settings in a data
    attribute instead of an inline JSON script (tests/test_csp.py allows no inline script)."""

    template = "api/swagger.html"


def docs_access(view):
    """The documentation and the OpenAPI document: for a logged-in user or a valid token."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            try:
                authenticate_request(request)
            except RateLimited as exc:
                return _rate_limited(request, exc)
            except HttpError as exc:
                return json_error(exc.status_code, exc.message)
        return view(request, *args, **kwargs)

    wrapped.login_required = False  # LoginRequiredMiddleware: the API answers 401 itself, never redirects
    return wrapped


api = NinjaAPI(
    title="机构编制管理系统 协作部门接口",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs=OfflineSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_decorator=docs_access,
    renderer=ChineseJSONRenderer(),
)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = json_error(429, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc: AuthenticationError):
    message = exc.message if exc.message != "Unauthorized" else None
    return json_error(401, message)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return json_error(exc.status_code, exc.message)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    return validation_error(exc.errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return json_error(404, NOT_FOUND)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    """A service's refusal (bianzhi.roles.authorize): its Chinese message."""
    return json_error(403, str(exc) or None)


@api.exception_handler(DjangoValidationError)
def _refused(request, exc: DjangoValidationError):
    """A service's rule refusal: its Chinese messages (per field when it names them)."""
    if hasattr(exc, "error_dict"):
        fields = {
            field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()
        }
        text = "；".join(m for messages in fields.values() for m in messages)
        return json_error(400, text, fields=fields)
    return json_error(400, "；".join(exc.messages))


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return json_error(500)


for module_info in sorted(pkgutil.iter_modules(endpoints.__path__), key=lambda m: m.name):
    module = importlib.import_module(f"api.endpoints.{module_info.name}")
    if hasattr(module, "router"):
        tags = None if module.router.tags else [getattr(module, "TAG", module_info.name)]
        # PREFIX: a module whose one operation is named by itself (me.py: /api/v1/me, no trailing slash)
        api.add_router(getattr(module, "PREFIX", f"/{module_info.name}/"), module.router, tags=tags)
