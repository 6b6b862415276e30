"""The OpenAPI description (issue 16 point 1): served by the application, valid, in Chinese, every
operation behind the bearer token (default deny: an anonymous call to any operation is 401), and the
documentation page readable offline (nothing from another host; Swagger UI runs under the CSP)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from openapi_spec_validator import validate

from tests.browser import login, needs_chromium, shot
from tests.builders.api import api_calls, bearer, make_token

OPENAPI = reverse("api:openapi-json")
DOCS = reverse("api:openapi-view")
CJK = re.compile(r"[\u4e00-\u9fff]")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(client, office_staff):
    _, secret = make_token(office_staff)
    response = client.get(OPENAPI, headers=bearer(secret))
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_document_is_valid_openapi(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")


def test_the_document_is_chinese_and_names_the_bearer_scheme(schema):
    assert CJK.search(schema["info"]["title"]) and "Authorization: Bearer" in schema["info"]["description"]
    schemes = schema["components"]["securitySchemes"]
    assert list(schemes.values()) == [
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "bz1_<前缀>_<随机串>",
            "description": schemes["TokenAuth"]["description"],
        }
    ]


def test_every_operation_has_a_chinese_summary_a_tag_and_the_token(schema):
    problems, seen = [], 0
    for path, method, operation in operations(schema):
        seen += 1
        where = f"{method.upper()} {path}"
        if not CJK.search(operation.get("summary", "")):
            problems.append(f"{where}: summary not Chinese ({operation.get('summary')!r})")
        tags = operation.get("tags") or []
        if not tags or not all(CJK.search(t) for t in tags):
            problems.append(f"{where}: tags {tags!r}")
        if operation.get("security") != [{"TokenAuth": []}]:
            problems.append(f"{where}: security {operation.get('security')!r}")
    assert seen >= 1
    assert not problems, "\n".join(problems)


def _concrete(path: str, operation: dict) -> str:
    """The path with each parameter filled by a value of its type (any will do: the call is refused
    before the parameters are read)."""
    types = {p["name"]: p.get("schema", {}).get("type", "string") for p in operation.get("parameters", [])}

    def value(match):
        kind = types.get(match.group(1), "string")
        return "1" if kind == "integer" else "x"

    return re.sub(r"\{(\w+)\}", value, path)


def test_every_operation_refuses_an_anonymous_call_with_401(client, schema, settings):
    settings.API_FAILED_PER_MINUTE = 10_000  # this walk is one address failing on purpose
    checked = []
    for path, method, operation in operations(schema):
        url = _concrete(path, operation)
        call = getattr(client, method)
        response = call(url, "{}", content_type="application/json") if method != "get" else call(url)
        assert response.status_code == 401, (method, url, response.status_code, response.content[:200])
        assert response["Content-Type"].startswith("application/json")
        assert CJK.search(response.json()["detail"]), url
        checked.append(url)
    assert api_calls(action="接口.拒绝").count() == len(checked)


def test_the_document_and_the_docs_need_a_login_or_a_token(client, office_staff, liaison_a):
    for url in (OPENAPI, DOCS):
        response = client.get(url)
        assert response.status_code == 401 and CJK.search(response.json()["detail"])
    _, secret = make_token(office_staff)
    assert client.get(DOCS, headers=bearer(secret)).status_code == 200
    client.force_login(liaison_a)  # any logged-in user: the schema is not secret on the intranet
    assert client.get(OPENAPI).status_code == 200
    response = client.get(reverse("api:api-root"))
    assert response.status_code == 302 and response["Location"] == DOCS


def test_the_docs_page_needs_nothing_from_another_host(client, office_staff):
    client.force_login(office_staff)
    response = client.get(DOCS)
    assert response.status_code == 200
    page = response.content.decode()
    references = re.findall(r"""(?:src|href)=["']([^"']+)""", page)
    assert references and all(r.startswith("/") and not r.startswith("//") for r in references), references
    assert "http://" not in page and "https://" not in page
    assert '"validatorUrl": null' in page.replace("&quot;", '"')  # no badge fetched from swagger.io
    assert not re.search(r"<script\b(?![^>]*\bsrc=)", page)  # no inline script (CSP)
    for ref in references:
        assert client.get(ref).status_code == 200, ref  # served by the application itself
    assert "script-src 'self'" in response["Content-Security-Policy"]


@needs_chromium
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_runs_offline_under_the_csp(page, office_staff):
    login(page, "staff1")
    outside, violations = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    def route(r):
        if r.request.url.startswith(page.base):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.goto(page.base + DOCS)
    page.wait_for_selector(".opblock-summary", timeout=20000)
    page.wait_for_load_state("networkidle")
    text = page.inner_text("#swagger-ui")
    assert "机构编制管理系统" in text and "查询本令牌的账号和范围" in text
    assert page.locator("button.authorize").count() == 1  # the bearer token can be entered
    assert "填写令牌" in text and "Authorize" not in text  # Swagger UI's own words in Chinese too
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="试用").click()
    page.get_by_role("button", name="执行").wait_for(timeout=5000)
    opened = page.inner_text("#swagger-ui")
    assert "参数" in opened and "响应" in opened
    assert not {"Try it out", "Execute", "Parameters", "Responses"} & set(opened.split("\n")), opened
    shot(page, "api_docs")
    assert outside == [] and violations == []
