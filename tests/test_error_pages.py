"""The error pages a user may meet are Chinese and in the site's style (issue 12, point 7).

403 and 404 extend base.html and show the exception's message when it is a Chinese sentence (ends with
"。"), a Chinese default otherwise; 500 and 400 are rendered by Django with an empty context (no request,
no context processors, perhaps no database), so they stand alone; a CSRF failure is a Chinese 403.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import include, path, reverse

from bianzhi.views import CSRF_FAILED
from tests.builders.urlwalk import english_words, visible_text


def _refuse(request):
    raise PermissionDenied("只有编办管理员可以管理账号。")


def _refuse_in_english(request):
    raise PermissionDenied("Forbidden by policy")


def _missing_in_english(request):
    raise Http404("No Unit matches the given query.")


def _crash(request):
    raise RuntimeError("boom: something English went wrong")


# A test-only URLconf: the project's URLs (the pages link to them) and four views that fail.
urlpatterns = [
    path("test-errors/refuse/", _refuse),
    path("test-errors/refuse-en/", _refuse_in_english),
    path("test-errors/missing-en/", _missing_in_english),
    path("test-errors/crash/", _crash),
    path("", include("bianzhi.urls")),
]
HERE = override_settings(ROOT_URLCONF=__name__, DEBUG=False)


def chinese(response) -> str:
    text = visible_text(response.content.decode())
    assert not english_words(text), english_words(text)
    assert "机构编制管理系统" in text
    return text


@pytest.fixture
def signed_in(client, office_staff):
    client.force_login(office_staff)
    return client


@HERE
def test_403_shows_the_chinese_refusal(signed_in):
    response = signed_in.get("/test-errors/refuse/")
    assert response.status_code == 403
    text = chinese(response)
    assert "没有权限（403）" in text
    assert "只有编办管理员可以管理账号。" in text
    assert 'href="/static/css/app.css"' in response.content.decode()


@HERE
def test_403_with_a_message_not_in_chinese_shows_the_chinese_default(signed_in):
    response = signed_in.get("/test-errors/refuse-en/")
    assert response.status_code == 403
    assert "您没有执行此操作的权限。" in chinese(response)


@HERE
def test_404_for_an_unknown_url(signed_in):
    response = signed_in.get("/no-such-page/")
    assert response.status_code == 404
    text = chinese(response)
    assert "没有找到（404）" in text
    assert "您要访问的页面或记录不存在" in text


@HERE
def test_404_hides_djangos_english_message(signed_in):
    response = signed_in.get("/test-errors/missing-en/")
    assert response.status_code == 404
    assert "您要访问的页面或记录不存在" in chinese(response)


@HERE
def test_404_for_anonymous_user_is_chinese_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    chinese(response)


@HERE
def test_500_is_a_standalone_chinese_page(signed_in):
    signed_in.raise_request_exception = False
    response = signed_in.get("/test-errors/crash/")
    assert response.status_code == 500
    text = chinese(response)
    assert "系统出错（500）" in text
    assert "boom" not in response.content.decode()
    assert 'href="/static/css/app.css"' in response.content.decode()


@pytest.mark.parametrize("template", ["500.html", "400.html"])
def test_500_and_400_render_with_an_empty_context_and_no_database(template, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string(template)
    text = visible_text(page)
    assert not english_words(text)
    assert "返回首页" in text and "/static/css/app.css" in page


@HERE
def test_400_for_a_host_not_allowed(db):
    with override_settings(ALLOWED_HOSTS=["bianzhi.example"]):
        response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误（400）" in chinese(response)


def test_csrf_failure_is_a_chinese_403(office_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    text = chinese(response)
    assert CSRF_FAILED in text and "页面已过期（403）" in text
    assert "CSRF" not in text and "Forbidden" not in text
