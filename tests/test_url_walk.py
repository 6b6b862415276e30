"""Walk every URL pattern of the project: anonymous → login; another unit's liaison → 404 on A's objects.

A new pattern with an argument this walk cannot fill fails the test, so nobody forgets to add it here.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.views import LoginView
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from archives.services import document_attach
from bianzhi.roles import can
from bianzhi.uploads import UPLOADS
from tests.builders import api as api_walk
from tests.builders import jobs as jobs_walk
from tests.builders import keytasks as keytasks_walk
from tests.builders import registration as registration_walk
from tests.builders import supervision as supervision_walk
from tests.builders import yearbook as yearbook_walk
from tests.builders.campaign import campaign_objects
from tests.builders.findings import verification_objects
from tests.builders.registry import make_person

# URL names (with namespace) whose ``pk`` is a unit / person / document / scan of unit A.
PK_KIND = {
    "units:unit_detail": "unit",
    "units:unit_edit": "unit",
    "units:unit_end": "unit",
    "units:unit_merge": "unit",
    "units:unit_merge_confirm": "unit",
    "units:quota_change": "unit",
    "units:posts_change": "unit",
    "units:person_enter": "unit",
    "units:person_detail": "person",
    "units:person_edit": "person",
    "units:person_leave": "person",
    "units:person_transfer": "person",
    "units:person_post": "person",
    "units:request_detail": "use_request",
    "units:request_approve": "use_request",
    "units:request_refuse": "use_request",
    "units:request_withdraw": "use_request",
    "units:slip_pdf": "use_slip",
    "units:slip_void": "use_slip",
    "units:unit_certificate": "unit",
    "units:person_card": "person",
    "archives:document_detail": "document",
    "archives:document_edit": "document",
    "archives:document_withdraw": "document",
    "archives:scan_add": "document",
    "archives:scan_download": "scan",
    "archives:unit_documents": "unit",
    "archives:class_edit": "catalogue_class",
    "archives:class_delete": "catalogue_class",
    "archives:dedicated_detail": "dedicated_file",
    "archives:dedicated_add_document": "dedicated_file",
    "archives:dedicated_add_record": "dedicated_file",
    "archives:entry_download": "dedicated_entry",
    "archives:minute_detail": "minute",
    "archives:minute_edit": "minute",
    "archives:request_detail": "request",
    "archives:request_edit": "request",
    "archives:request_submit": "request",
    "archives:request_return": "request",
    "archives:request_decide": "request",
    "ledgers:unit_ledger": "unit",
    "ledgers:unit_ledger_export": "unit",
    "verification:upload_detail": "upload",
    "verification:upload_errors": "upload",
    "verification:run_detail": "run",
    "verification:run_download": "run",
    "verification:finding_detail": "finding",
    "verification:finding_answer": "finding",
    "verification:finding_decide": "finding",
    "verification:finding_share": "finding",
    "verification:attachment_download": "attachment",
    "verification:campaign_detail": "campaign",
    "verification:campaign_compare": "campaign",
    "verification:campaign_onsite": "campaign",
    "verification:campaign_draw": "campaign",
    "verification:campaign_window": "campaign",
    "verification:campaign_report_file": "campaign",
    "verification:campaign_close": "campaign",
    "verification:campaign_report": "campaign",
    "verification:campaign_workbook": "campaign",
    "verification:cu_detail": "campaign_unit",
    "verification:cu_attach": "campaign_unit",
    "verification:cu_propose": "campaign_unit",
    "verification:cu_decide": "campaign_unit",
    "verification:cu_notice_post": "campaign_unit",
    "verification:cu_notice_remove": "campaign_unit",
    "verification:cu_feedback_add": "campaign_unit",
    "verification:cu_feedback_reply": "campaign_unit",
    "verification:cu_followup": "campaign_unit",
    "verification:cu_visit": "campaign_unit",
    "verification:cu_prereview": "campaign_unit",
    "verification:cu_report_confirm": "campaign_unit",
    "verification:cu_advance": "campaign_unit",
    "verification:cu_return": "campaign_unit",
    "verification:cu_notice": "campaign_unit",
    "verification:cu_report": "campaign_unit",
    "verification:cu_selfcheck": "campaign_unit",
    "verification:cu_selfcheck_pdf": "campaign_unit",
    "verification:campaign_units": "campaign",
    "verification:campaign_review": "campaign",
    "verification:campaign_review_submit": "campaign",
    "verification:campaign_review_decide": "campaign",
    "verification:cu_attachment": "campaign_attachment",
}
for _app in (registration_walk, supervision_walk, yearbook_walk, keytasks_walk, jobs_walk):
    PK_KIND |= _app.URL_PK_KIND
PK_KIND |= api_walk.URL_PK_KIND
UI_NAMES = {name for name in PK_KIND if name.split(":")[0] in ("units", "archives")}
# Arguments of the admin site's patterns: any value will do for anonymous users.
ADMIN_KWARGS = {"object_id": "1", "app_label": "units", "content_type_id": "1", "id": "1", "fmt": "xlsx"}


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, full name or None, argument names) of every pattern, recursing into includes."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield route, name, p, list(p.pattern.regex.groupindex)


@pytest.fixture
def objects(settings, tmp_path, unit_a):
    settings.MEDIA_ROOT = tmp_path
    person = make_person(unit_a)
    document = unit_a.founding_document
    scan = document_attach(document=document, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), actor=None)
    base = {"unit": unit_a, "person": person, "document": document, "scan": scan}
    slip = person.slips.get()  # make_person enters through 用编申请 → 编制使用单
    base |= {"use_slip": slip, "use_request": slip.request}
    base |= api_walk.url_objects(unit_a)
    return (
        base
        | verification_objects(unit_a)
        | archive_objects(unit_a)
        | campaign_objects(unit_a)
        | registration_walk.url_objects(unit_a)
        | supervision_walk.url_objects(unit_a)
        | yearbook_walk.url_objects(unit_a)
        | keytasks_walk.url_objects(unit_a)
        | jobs_walk.url_objects(unit_a)
    )


def archive_objects(unit) -> dict:
    """One of each archives record (the office's own: another unit's liaison sees none of them)."""
    from archives import services as archives_services
    from archives.models import CatalogueClass

    region, document = unit.region, unit.founding_document
    entry = archives_services.file_into_dedicated(
        "核查",
        region=region,
        title="核查工作方案",
        actor=None,
        upload=SimpleUploadedFile("p.pdf", b"%PDF-1.4\n"),
    )
    minute = archives_services.minute_create(
        region=region,
        kind="室务会议",
        met_on=document.issued_on,
        subject="室务会",
        attendees="甲、乙",
        items="研究编制事项",
        documents=[document],
        actor=None,
    )
    request = archives_services.request_create(
        region=region, title="关于设立某中心的请示", requesting_body="某局", actor=None
    )
    return {
        "catalogue_class": CatalogueClass.objects.order_by("id").first(),
        "dedicated_file": entry.dedicated_file,
        "dedicated_entry": entry,
        "minute": minute,
        "request": request,
    }


def dummy(pattern, arg: str) -> str:
    """A value the pattern accepts for an argument that names no registry object (a token, an admin id)."""
    converter = getattr(pattern.pattern, "converters", {}).get(arg)
    if converter is None:
        return ADMIN_KWARGS.get(arg, "1")
    return {"IntConverter": "1", "UUIDConverter": "00000000-0000-0000-0000-000000000000"}.get(
        type(converter).__name__, "x"
    )


def concrete_url(name: str | None, pattern, args: list[str], objects: dict) -> str | None:
    if name is None:
        return None
    kwargs = {a: dummy(pattern, a) for a in args}
    if name.startswith("api:"):  # the API: any value will do, every call is refused before it is read
        return reverse(name, kwargs=kwargs)
    if name in PK_KIND:
        return reverse(name, kwargs=kwargs | {"pk": objects[PK_KIND[name]].pk})
    assert "pk" not in args, f"{name}: add it to PK_KIND in tests/test_url_walk.py"
    return reverse(name, kwargs=kwargs)


def test_walk_covers_the_ui(db):
    names = {name for _, name, _, _ in walk()}
    assert UI_NAMES <= names
    assert {
        "units:dashboard",
        "units:unit_list",
        "units:person_list",
        "units:unit_create",
        "archives:document_list",
        "archives:document_create",
        "login",
        "logout",
    } <= names


def test_anonymous_is_sent_to_login_everywhere(client, objects, settings):
    settings.API_FAILED_PER_MINUTE = 10_000  # one address failing on every API URL, on purpose
    login = reverse("login")
    checked = api_checked = 0
    for route, name, pattern, args in walk():
        url = concrete_url(name, pattern, args, objects)
        if url is None:  # the admin's unnamed catch-all
            url = "/" + route.replace("^", "").replace("(?P<url>.*)$", "x")
        response = client.get(url)
        if url.startswith("/api/"):  # the API answers for itself: JSON in Chinese, never a redirect
            # 401, or 405 for a GET of a POST-only operation (tests/test_api_openapi.py calls each by its method)
            assert response.status_code in (401, 405), (url, response.status_code)
            assert re.search("[\u4e00-\u9fff]", response.json()["detail"]), url
            api_checked += response.status_code == 401
            continue
        if getattr(pattern.callback, "view_class", None) is LoginView or name in ("admin:login", "logout"):
            assert response.status_code in (200, 302, 405), url
            continue
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith((login, reverse("admin:login"))), url
        checked += 1
    assert checked > len(PK_KIND)
    assert api_checked >= 3


def test_other_units_liaison_gets_404_on_unit_a_objects(client, objects, liaison_b):
    client.force_login(liaison_b)
    seen = 0
    for _, name, pattern, args in walk():
        if name not in PK_KIND:
            continue
        url = concrete_url(name, pattern, args, objects)
        assert client.get(url).status_code == 404, url
        # an upload URL refuses a role without its capability before the body is read (issue 13): 403
        refused = 403 if name in UPLOADS and not any(can(liaison_b, c) for c in UPLOADS[name][1]) else 404
        assert client.post(url, {}).status_code == refused, url
        seen += 1
    assert seen >= len(UI_NAMES)
