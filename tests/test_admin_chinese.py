"""The admin is Chinese (issue 12, point 7) and keeps the registry read-only (decision 5).

A superuser walks the admin of the URL walk's county: the index, each registered model's changelist,
its add page, the change (or view) page and the history of its first row. No visible Latin word outside ``ALLOW`` (tests/builders/urlwalk.py);
every registered model, its fields and its app have Chinese names.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from tests.builders.urlwalk import ALLOW, data_strings, english_words, visible_text
from tests.test_url_walk import objects as url_walk_county

county = url_walk_county
# Django's own Chinese admin text names keyboard keys ("按住 Control 键或 Mac 上的 Command 键来选择多项。")
# and a sign-on system ("例如单一登入或LDAP。") as they are printed on keys and in manuals.
ADMIN_ALLOW = ALLOW | {"Control", "Command", "Mac", "LDAP"}
# What Django itself prints on its own pages as data, not words: the password hash summary of a user
# (algorithm "pbkdf2_sha256" — "md5" under the tests' fast hasher —, its salt and hash, shown masked) on
# the user's change page.
ADMIN_DATA = re.compile(r"pbkdf2_sha256|\bmd5\b|[A-Za-z0-9+/=*]{12,}")
# The registry and its records change only through the services: the admin never adds, changes or
# deletes them (decision 5). The office's own tables stay editable: regions, profiles, the calendar.
EDITABLE = {
    "bianzhi.region",
    "bianzhi.profile",
    "bianzhi.calendaryear",
    "bianzhi.calendarday",
    "auth.user",
    "auth.group",
}


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("超级管理员", password="pass12345")


def read(response, data) -> list[str]:
    text = ADMIN_DATA.sub(" ", visible_text(response.content.decode()))
    return english_words(text, data, ADMIN_ALLOW)


def admin_pages(model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    yield reverse(f"{prefix}_changelist")
    yield reverse(f"{prefix}_add")
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        yield reverse(f"{prefix}_change", args=[first.pk])
        yield reverse(f"{prefix}_history", args=[first.pk])
        try:
            yield reverse(f"{prefix}_permissions", args=[first.pk])  # guardian
        except NoReverseMatch:
            pass


def test_every_admin_page_is_chinese(client, superuser, county):
    client.force_login(superuser)
    data = data_strings()
    english, seen = [], 0
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    urls += [
        reverse("admin:app_list", args=[label]) for label in {m._meta.app_label for m in admin.site._registry}
    ]
    for model in admin.site._registry:
        urls += list(admin_pages(model))
    for url in urls:
        response = client.get(url)
        # guardian's object-permission page sends a read-only model's admin back to the index: liaisons
        # are granted their units in 账号管理, not here
        # (the add page of a read-only model is a 403, which must be Chinese too)
        assert response.status_code in (200, 403) or url.endswith("/permissions/"), (
            url,
            response.status_code,
        )
        if response.status_code in (200, 403):
            seen += response.status_code == 200
            if words := read(response, data):
                english.append(f"{url}: {', '.join(words)}")
    assert not english, "English in the admin:\n" + "\n".join(english)
    assert seen > 2 * len(admin.site._registry)


def test_registered_models_fields_and_apps_have_chinese_names(db):
    wrong = []
    for model in admin.site._registry:
        opts = model._meta
        for label in (opts.verbose_name, opts.verbose_name_plural, opts.app_config.verbose_name):
            if english_words(str(label)):
                wrong.append(f"{opts.label}: {label}")
        for field in opts.get_fields():
            name = getattr(field, "verbose_name", None)
            if name is not None and english_words(str(name)):
                wrong.append(f"{opts.label}.{field.name}: {name}")
    assert not wrong, "\n".join(wrong)


def test_site_header_and_titles_are_chinese():
    assert "机构编制管理系统" in admin.site.site_header and "后台" in admin.site.site_header
    for title in (admin.site.site_title, admin.site.index_title):
        assert not english_words(str(title))


def test_registry_is_read_only_in_the_admin(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower in EDITABLE:
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
