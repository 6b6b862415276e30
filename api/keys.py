"""The form of an API token's secret: ``bz1_<prefix>_<random>``.

``prefix`` is 8 hexadecimal characters (the row's key, shown on the pages and in the audit trail);
``random`` is 43 URL-safe characters (32 random bytes). Only the SHA-256 of the whole secret is stored; a
secret of 256 random bits needs no slow hash (it cannot be guessed, only stolen).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SCHEME = "bz1"
SECRET_FORM = re.compile(r"^bz1_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")


def new_secret() -> tuple[str, str]:
    """(prefix, secret) of a new token."""
    prefix = secrets.token_hex(4)
    return prefix, f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def prefix_of(secret: str) -> str | None:
    """The prefix of a well-formed secret, None for anything else."""
    match = SECRET_FORM.match(secret)
    return match.group(1) if match else None


def matches(secret: str, key_hash: str) -> bool:
    """The secret hashes to ``key_hash`` (compared in constant time)."""
    return hmac.compare_digest(hash_secret(secret), key_hash)
