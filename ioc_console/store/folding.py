"""Search text for the store: :func:`ioc_console.domain.text.fold`, fast enough for bulk loads.

``fold`` decomposes every character and drops the marks one at a time in Python, which costs tens of
microseconds for a paragraph; loading 200,000 reports cannot afford that. :func:`fast_fold` gives
the same result (a test compares the two over every code point) with C-level string operations:
``đ`` replaced, NFD, the Vietnamese combining marks (U+0300–U+036F) dropped by an ASCII encode, and
only the rare remaining non-ASCII characters (dashes, quotes, other scripts) looked at one by one.

:func:`match_expression` turns what the user typed into an FTS5 query over the folded text.
"""

from __future__ import annotations

import re
import unicodedata

_ASCII_TABLE = str.maketrans(
    {
        **{chr(c): " " for c in range(128)},
        **{chr(c): chr(c) for c in range(ord("0"), ord("9") + 1)},
        **{chr(c): chr(c) for c in range(ord("a"), ord("z") + 1)},
        **{chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)},
    }
)
#: Non-ASCII characters other than the combining marks the ASCII encode may simply drop. U+034F
#: (combining grapheme joiner) has combining class 0, so ``fold`` keeps it (as a word break).
#: Frequent non-ASCII punctuation in Vietnamese text ("Phan Rang–Tháp Chàm", quotes, ellipsis).
_COMMON_PUNCTUATION = ("–", "—", "“", "”", "‘", "’", "…", "\u00a0")
_OTHER = re.compile("[^\x00-\x7f\u0300-\u034e\u0350-\u036f]")


def _other(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.combining(char):
        return ""
    lower = char.lower()
    return lower if lower.isascii() else " "


def _fold_word(text: str) -> str:
    """``fold`` of one whitespace-free piece of text, with C-level string operations."""
    if not text.isascii():
        if "đ" in text or "Đ" in text or "ð" in text or "Ð" in text:
            text = text.replace("đ", "d").replace("Đ", "d").replace("ð", "d").replace("Ð", "d")
        for mark in _COMMON_PUNCTUATION:  # word breaks either way; spares the slow path below
            if mark in text:
                text = text.replace(mark, " ")
        text = unicodedata.normalize("NFD", text)
        if _OTHER.search(text) is not None:
            text = _OTHER.sub(_other, text)
        text = text.encode("ascii", "ignore").decode("ascii")
    return " ".join(text.translate(_ASCII_TABLE).split())


class _Words(dict[str, str]):
    """Folded words by their original spelling: a text's words repeat from report to report, so
    most are folded once (bounded: emptied when it grows past :data:`_WORDS_MAX`)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _WORDS_MAX:
            self.clear()
        folded = self[word] = _fold_word(word)
        return folded


_WORDS_MAX = 200_000
_words = _Words()


def fast_fold(text: str | None) -> str:
    """Exactly ``fold(text)``: lower-case ASCII words separated by single spaces.

    Folding never joins nor splits across whitespace (whitespace is a word break before and after,
    and decomposition does not move marks across it), so the text is folded word by word, each
    distinct word once.
    """
    if not text:
        return ""
    return " ".join(filter(None, map(_words.__getitem__, text.split())))


def match_expression(text: str, *, prefix_last: bool | None = None) -> str | None:
    """An FTS5 MATCH expression for the user's ``text``: every folded word must occur.

    The last word is a prefix (the user is still typing it) unless the text ends with a space or
    ``prefix_last`` says otherwise; while typing, a last word of a single character is left out
    until it has a second one. Folded words are ``[0-9a-z]+``, so quoting them is enough to keep
    FTS5's operators (AND, OR, NOT, NEAR, ``*``, ``^``) out of the user's hands. None when nothing
    searchable is left.
    """
    words = fast_fold(text).split()
    if prefix_last is None:
        prefix_last = not text[-1:].isspace()
        if prefix_last and words and len(words[-1]) == 1:
            # One letter being typed would match most words: wait for the second one.
            words.pop()
            prefix_last = False
    if not words:
        return None
    terms = [f'"{word}"' for word in words]
    if prefix_last:
        terms[-1] += "*"
    return " ".join(terms)
