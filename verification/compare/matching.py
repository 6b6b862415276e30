"""Matching a partner row's unit to a register unit (FORMATS.md §3).

By credit code, then exact name, then alias; a credit code that matches no unit falls through to the
name. A name (or alias) that matches more than one live unit matches none. An internal division counts
for its 法人 parent. Names are compared without white space, with full-width digits and letters folded
and with ASCII brackets as full-width ones — noise that §0 says to ignore.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from difflib import SequenceMatcher, get_close_matches

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from bianzhi.lib.text import fold_digits_letters
from verification.compare.data import Register

_SPACE = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def unit_key(name: str) -> str:
    """A unit name for comparison."""
    return fold_digits_letters(_SPACE.sub("", name or "")).translate(_BRACKETS)


def credit_key(code: str) -> str:
    return fold_digits_letters(_SPACE.sub("", code or "")).upper()


class UnitMatcher:
    """Resolves (name as written, credit code) to a live 法人 unit id, or None."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self.by_credit: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = defaultdict(set)
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        for unit in register.units.values():
            if not unit.live:
                continue
            if unit.credit_code:
                self.by_credit[unit.credit_code] = unit.id
            self.by_name[unit_key(unit.name)].add(unit.id)
        for unit_id, alias in register.aliases:
            unit = register.units.get(unit_id)
            if unit is not None and unit.live:
                self.by_alias[unit_key(alias)].add(unit_id)
        self._cache: dict[tuple[str, str], int | None] = {}
        self._suggest_index: tuple[dict[str, set[int]], list[str]] | None = None

    def match(self, name: str, credit_code: str = "") -> int | None:
        key = (name, credit_code)
        if key not in self._cache:
            self._cache[key] = self._match(name, credit_code)
        return self._cache[key]

    def how(self, name: str, credit_code: str = "") -> str:
        """统一社会信用代码 / 机构名称 / 其他名称 / 重名 / 未匹配 — for the matching page."""
        if credit_code and credit_key(credit_code) in self.by_credit:
            return "统一社会信用代码"
        key = unit_key(name)
        for label, table in (("机构名称", self.by_name), ("其他名称", self.by_alias)):
            hits = table.get(key)
            if hits:
                return label if len(hits) == 1 else "重名"
        return "未匹配"

    def _match(self, name: str, credit_code: str) -> int | None:
        if credit_code:
            unit_id = self.by_credit.get(credit_key(credit_code))
            if unit_id is not None:
                return self.register.legal_id(unit_id)
        key = unit_key(name)
        for table in (self.by_name, self.by_alias):
            hits = table.get(key)
            if hits:
                return self.register.legal_id(next(iter(hits))) if len(hits) == 1 else None
        return None

    def suggest(self, name: str, limit: int = 3) -> list[int]:
        """The closest live 法人 units by name and alias (for an unmatched partner unit)."""
        candidates, texts = self._suggestions()
        close = close_matches(unit_key(name), texts, n=limit * 2, cutoff=0.4)
        out: list[int] = []
        for text in close:
            for unit_id in sorted(candidates[text]):
                if unit_id not in out:
                    out.append(unit_id)
        return out[:limit]

    def _suggestions(self) -> tuple[dict[str, set[int]], list[str]]:
        """Names and aliases → their 法人 units: built once per matcher (a province's 100,000 names were
        rebuilt for every unmatched partner unit)."""
        if self._suggest_index is None:
            candidates: dict[str, set[int]] = defaultdict(set)
            for table in (self.by_name, self.by_alias):
                for text, ids in table.items():
                    candidates[text].update(self.register.legal_id(i) for i in ids)
            texts = list(candidates)
            self._suggest_index = (candidates, texts)
        return self._suggest_index


def _ratio(matches: int, length: int) -> float:
    return 2.0 * matches / length if length else 1.0


def close_matches(word: str, texts: list[str], *, n: int, cutoff: float) -> list[str]:
    """``difflib.get_close_matches(word, texts, n, cutoff)``, the same result in the same order, without
    running SequenceMatcher on texts that cannot enter it.

    difflib's score is 2·M / (len a + len b), M the characters of its matching blocks. Those blocks are a
    common subsequence of the two texts, so M is at most their longest common subsequence, which
    rapidfuzz computes in C for all texts at once: an upper bound of every score. The texts are then
    scored from the highest bound down while the bound can still reach the bar (``cutoff``, then the n-th
    best score found so far; a tie is scored: it may win on the text, as in difflib's ``heapq.nlargest``
    of (score, text)). A province's comparison spent 66 s offering suggestions for 37 unmatched units, by
    scoring nearly all of 50,000 names for each."""
    if n <= 0:
        raise ValueError(f"n must be > 0: {n!r}")
    if not word or cutoff <= 0:  # an empty word shares nothing, yet scores 1.0 with an empty text
        return get_close_matches(word, texts, n=n, cutoff=cutoff)
    size = len(word)
    shared = process.extract(
        word, texts, scorer=LCSseq.similarity, processor=None, limit=None, score_cutoff=1
    )
    bounded = [(_ratio(lcs, len(text) + size), i) for text, lcs, i in shared]
    bounded.sort(reverse=True)
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    best: list[tuple[float, str]] = []  # a min-heap of the n best (score, text)
    bar = cutoff
    for bound, i in bounded:
        if bound < bar:
            break
        text = texts[i]
        matcher.set_seq1(text)
        score = matcher.ratio()
        if score < cutoff:
            continue
        if len(best) < n:
            heapq.heappush(best, (score, text))
        elif (score, text) > best[0]:
            heapq.heapreplace(best, (score, text))
        if len(best) == n:
            bar = max(cutoff, best[0][0])
    return [text for _score, text in sorted(best, reverse=True)]
