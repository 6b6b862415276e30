"""Cleaning what people type into workbooks and forms."""

from __future__ import annotations

import re

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_DIGITS_LETTERS = {
    c: c - 0xFEE0 for span in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*span)
}
_DOTS = str.maketrans({"•": "·", "．": "·", "・": "·", "\u00b7": "·", "\u2027": "·"})
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"})
_SPACE = re.compile(r"[\s\u3000\u00a0\ufeff\u200b]+")


def fold_width(text: str) -> str:
    """Full-width ASCII letters, digits and punctuation, and the ideographic space, to half-width."""
    return text.translate(_FULLWIDTH)


def fold_digits_letters(text: str) -> str:
    """Only full-width digits and Latin letters to half-width (Chinese punctuation is kept)."""
    return text if text.isascii() else text.translate(_DIGITS_LETTERS)


def clean_cell(value: object) -> str:
    """A cell as text: stripped of ordinary and full-width spaces, full-width digits/letters folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().strip("\u3000\u00a0\ufeff\u200b").strip()
    return fold_digits_letters(text)


def name_key(name: str) -> str:
    """A person's name for comparison: no white space at all, one middle dot. Never NFKC-folded."""
    return _SPACE.sub("", name or "").translate(_DOTS)


def normalize_doc_number(number: str) -> str:
    """文号 with its year brackets as 〔〕 and no spaces: 漳编发[2021]12号 -> 漳编发〔2021〕12号."""
    text = fold_digits_letters(_SPACE.sub("", number or ""))
    text = text.translate(_BRACKETS)
    return (
        text.replace("(", "（").replace(")", "）")
        if re.search(r"\(\d{4}\)", text) is None
        else re.sub(r"\((\d{4})\)", r"〔\1〕", text)
    )


def split_aliases(text: str) -> list[str]:
    parts = re.split(r"[;；]", text or "")
    out: list[str] = []
    for part in parts:
        part = clean_cell(part)
        if part and part not in out:
            out.append(part)
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Excel export guard: a text cell that begins with = + - @ gets a leading apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
