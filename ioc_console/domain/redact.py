"""Blanking a citizen's contact data out of text before it is published or shown to the public.

One function, :func:`redact`, used by every public output (the hub's Open311 answers and published
replies, the wall's ticker). It blanks:

* phone numbers in the ways people write them: ``0903 123 456``, ``0903.123.456``, ``0903/123/456``,
  ``(+84) 903 123 456``, ``+84 (0) 903…``, ``84903123456``, the bare nine digits ``903123456``, a
  landline ``(0259) 3822 123``;
* ID numbers: the 12-digit CCCD and the 9-digit CMND (any run of nine or more digits, in fact, that
  is not a date, an amount of money or one of our report numbers);
* e-mail addresses, also written ``name(at)gmail.com``, ``name [at] gmail [dot] com`` or with spaces
  around ``@`` and dots;
* the citizen's own name, phone and e-mail: the name as a *sequence* of words, compared folded (case,
  diacritics and đ ignored), so "Le Van Tam" and "LÊ VĂN TÂM" are blanked for "Lê Văn Tâm" while the
  place "phường Phước Mỹ" survives a citizen called "Trần Phước" and "Công ty" one called "Lê Công";
  the given name alone only right after a form of address ("ông Tâm", "chị Bích").

Text is looked at the way a reader sees it: full-width digits and letters count as their ASCII
forms (NFKC), and invisible format characters (zero-width spaces and joiners, bidi controls) are
ignored while matching and dropped from the result, so they cannot split a number to smuggle it
through, nor reorder what a reader sees.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Final

from ioc_console.domain.report import Contact
from ioc_console.domain.text import fold, normalize_phone

#: What stands in for blanked text in the hub's public output.
MARK: Final = "[…]"

_SEP = r"(?:[ \t]{0,2}[.\-/]?[ \t]{0,2})"
#: A run of digits with single separators, optionally led by a country or area code in its usual
#: dresses: "(+84) ", "+84 (0) ", "+84-", "(0259) ".
_NUMBER: Final = re.compile(
    rf"(?<![\w+])(?P<prefix>\(\s*\+?\s*84\s*\)\s*|\+\s*84{_SEP}(?:\(\s*0\s*\)\s*)?|\(\s*0\d{{1,3}}\s*\)\s*)?"
    rf"(?P<body>\d(?:{_SEP}\d)*)(?!\w)"
)
#: Numbers that are not anybody's: dates (with a time), our report numbers, clock times.
_PROTECTED: Final = re.compile(
    r"(?<!\d)(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{6}|\d{1,2}[:h]\d{2}"
    # coordinates in the province's latitudes and longitudes: "11.563412", "108.988712"
    r"|(?:[89]|1\d|2[0-4]|10[2-9])\.\d{4,})(?!\d)"
)
#: An amount of money written with thousands separators: "150.000.000", "2,500,000".
_MONEY: Final = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*")
_TLDS = "com|vn|net|org|edu|gov|info|io|me|biz|co|int"
_EMAIL: Final = re.compile(
    r"(?<![\w.+\-])[\w.+\-]+"
    r"\s*(?:@|[(\[{]\s*(?:at|a còng)\s*[)\]}])\s*"
    r"[A-Za-z0-9\-]+(?:(?:\.|\s*[(\[{]\s*dot\s*[)\]}]\s*)[A-Za-z0-9\-]+|\s+\.\s*(?:" + _TLDS + r")\b"
    r"|\.\s+(?:" + _TLDS + r")\b)+",
    re.IGNORECASE,
)
#: Forms of address after which the given name alone is the citizen's, as written (lower case) with
#: or without their diacritics: "có Tâm" (has a heart) is not "cô Tâm".
_ADDRESS_FORMS: Final = frozenset(
    {"ông", "bà", "anh", "chị", "cô", "chú", "bác", "cụ", "em", "mr", "mrs", "ms", "công dân"}
)
_FOLDED_FORMS: Final = sorted({fold(f) for f in _ADDRESS_FORMS}, key=len, reverse=True)
#: Without diacritics "ba" and "co" are mostly "three" ("ngã ba", a junction) and "có" (has).
_WRITTEN_FORMS: Final = _ADDRESS_FORMS | (set(_FOLDED_FORMS) - {"ba", "co"})
#: A run of at least this many digits is blanked (CMND: 9; phones have 9 after their leading 0).
_MIN_DIGITS: Final = 9


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """``char`` folded like :func:`fold` (lower-case ASCII letters and digits), or a space."""
    if char.isascii():
        return char.lower() if char.isalnum() else " "
    folded = fold(char)
    if not folded and unicodedata.combining(char):
        return ""  # a loose combining mark belongs to the letter before it
    return folded or " "


class _FoldTable(dict[int, str]):
    """``str.translate`` table of :func:`_fold_char`, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 65536:
            self[code] = folded
        return folded


_FOLD_TABLE: Final = _FoldTable()
#: Invisible format characters (Unicode category Cf): zero-width spaces and joiners, bidi
#: controls, soft hyphens, the BOM, tags.
_FORMAT: Final = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


class _Views:
    """The text as matched: NFKC without format characters (``norm``) and folded (``folded``), each
    with the index in the original text of every character (None: the same index)."""

    def __init__(self, text: str) -> None:
        self.norm_at: list[int] | None = None
        self.folded_at: list[int] | None = None
        if _FORMAT.search(text) is None and unicodedata.is_normalized("NFKC", text):
            # Most text: nothing to drop or to normalise, so indices are the original's. Folded
            # with C-level translate; a character that folds to more or less than one character
            # (a combining mark) takes the slow way below.
            self.norm = text
            folded = text.translate(_FOLD_TABLE)
            if len(folded) == len(text):
                self.folded = folded
                return
        self._slow(text)

    def _slow(self, text: str) -> None:
        norm: list[str] = []
        norm_at: list[int] = []
        for i, char in enumerate(text):
            if unicodedata.category(char) == "Cf":
                continue
            for piece in unicodedata.normalize("NFKC", char) if not char.isascii() else char:
                norm.append(piece)
                norm_at.append(i)
        self.norm = "".join(norm)
        self.norm_at = norm_at
        folded: list[str] = []
        folded_at: list[int] = []
        for j, char in enumerate(self.norm):
            for piece in _fold_char(char):
                folded.append(piece)
                folded_at.append(norm_at[j])
        self.folded = "".join(folded)
        self.folded_at = folded_at

    def span(self, start: int, end: int, *, folded: bool = False) -> tuple[int, int]:
        """The original text's span of ``norm[start:end]`` (or of ``folded[start:end]``)."""
        at = self.folded_at if folded else self.norm_at
        if at is None:
            return start, end
        return at[start], at[end - 1] + 1


_WORD: Final = re.compile(r"[a-z0-9]+")
_FORMS_BY_WORDS: Final = frozenset(tuple(f.split()) for f in _FOLDED_FORMS)
_FORM_FIRSTS: Final = frozenset(f[0] for f in _FORMS_BY_WORDS)


@functools.lru_cache(maxsize=1024)
def _name_words(name: str) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """The word sequences that are the citizen's name (every rotation: channels send a first and a
    last name, so "Tâm" + "Lê Văn" may arrive as "Tâm Lê Văn"), and those that are theirs right
    after a form of address ("ông Tâm", "bà Thị Bích")."""
    words = tuple(fold(name).split())
    if not words:
        return (), ()
    whole = tuple(words[k:] + words[:k] for k in range(len(words))) if len(words) >= 2 else ()
    tails = tuple(sorted({words[:1], words[-1:], words[-2:]}, key=len, reverse=True))
    return whole, tails


def _name_spans(views: _Views, text: str, name: str) -> list[tuple[int, int]]:
    """Spans of the original text that name the citizen, matched word by word on the folded view."""
    whole, tails = _name_words(name)
    if not whole and not tails:
        return []
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(views.folded)]
    words = [t[0] for t in tokens]
    firsts = {sequence[0] for sequence in whole}
    spans = []

    def at(i: int, sequence: tuple[str, ...]) -> bool:
        return tuple(words[i : i + len(sequence)]) == sequence

    for i, word in enumerate(words):
        if word in firsts:
            for sequence in whole:
                if at(i, sequence):
                    spans.append(views.span(tokens[i][1], tokens[i + len(sequence) - 1][2], folded=True))
                    break
        if word not in _FORM_FIRSTS:
            continue
        for size in (1, 2):
            form = tuple(words[i : i + size])
            if len(form) < size or form not in _FORMS_BY_WORDS:
                continue
            first, last = views.span(tokens[i][1], tokens[i + size - 1][2], folded=True)
            written = " ".join(unicodedata.normalize("NFC", _visible(text[first:last])).lower().split())
            if written not in _WRITTEN_FORMS:
                continue
            for tail in tails:
                if at(i + size, tail):
                    j = i + size
                    spans.append(views.span(tokens[j][1], tokens[j + len(tail) - 1][2], folded=True))
                    break
    return spans


def _is_money(body: str) -> bool:
    return _MONEY.fullmatch(body) is not None and body.endswith("000")


def _number_spans(views: _Views, phone: str) -> list[tuple[int, int]]:
    text = views.norm
    # Dates, times and report numbers are masked with letters, so no phone run goes through them.
    masked = _PROTECTED.sub(lambda m: "x" * len(m.group()), text)
    spans = []
    for match in _NUMBER.finditer(masked):
        body = match.group("body")
        digits = re.sub(r"\D", "", body)
        prefixed = match.group("prefix") is not None
        own = len(phone) >= 6 and phone == normalize_phone(match.group()).lstrip("0")
        if own or (prefixed and len(digits) >= 6) or (len(digits) >= _MIN_DIGITS and not _is_money(body)):
            spans.append(views.span(match.start(), match.end()))
    return spans


def _contact_of(contact: Contact | Mapping[str, Any] | None) -> tuple[str, str, str]:
    if contact is None:
        return "", "", ""
    if isinstance(contact, Contact):
        return contact.name, contact.phone, contact.email
    return str(contact.get("name") or ""), str(contact.get("phone") or ""), str(contact.get("email") or "")


def redact(text: str, contact: Contact | Mapping[str, Any] | None = None, *, mark: str = MARK) -> str:
    """``text`` with phone and ID numbers, e-mail addresses and the citizen's ``contact`` (its name,
    phone and e-mail) replaced by ``mark``, and without invisible format characters."""
    if not text:
        return text
    name, phone, email = _contact_of(contact)
    views = _Views(text)
    spans = _number_spans(views, normalize_phone(phone).lstrip("0"))
    for match in _EMAIL.finditer(views.norm):
        spans.append(views.span(match.start(), match.end()))
    email = email.strip().lower()
    if len(email) >= 3:
        lowered = views.norm.lower()
        if len(lowered) == len(views.norm):
            found = lowered.find(email)
            while found >= 0:
                spans.append(views.span(found, found + len(email)))
                found = lowered.find(email, found + 1)
        else:
            for match in re.finditer(re.escape(email), views.norm, re.IGNORECASE):
                spans.append(views.span(match.start(), match.end()))
    spans.extend(_name_spans(views, text, name))
    out: list[str] = []
    at = 0
    for start, end in sorted(spans):
        if end <= at:
            continue
        if start >= at:
            out.append(_visible(text[at:start]))
            out.append(mark)
        at = end
    out.append(_visible(text[at:]))
    return "".join(out)


def _visible(text: str) -> str:
    return text if text.isascii() else _FORMAT.sub("", text)


__all__ = ["MARK", "redact"]
