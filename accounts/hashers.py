"""Django's PBKDF2 password hasher, computed below the pages' priority.

One login hashes the password 1,000,000 times (Django 5.2's PBKDF2 default): about a quarter of a second
of CPU, the dearest request the application serves. When an office's users log in together in the
morning (the province bench: 50 logins in 10 s on two cores), those hashes took the CPU from everyone
already at work, and every page in those seconds waited. Here the hash runs in a short-lived thread at
``HASH_NICE`` (Linux: a thread's own priority; ``hashlib.pbkdf2_hmac`` releases the GIL), so pages go
first and a login waits a little longer. Same algorithm name, iterations and stored hashes as Django's
``PBKDF2PasswordHasher``: existing passwords keep working, and the setting can go back at any time.
"""

from __future__ import annotations

import os
import threading

from django.contrib.auth import hashers

HASH_NICE = 10


def below_the_pages(fn, *args):
    """``fn(*args)`` in a thread at HASH_NICE; its result, or its exception raised here."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICE)
        except (AttributeError, OSError):  # not Linux, or not allowed: at the caller's priority
            pass
        try:
            outcome["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 — handed to the caller
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="bianzhi-password-hash")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


class PBKDF2PasswordHasher(hashers.PBKDF2PasswordHasher):
    """``pbkdf2_sha256`` as Django computes it, in a thread below the pages (module docstring). ``verify``
    and ``harden_runtime`` go through ``encode``."""

    def encode(self, password, salt, iterations=None):
        return below_the_pages(super().encode, password, salt, iterations)
