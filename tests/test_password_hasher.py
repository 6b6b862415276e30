"""The password hasher (accounts/hashers.py): Django's PBKDF2, the same stored hashes, computed in a
thread below the pages' priority so a morning's logins do not hold up the pages."""

from __future__ import annotations

import os
import threading

import pytest
from django.contrib.auth import hashers
from django.urls import reverse

from accounts import hashers as ours
from bianzhi import settings as project
from tests.builders.registry import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Bianzhi@2026"


@pytest.fixture
def real_hashing(settings):
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # the project's, not the tests' MD5
    assert settings.PASSWORD_HASHERS[0] == "accounts.hashers.PBKDF2PasswordHasher"


def test_the_hashes_are_djangos(real_hashing):
    """Same algorithm, iterations and string as Django's own: stored passwords keep working both ways."""
    mine, djangos = ours.PBKDF2PasswordHasher(), hashers.PBKDF2PasswordHasher()
    assert mine.algorithm == djangos.algorithm and mine.iterations == djangos.iterations
    assert mine.encode(PASSWORD, "saltsaltsalt") == djangos.encode(PASSWORD, "saltsaltsalt")
    assert hashers.check_password(PASSWORD, djangos.encode(PASSWORD, "othersalt"))
    made = hashers.make_password(PASSWORD)
    assert made.startswith("pbkdf2_sha256$") and djangos.verify(PASSWORD, made)
    assert not hashers.check_password("Bianzhi@2025", made)


def test_the_hash_runs_in_a_thread_below_the_pages(real_hashing, monkeypatch):
    seen = []
    real = hashers.pbkdf2

    def spy(*args, **kwargs):
        seen.append(
            (threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        )
        return real(*args, **kwargs)

    monkeypatch.setattr(hashers, "pbkdf2", spy)
    made = hashers.make_password(PASSWORD)
    assert hashers.check_password(PASSWORD, made)
    assert len(seen) == 2 and all(name == "bianzhi-password-hash" for name, _ in seen)
    assert all(nice >= ours.HASH_NICE for _, nice in seen)
    # the caller's thread keeps its priority (a gunicorn worker serving the next page)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < ours.HASH_NICE


def test_an_error_in_the_thread_reaches_the_caller(real_hashing, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("坏了")

    monkeypatch.setattr(hashers, "pbkdf2", broken)
    with pytest.raises(ValueError, match="坏了"):
        hashers.make_password(PASSWORD)


def test_a_login_through_the_form(real_hashing, client):
    user = make_user("hasher_user", None, password=PASSWORD)
    assert user.password.startswith("pbkdf2_sha256$1000000$")
    response = client.post(reverse("login"), {"username": "hasher_user", "password": PASSWORD})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)
    client.logout()
    response = client.post(reverse("login"), {"username": "hasher_user", "password": "Wrong@2026"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
