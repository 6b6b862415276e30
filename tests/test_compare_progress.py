"""The engine tells its caller as the partner rows are dealt with (the comparison job's 比对 stage moves
instead of jumping 0 → 100 %): ``compare(..., on_rows=)`` is called twice per source (rows linked, rows
checked), the calls add up to the partner rows, and the result is the same with or without it."""

from __future__ import annotations

from dataclasses import astuple

import pytest
from hypothesis import given

from tests.builders.compare import partner_csv
from tests.test_compare_property import SETTINGS, build, county_st
from verification.compare.data import FINANCE, ORG, SI
from verification.compare.engine import compare
from verification.compare.sources import read_partner


def sources_of(rows: dict[str, list[dict]]) -> dict:
    out = {}
    for source, data in rows.items():
        if data:
            read = read_partner(partner_csv(source, data), source, filename=f"{source}.csv")
            assert not read.errors, read.errors
            out[source] = read.rows
    return out


def everything(result) -> tuple:
    """The whole result, in order: findings with every field, stats, unmatched units, counts."""
    return (
        [astuple(f) for f in result.findings],
        {s: astuple(v) for s, v in result.stats.items()},
        result.unmatched,
        result.register_people,
        {s: dict(c) for s, c in result.unit_counts.items()},
    )


@SETTINGS
@given(people=county_st)
def test_the_callback_counts_every_row_and_changes_nothing(people):
    register, rows = build(people)
    sources = sources_of(rows)
    calls: list[int] = []
    with_calls = compare(register, sources, on_rows=calls.append)
    assert len(calls) == 2 * len(sources)  # per source: linked, then checked
    assert sum(calls) == sum(len(r) for r in sources.values())
    assert everything(with_calls) == everything(compare(register, sources))


def test_the_calls_follow_the_sources_in_order():
    register, rows = build(
        [
            {
                "unit": 1,
                "name": "张三",
                "post": "无",
                "in_register": True,
                "org": "same",
                "finance": "other_unit",
                "si": "history",
                "birth": __import__("datetime").date(1980, 1, 1),
            }
        ]
    )
    sources = sources_of(rows)
    assert set(sources) == {ORG, FINANCE, SI}
    calls: list[int] = []
    compare(register, sources, on_rows=calls.append)
    # org 1 row, finance 2 (the person + an invalid ID), si 2: every source linked (half), then checked
    assert calls == [0, 1, 1, 1, 1, 1]
    assert sum(calls) == 5


@pytest.mark.parametrize("source", [FINANCE])
def test_a_raising_callback_stops_the_comparison(source):
    """A job cancelled during 比对 (Progress.advance raises JobCancelled) stops the engine at once."""
    register, rows = build([])

    class Stop(Exception):
        pass

    def stop(n):
        raise Stop

    with pytest.raises(Stop):
        compare(register, sources_of(rows), on_rows=stop)
