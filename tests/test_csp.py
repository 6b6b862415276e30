"""Content-Security-Policy (issue 13 point 6): every page carries it and has nothing it would block.

The URL walk of tests/test_chinese_pages.py, as an office writer and as a liaison: every HTML page has the
header, no inline ``<script>`` (without ``src``) and no ``on*=`` handler attribute. A real browser then
loads the campaign page and a form page and reports zero CSP violations (and the moved scripts still work).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.browser import login, needs_chromium
from tests.test_chinese_pages import county, pages  # noqa: F401  (county is a fixture)

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {d.split(" ", 1)[0]: d.partition(" ")[2] for d in (p.strip() for p in header.split(";")) if d}


def test_policy_directives(client, office_staff):
    client.force_login(office_staff)
    directives = policy(client.get(reverse("units:dashboard")))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert directives["object-src"] == "'none'"


def test_login_page_has_the_policy(client, db):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("role", ["office_admin", "liaison_a"])
def test_every_page_has_the_policy_and_no_inline_script(client, request, county, role):  # noqa: F811
    client.force_login(request.getfixturevalue(role))
    problems, seen = [], 0
    for url in pages(county):
        response = client.get(url)
        if response.status_code in (301, 302) or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        if "script-src 'self'" not in response.headers.get("Content-Security-Policy", ""):
            problems.append(f"{url}: no Content-Security-Policy header")
        body = response.content.decode()
        if INLINE_SCRIPT.search(body):
            problems.append(f"{url}: inline <script>")
        if m := HANDLER.search(body):
            problems.append(f"{url}: handler attribute {m.group(0)[-40:]}")
    assert seen > 20
    assert not problems, "\n".join(problems)


@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_browser_records_no_csp_violation(page, unit_a, office_staff, settings, tmp_path):
    import datetime as dt

    from bianzhi import workdays
    from tests.builders.campaign import make_campaign

    settings.MEDIA_ROOT = tmp_path / "media"
    today = dt.date.today()
    workdays.seed_from_package(range(today.year - 1, today.year + 2))
    campaign = make_campaign(unit_a.region, office_staff)

    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Refused to" in msg.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error('Refused to ' + e.violatedDirective));"
    )
    login(page, "staff1")
    for name, args in [
        ("verification:campaign_detail", [campaign.pk]),
        ("archives:document_create", []),
        ("units:dashboard", []),
    ]:
        page.goto(page.base + reverse(name, args=args))
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() >= 1

    # the moved script still works: "select all" ticks every unit row on the campaign page
    page.goto(page.base + reverse("verification:campaign_detail", args=[campaign.pk]))
    page.wait_for_load_state("networkidle")
    if page.locator("#check-all").count():
        page.locator("#check-all").check()
        boxes = page.locator("input[name=cu]")
        assert boxes.count() >= 1 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    assert refused == [], refused
