"""Every page, as each of the five roles: Chinese to read, and a GET that writes nothing (issue 12, point 7).

The county is the URL walk's (tests/test_url_walk.py): unit A with a person, a 用编申请, documents,
archives records, a comparison run with an answered finding and a campaign. Each role GETs every named
URL pattern (the admin has its own walk in tests/test_admin_chinese.py); downloads (PDF, xlsx) are not
read; each HTML page's visible text may hold no Latin word outside ``ALLOW`` (tests/builders/urlwalk.py
says why each is there). Around each GET no table gains or loses a row and no statement writes
(sessions aside; an audit row recording who downloaded or printed is the log of a read).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders.urlwalk import data_strings, english_words, row_counts, visible_text, writes_in
from tests.test_url_walk import concrete_url, walk
from tests.test_url_walk import objects as url_walk_county

ROLES = ("office_admin", "office_staff", "supervisor", "liaison_a", "partner_clerk")
SKIP = ("admin:", "logout")  # the admin: tests/test_admin_chinese.py; logout is POST only
county = url_walk_county


def pages(objects):
    """The concrete URL of every named pattern outside ``SKIP`` (a ``pk`` the URL walk cannot fill
    yet fails tests/test_url_walk.py, not this walk)."""
    for _route, name, pattern, args in walk():
        if name is None or name.startswith(SKIP):
            continue
        try:
            yield concrete_url(name, pattern, args, objects)
        except AssertionError:
            continue


def api_log_only(changed: dict) -> dict:
    """What an API call changed besides its log: every call leaves one audit row ``接口.*`` (issue 16: every
    call audited, refused ones too) and a refused one counts toward its address's limit (api.RateWindow)."""
    from bianzhi.models import AuditEntry

    changed = {k: v for k, v in changed.items() if k != "api.RateWindow"}
    last = AuditEntry.objects.order_by("-id").first()
    if changed.get("bianzhi.AuditEntry") == 1 and last.action.startswith("接口."):
        del changed["bianzhi.AuditEntry"]
    return changed


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_chinese_and_no_get_writes(client, request, county, role):
    client.force_login(request.getfixturevalue(role))
    data = data_strings()
    english, wrote, seen = [], [], 0
    for url in pages(county):
        before = row_counts()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        after = row_counts()
        changed = {k: after[k] - before[k] for k in before | after if after[k] != before[k]}
        ignore = ("django_session", "bianzhi_auditentry")
        if url.startswith("/api/"):
            changed, ignore = api_log_only(changed), (*ignore, "api_ratewindow")
        if changed or writes_in(queries, ignore):
            sql = [q[:120] for q in writes_in(queries, ignore)[:3]]
            wrote.append(f"GET {url} → {response.status_code}: {changed} {sql}")
        if response.status_code in (301, 302) or not response["Content-Type"].startswith("text/html"):
            continue
        if words := english_words(visible_text(response.content.decode()), data):
            english.append(f"{url} ({response.status_code}): {', '.join(words)}")
        seen += response.status_code == 200
    problems = [f"{role}: a GET wrote:", *wrote] if wrote else []
    problems += [f"{role}: English on the page:", *english] if english else []
    assert not problems, "\n".join(problems)
    assert seen >= 3, f"{role}: only {seen} pages answered 200"


def test_the_token_pages_and_the_api_docs_are_chinese(client, county, security_admin):
    """The 安全管理员's token pages (issue 16), whom the walk above does not log in as, and the docs page."""
    client.force_login(security_admin)
    token = county["api_token"]
    urls = [
        reverse("tokens:token_list"),
        reverse("tokens:token_list") + "?status=有效",
        reverse("tokens:token_issue"),
        reverse("tokens:token_detail", args=[token.pk]),
        reverse("tokens:token_revoke", args=[token.pk]),
        reverse("api:openapi-view"),
    ]
    data = data_strings()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not english_words(visible_text(response.content.decode()), data), url


def test_the_login_page_is_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not english_words(visible_text(response.content.decode()))
