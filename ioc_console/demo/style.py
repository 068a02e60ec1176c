"""How citizens type: without diacritics, with chat abbreviations, with shouting punctuation.

:func:`strip_tones` is not :func:`ioc_console.domain.text.fold`: it keeps case, spacing and punctuation
and only removes tone marks, vowel marks and the bar of đ/Đ, the way a phone keyboard without Telex
input leaves a message.
"""

from __future__ import annotations

import random
import re
import unicodedata


def _tone_table() -> dict[int, str]:
    table: dict[int, str] = {0x0111: "d", 0x0110: "D"}
    for code in range(0x00C0, 0x1F00):
        char = chr(code)
        base = "".join(ch for ch in unicodedata.normalize("NFD", char) if not unicodedata.combining(ch))
        if base != char and len(base) == 1 and base.isascii():
            table[code] = base
    return table


_TONES = _tone_table()


def strip_tones(text: str) -> str:
    """``"Đường Ngô Gia Tự, số 12!"`` → ``"Duong Ngo Gia Tu, so 12!"`` (case and punctuation kept)."""
    return text.translate(_TONES)


# Chat shorthand seen in messages sent from phones (applied to whole words only).
_SHORTHAND: dict[str, tuple[str, ...]] = {
    "không": ("ko", "k", "hok", "không"),
    "được": ("đc", "dc", "được"),
    "người": ("ng", "người"),
    "gì": ("j", "gì"),
    "vậy": ("v", "vậy"),
    "quá": ("qá", "quá", "quá"),
    "biết": ("bít", "biết"),
    "rồi": ("r", "rồi"),
    "anh chị": ("a/c", "ac", "anh chị"),
    "với": ("vs", "với"),
    "trời": ("trời", "trời ơi"),
}
_SHORTHAND_RE = re.compile(r"\b(" + "|".join(sorted(_SHORTHAND, key=len, reverse=True)) + r")\b")


def chat(text: str, rng: random.Random) -> str:
    """Replace some words by the shorthand people use in Zalo and Facebook messages."""

    def swap(match: re.Match[str]) -> str:
        return rng.choice(_SHORTHAND[match.group(1)])

    return _SHORTHAND_RE.sub(swap, text)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop unless it already ends with punctuation."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    if text[-1] not in ".!?…":
        text += "."
    return text
