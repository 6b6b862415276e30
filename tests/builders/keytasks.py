"""What the URL walk (tests/test_url_walk.py) needs from the `keytasks` app: the registry object each of
its ``pk`` URLs names (``URL_PK_KIND``: URL name → key of ``url_objects``), and one of each such object
belonging to unit A (``url_objects``)."""

from __future__ import annotations

URL_PK_KIND: dict[str, str] = {}


def url_objects(unit) -> dict:
    """One of each object the app's URLs name, of ``unit`` (unit A of the walk)."""
    return {}
