"""The closest register units offered for an unmatched partner unit (比对 → 未匹配单位): the same names in
the same order as ``difflib.get_close_matches``, computed once per matcher so a province's 100,000 names
and aliases are not rebuilt and rescanned for every unmatched unit (issue 17's 120 s comparison)."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from verification.compare.data import Register, RegUnit
from verification.compare.matching import UnitMatcher, close_matches

ALPHABET = "县市第号单位局中心财政水务教育卫生01２3（）() "
texts = st.text(alphabet=ALPHABET, max_size=14)


@settings(max_examples=300, deadline=None)
@given(word=texts, pool=st.lists(texts, max_size=40, unique=True), n=st.integers(1, 6))
def test_close_matches_is_difflib(word, pool, n):
    expected = difflib.get_close_matches(word, pool, n=n, cutoff=0.4)
    assert close_matches(word, pool, n=n, cutoff=0.4) == expected


def test_close_matches_is_difflib_on_a_large_pool_with_ties():
    """The bar rises to the n-th best score as texts are scored: ties at the bar are still scored (they may
    win on the text), and the order is difflib's."""
    import random

    rnd = random.Random(7)
    pool = sorted(
        {"".join(rnd.choice("县第号单位局中心01234") for _ in range(rnd.randint(2, 9))) for _ in range(3000)}
    )
    rnd.shuffle(pool)
    for word in ["县第1号单位", "中心", "局局局", "0123", "县县第号", "单位中心局", "9"]:
        for n in (1, 3, 6):
            assert close_matches(word, pool, n=n, cutoff=0.4) == difflib.get_close_matches(
                word, pool, n=n, cutoff=0.4
            )


def _register(count: int) -> Register:
    units = {
        i: RegUnit(i, f"压测{i % 7}县第{i:03d}号单位{'局' if i % 3 else '中心'}", "行政机关", "全额拨款", "")
        for i in range(1, count + 1)
    }
    return Register(units=units, people={}, aliases=[(i, f"{i}号单位") for i in units])


def _old_suggest(matcher: UnitMatcher, name: str, limit: int = 3) -> list[int]:
    """The earlier implementation, kept here as the reference."""
    from verification.compare.matching import unit_key

    candidates: dict[str, set[int]] = {}
    for table in (matcher.by_name, matcher.by_alias):
        for text, ids in table.items():
            candidates.setdefault(text, set()).update(matcher.register.legal_id(i) for i in ids)
    close = difflib.get_close_matches(unit_key(name), list(candidates), n=limit * 2, cutoff=0.4)
    out: list[int] = []
    for text in close:
        for unit_id in sorted(candidates[text]):
            if unit_id not in out:
                out.append(unit_id)
    return out[:limit]


def test_suggestions_are_unchanged_and_the_index_is_built_once():
    matcher = UnitMatcher(_register(600))
    names = ["外县单位5", "压测3县第101号单位", "12号单位", "旧名称", "", "压测（1）县第9号单位局"]
    for name in names:
        assert matcher.suggest(name) == _old_suggest(matcher, name)
    first = matcher._suggest_index
    matcher.suggest("压测2县第200号单位局")
    assert matcher._suggest_index is first
    assert matcher.suggest("压测2县第200号单位局")[0] == 200


def test_most_names_are_not_scored(monkeypatch):
    """Work, not time: a province's comparison spent 66 s scoring nearly all of 50,000 names for each of
    37 unmatched units (外县单位N: every name shares 单位 and digits with them)."""
    matcher = UnitMatcher(_register(5000))
    scored = []
    real = difflib.SequenceMatcher.ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", lambda self: scored.append(1) or real(self))
    names = len(matcher._suggestions()[1])
    for name in ("压测3县第101号单位", "外县单位5", "12号单位"):
        matcher.suggest(name)
    # scoring every name that passes difflib's own bounds (lengths, shared characters): 21,138 of 3 × 10,000
    # here; from the highest longest-common-subsequence bound down, with the bar at the 6th best: 48
    assert len(scored) < 500, (len(scored), names)
