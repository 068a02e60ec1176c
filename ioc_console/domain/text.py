"""Vietnamese text folding for search: case, diacritics and đ/Đ.

Unicode decomposition strips tones and vowel marks, but "đ" is a letter of its own (U+0111), not "d"
with a mark, so it is mapped explicitly. Punctuation such as the en dash in "Phan Rang–Tháp Chàm"
becomes a space so that words stay separate.
"""

from __future__ import annotations

import re
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\D+")
#: Characters plain text may not hold: controls (NUL above all, which PostgreSQL cannot store) and
#: lone surrogates. Anything else a person writes, "<" and ">" included, is kept as written.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character plain text may not (the hub refuses it, the console too)."""
    return _CONTROL.search(text) is not None


def fold(text: str | None) -> str:
    """Lower-case ASCII words separated by single spaces: ``"Đường Ngập"`` → ``"duong ngap"``."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def digits(text: str | None) -> str:
    """Only the digits of ``text`` (phone numbers typed with spaces, dots or a +84 prefix)."""
    if not text:
        return ""
    return _DIGITS.sub("", text)


def normalize_phone(text: str | None) -> str:
    """A Vietnamese phone number in its national form: ``+84 905.123.456`` → ``0905123456``."""
    d = digits(text)
    if d.startswith("84") and len(d) >= 11:
        d = "0" + d[2:]
    return d
