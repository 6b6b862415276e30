"""The partner API, version 1 (``/api/v1/``): one NinjaAPI, a router per module of ``api/endpoints``."""

from __future__ import annotations

import importlib
import pkgutil

from ninja import NinjaAPI

from api import endpoints

api = NinjaAPI(
    title="机构编制管理系统 协作部门接口",
    version="1",
    urls_namespace="api",
)

for module_info in sorted(pkgutil.iter_modules(endpoints.__path__), key=lambda m: m.name):
    module = importlib.import_module(f"api.endpoints.{module_info.name}")
    if hasattr(module, "router"):
        api.add_router(f"/{module_info.name}/", module.router)
