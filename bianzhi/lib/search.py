"""Searching a name column for a fragment (``icontains``) without reading every row.

A province's people list searched for 王伟 read 1,000,000 names (UPPER(name) LIKE '%王伟%': 0.3–0.8 s,
twice per page: the count and the page). Chinese names are two or three characters, too short for
pg_trgm's trigrams, so on PostgreSQL a GIN index holds each name's character pairs
(``bianzhi_bigrams(name)``: people, units and units' other names; units migrations 0010 and 0011): a name containing the fragment contains all of the
fragment's pairs, so the index narrows the rows and ``icontains`` then decides (3 ms). One character, a
fragment whose case PostgreSQL might fold differently from Python, and SQLite: ``icontains`` alone.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Func, Q, QuerySet, TextField

BIGRAMS_FUNCTION = "bianzhi_bigrams"
# IMMUTABLE: usable in an index; the same pairs as ``bigrams`` below for ASCII and caseless text
CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {BIGRAMS_FUNCTION}(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT DISTINCT substr(lower(t), i, 2)
                 FROM generate_series(1, greatest(char_length(t) - 1, 1)) AS i)
$$
"""


class Bigrams(Func):
    function = BIGRAMS_FUNCTION
    output_field = ArrayField(TextField())


def bigrams(text: str) -> list[str]:
    low = text.lower()
    return sorted({low[i : i + 2] for i in range(len(low) - 1)})


def _indexable(text: str) -> bool:
    """Two characters or more, each ASCII or without case (汉字, digits): folded alike by both sides."""
    return len(text) >= 2 and all(c.isascii() or c.lower() == c.upper() for c in text)


def name_contains(qs: QuerySet, field: str, text: str) -> QuerySet:
    """``qs`` narrowed to rows whose ``field`` contains ``text`` (case-insensitive)."""
    if connections[qs.db].vendor == "postgresql" and _indexable(text):
        return qs.alias(_pairs=Bigrams(field)).filter(
            Q(_pairs__contains=bigrams(text)), **{f"{field}__icontains": text}
        )
    return qs.filter(**{f"{field}__icontains": text})
