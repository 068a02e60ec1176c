"""Suggested duplicates: earlier (or later) reports of the same thing, near in place and time.

A hotline call about a pothole often follows a Zalo message about the same pothole; the operator
should see the first report before typing or forwarding the second. :func:`suggest` ranks the
candidates the caller fetched (the store's reports of a few days around, in the same area) against
one report or draft (the *probe*):

* **place**: with coordinates on both sides, within ``radius_m`` metres (great-circle distance);
  when either side has no point, the same leaf unit (ward or commune), helped by similar addresses;
  two different units are not near. A report not yet located at all (no point, no unit: a
  message that only says where in words, if that) cannot be judged by place: it is compared by
  its address words, if any, and its text must then be more alike (``min_text_unplaced``);
* **time**: received within ``max_days`` days of each other, before or after;
* **text**: the folded texts (case, diacritics and đ ignored) share words and character trigrams;
  below ``min_text`` the candidate is left out, however near it is.

The score mixes the three (text weighs most), lowered when the categories differ (the first
report may have been filed under another category, so it is still shown). Reports already closed
as duplicates or rejected are never suggested: the original they point to is the one to merge into.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from ioc_console.domain.lifecycle import Status
from ioc_console.domain.report import Report
from ioc_console.domain.text import fold

#: Mean Earth radius in metres (IUGG), for the haversine distance.
EARTH_RADIUS_M = 6_371_008.8

#: Frequent Vietnamese function syllables (folded) that say nothing about what a report is about.
#: Folding merges syllables, so a filler word whose folded form is also a meaningful one is not
#: here: "đến" folds like "đèn" (lamp), "chợ" like "cho", "đổ" like "đó", "tối" like "tôi".
_STOPWORDS_TEXT = (
    "va cua khong dang duoc nay nhung cac mot thi rat bi voi trong tren hay nhu vao theo qua nhieu"
    " em minh chung ai gi nao vay oi nhe nua luc xin nghi phan gui"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

#: Weights of the text, place and time closeness in the score (they add up to one).
TEXT_WEIGHT = 0.5
PLACE_WEIGHT = 0.3
TIME_WEIGHT = 0.2
#: The score is multiplied by this when the categories differ.
OTHER_CATEGORY_FACTOR = 0.8
#: Without coordinates, the same unit counts at least this close (then address similarity adds).
SAME_UNIT_PLACE = 0.4

#: Statuses whose reports are never offered as the report to merge into.
NOT_ORIGINALS = frozenset({Status.DUPLICATE, Status.REJECTED})


@dataclass(frozen=True)
class DuplicatePolicy:
    """How near is near: the thresholds of :func:`suggest`."""

    radius_m: float = 300.0
    max_days: float = 7.0
    min_text: float = 0.18
    #: The text similarity needed when one of the two reports has no place at all.
    min_text_unplaced: float = 0.3
    min_score: float = 0.3
    limit: int = 10


@dataclass(frozen=True)
class Candidate:
    """What the comparison needs of a report (or of a hotline call being typed in)."""

    number: str
    category: str
    text: str
    received_at: datetime
    lat: float | None = None
    lon: float | None = None
    unit_code: str | None = None
    address: str = ""
    status: Status = Status.NEW

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    @classmethod
    def of(cls, report: Report) -> Candidate:
        text = f"{report.title} {report.description}".strip()
        return cls(
            number=report.number,
            category=report.category,
            text=text,
            received_at=report.received_at,
            lat=report.location.lat,
            lon=report.location.lon,
            unit_code=report.location.unit_code,
            address=report.location.address,
            status=report.status,
        )


@dataclass(frozen=True)
class Suggestion:
    """A candidate near enough to be shown, with why: its score and each closeness."""

    candidate: Candidate
    score: float
    text_similarity: float
    #: Metres between the two points, or None when one of them has no point (same unit then).
    distance_m: float | None
    days_apart: float
    same_category: bool
    #: False when one of the two has no place at all (not located yet): near in place is unknown.
    placed: bool = True

    @property
    def number(self) -> str:
        return self.candidate.number


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=16384)
def _features(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Words and trigrams of a text, kept for the next search: typing a call asks again and again
    about the same stored reports."""
    kept = frozenset(w for w in fold(text).split() if w not in STOPWORDS and (len(w) > 1 or w.isdigit()))
    grams: set[str] = set()
    for word in kept:
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return kept, frozenset(grams)


def words(text: str | None) -> frozenset[str]:
    """The meaningful folded words of ``text``: no stopwords, no single letters (numbers kept)."""
    return _features(text or "")[0]


def trigrams(text: str | None) -> frozenset[str]:
    """Character trigrams of the meaningful words, each word padded (``" ab"``, ``"ab "``)."""
    return _features(text or "")[1]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _similarity(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]) -> float:
    return 0.5 * jaccard(a[0], b[0]) + 0.5 * jaccard(a[1], b[1])


def text_similarity(a: str | None, b: str | None) -> float:
    """0..1: the mean of word and trigram Jaccard indexes of the folded texts.

    Words catch the same terms; trigrams catch near spellings and compounds ("ổ gà" / "ổ voi",
    "rác thải" / "bãi rác"), which whole words miss.
    """
    return _similarity(_features(a or ""), _features(b or ""))


class _Probe:
    """The probe's folded text, computed once for all candidates."""

    def __init__(self, probe: Candidate) -> None:
        self.candidate = probe
        self.features = _features(probe.text)
        self.address_words = words(probe.address)

    def similarity(self, other: Candidate) -> float:
        return _similarity(self.features, _features(other.text))


def _has_place(c: Candidate) -> bool:
    return c.has_point or bool(c.unit_code)


def _place(
    probe: _Probe, other: Candidate, policy: DuplicatePolicy
) -> tuple[float, float | None, bool] | None:
    """(closeness 0..1, metres or None, placed) or None when the two are not near.

    ``placed`` is False when one side has no place at all (the closeness then comes from the
    addresses' words alone).
    """
    p = probe.candidate
    if p.has_point and other.has_point:
        assert p.lat is not None and p.lon is not None and other.lat is not None and other.lon is not None
        distance = haversine_m(p.lat, p.lon, other.lat, other.lon)
        if distance > policy.radius_m:
            return None
        return (1.0 - distance / policy.radius_m if policy.radius_m > 0 else 1.0), distance, True
    address = jaccard(probe.address_words, words(other.address))
    if p.unit_code and other.unit_code:
        if p.unit_code != other.unit_code:
            return None
        return SAME_UNIT_PLACE + (1.0 - SAME_UNIT_PLACE) * address, None, True
    if _has_place(p) and _has_place(other):
        return None  # a point on one side, a unit unknown to the point on the other: not comparable
    return address, None, False


def score(probe: Candidate, other: Candidate, policy: DuplicatePolicy | None = None) -> Suggestion | None:
    """How alike two reports are, or None when ``other`` is not a duplicate to suggest."""
    return _score(_Probe(probe), other, policy or DuplicatePolicy())


def _score(probe: _Probe, other: Candidate, policy: DuplicatePolicy) -> Suggestion | None:
    p = probe.candidate
    if other.number == p.number or other.status in NOT_ORIGINALS:
        return None
    days = abs((other.received_at - p.received_at).total_seconds()) / 86400.0
    if days > policy.max_days:
        return None
    place = _place(probe, other, policy)
    if place is None:
        return None
    closeness, distance, placed = place
    similarity = probe.similarity(other)
    if similarity < (policy.min_text if placed else policy.min_text_unplaced):
        return None
    timeliness = 1.0 - days / policy.max_days if policy.max_days > 0 else 1.0
    value = TEXT_WEIGHT * similarity + PLACE_WEIGHT * closeness + TIME_WEIGHT * timeliness
    same_category = other.category == p.category
    if not same_category:
        value *= OTHER_CATEGORY_FACTOR
    if value < policy.min_score:
        return None
    return Suggestion(other, round(value, 4), round(similarity, 4), distance, days, same_category, placed)


def suggest(
    probe: Candidate, candidates: Iterable[Candidate], policy: DuplicatePolicy | None = None
) -> list[Suggestion]:
    """The candidates worth showing as duplicates of ``probe``, best first, at most ``policy.limit``.

    Ties are broken by distance (nearest first; a same-unit match without a point after the
    measured ones), then by time apart, then by number, so the order is stable.
    """
    policy = policy or DuplicatePolicy()
    prepared = _Probe(probe)
    found = [s for c in candidates if (s := _score(prepared, c, policy)) is not None]
    found.sort(
        key=lambda s: (
            -s.score,
            math.inf if s.distance_m is None else s.distance_m,
            s.days_apart,
            s.candidate.number,
        )
    )
    return found[: policy.limit]


def original_of(a: Candidate, b: Candidate) -> tuple[Candidate, Candidate]:
    """``(original, duplicate)``: the report received first is kept; the later one is merged into it."""
    if (b.received_at, b.number) < (a.received_at, a.number):
        return b, a
    return a, b


__all__ = [
    "NOT_ORIGINALS",
    "STOPWORDS",
    "Candidate",
    "DuplicatePolicy",
    "Suggestion",
    "haversine_m",
    "jaccard",
    "original_of",
    "score",
    "suggest",
    "text_similarity",
    "trigrams",
    "words",
]
