"""Suggested duplicates: near in place (≤ 300 m) and time (≤ 7 days), similar folded text, ranked."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ioc_console.domain.duplicates import (
    Candidate,
    DuplicatePolicy,
    haversine_m,
    original_of,
    score,
    suggest,
    text_similarity,
    words,
)
from ioc_console.domain.lifecycle import Channel, Status
from ioc_console.domain.report import Location, Report

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 3, 9, 8, 15, tzinfo=VN)
# 12 Nguyễn Trãi, Phan Rang–Tháp Chàm (a point of the demo pack's city).
LAT, LON = 11.5761, 108.9843
#: Degrees of latitude per metre (a metre north is the same everywhere).
DEG_PER_M = 1 / 111_195.0


def north(metres: float) -> float:
    return LAT + metres * DEG_PER_M


def cand(
    number: str,
    text: str,
    *,
    metres: float | None = 0.0,
    days: float = 0.0,
    category: str = "urban-infrastructure",
    unit: str | None = "22747",
    address: str = "",
    status: Status = Status.NEW,
) -> Candidate:
    return Candidate(
        number=number,
        category=category,
        text=text,
        received_at=T0 + timedelta(days=days),
        lat=None if metres is None else north(metres),
        lon=None if metres is None else LON,
        unit_code=unit,
        address=address,
        status=status,
    )


PROBE = cand("TAM-1", "Đèn đường hỏng trước số 12 Nguyễn Trãi, buổi tối rất tối", metres=0.0)


def test_haversine_matches_known_distances() -> None:
    # One degree of longitude on the equator, and one of latitude anywhere: 2πR/360.
    assert haversine_m(0, 0, 0, 1) == pytest.approx(111_195, rel=1e-4)
    assert haversine_m(11.0, 108.0, 12.0, 108.0) == pytest.approx(111_195, rel=1e-4)
    # Phan Rang to Hà Nội (city centres) is about 1,140 km as the crow flies.
    assert haversine_m(11.5667, 108.9833, 21.0285, 105.8542) == pytest.approx(1_100_000, rel=0.05)
    assert haversine_m(LAT, LON, LAT, LON) == 0.0
    assert haversine_m(LAT, LON, north(250), LON) == pytest.approx(250, abs=0.5)


def test_text_similarity_ignores_case_diacritics_and_filler_words() -> None:
    assert text_similarity("ĐÈN ĐƯỜNG HỎNG", "đèn đường hỏng") == 1.0
    assert text_similarity("Đèn đường hỏng", "den duong hong") == 1.0
    # Filler syllables ("bị", "ở", "đã", "của") carry no meaning: they do not make texts alike.
    assert words("Đèn bị hỏng ở đầu hẻm của nhà") == {"den", "hong", "dau", "hem", "nha"}
    assert text_similarity("bị ở được của và", "bị ở được của và") == 0.0
    # A filler word that folds like a meaningful one is kept: "đến" and "đèn" are both "den".
    assert "den" in words("đến") and "cho" in words("chợ")
    alike = text_similarity("Ổ gà lớn giữa đường Thống Nhất", "Đường Thống Nhất có ổ gà sâu nguy hiểm")
    unrelated = text_similarity("Rác thải ùn ứ tại chợ Phan Rang", "Ổ gà lớn giữa đường Thống Nhất")
    assert alike > 0.35 > 0.1 > unrelated


def test_suggestions_are_ranked_by_how_alike_near_and_recent_they_are() -> None:
    same_words_far = cand("A", "Đèn đường hỏng trước số 12 Nguyễn Trãi", metres=280, days=-6)
    same_words_near = cand("B", "Đèn đường hỏng trước số 12 Nguyễn Trãi", metres=20, days=-1)
    other_words_near = cand("C", "Cột đèn chiếu sáng Nguyễn Trãi không sáng", metres=10, days=-0.5)
    unrelated_near = cand("D", "Karaoke ồn ào sau 22 giờ đêm", metres=5, days=-0.1)
    found = suggest(PROBE, [same_words_far, unrelated_near, other_words_near, same_words_near])
    assert found[0].number == "B"
    assert {s.number for s in found} == {"A", "B", "C"}  # the karaoke is near but about something else
    best = found[0]
    assert best.distance_m == pytest.approx(20, abs=0.5)
    assert best.days_apart == pytest.approx(1.0)
    assert best.same_category
    assert all(0 < s.score <= 1 for s in found)


def test_at_the_same_place_and_time_the_more_alike_text_ranks_first() -> None:
    texts = [
        "Đèn đường hỏng trước số 12 Nguyễn Trãi",  # nearly the probe's words
        "Đèn đường Nguyễn Trãi bị hỏng",
        "Cột đèn chiếu sáng Nguyễn Trãi không sáng",
    ]
    found = suggest(PROBE, [cand(f"T{i}", t, metres=30) for i, t in reversed(list(enumerate(texts)))])
    assert [s.number for s in found] == ["T0", "T1", "T2"]
    assert found[0].text_similarity > found[1].text_similarity > found[2].text_similarity


def test_with_the_same_text_the_nearer_and_then_the_more_recent_ranks_first() -> None:
    text = PROBE.text
    by_place = suggest(PROBE, [cand("FAR", text, metres=250), cand("NEAR", text, metres=15)])
    assert [s.number for s in by_place] == ["NEAR", "FAR"]
    by_time = suggest(PROBE, [cand("OLD", text, days=-5), cand("NEW", text, days=-0.2)])
    assert [s.number for s in by_time] == ["NEW", "OLD"]


@pytest.mark.parametrize(
    ("metres", "days", "kept"),
    [
        (299, 0, True),
        (301, 0, False),  # beyond the radius
        (0, 6.9, True),
        (0, -6.9, True),  # a report received after the probe is as good a match
        (0, 7.1, False),  # beyond a week
        (0, -7.1, False),
    ],
)
def test_the_place_and_time_limits(metres: float, days: float, kept: bool) -> None:
    other = cand("A", PROBE.text, metres=metres, days=days)
    assert (score(PROBE, other) is not None) is kept


def test_reports_never_suggested() -> None:
    text = PROBE.text
    assert score(PROBE, cand("TAM-1", text)) is None  # itself
    assert score(PROBE, cand("A", text, status=Status.DUPLICATE)) is None  # points to its original
    assert score(PROBE, cand("B", text, status=Status.REJECTED)) is None
    assert score(PROBE, cand("C", text, status=Status.CLOSED)) is not None  # recurring: still shown


def test_without_a_point_the_same_unit_and_a_similar_address_count_as_near() -> None:
    probe = cand("P", PROBE.text, metres=None, address="12 Nguyễn Trãi")
    same_address = cand("A", PROBE.text, metres=None, address="số 12 đường Nguyễn Trãi")
    other_address = cand("B", PROBE.text, metres=None, address="Hẻm 5 Ngô Gia Tự")
    other_unit = cand("C", PROBE.text, metres=None, unit="22750", address="12 Nguyễn Trãi")
    # The probe has no point but the candidate has: the unit decides, not the distance.
    with_point = cand("D", PROBE.text, metres=5000, address="12 Nguyễn Trãi")
    found = suggest(probe, [other_unit, other_address, same_address, with_point])
    # D's address is the probe's own; A's is alike; B is only in the same ward.
    assert [s.number for s in found] == ["D", "A", "B"]
    assert all(s.distance_m is None for s in found)


def test_a_report_not_located_yet_is_compared_by_its_words_alone() -> None:
    # Just arrived from a channel that sent no place: no point, no ward, an address in words at most.
    probe = cand("P", PROBE.text, metres=None, unit=None, address="12 Nguyễn Trãi")
    same = cand("A", PROBE.text, metres=40, address="số 12 Nguyễn Trãi")
    loosely = cand("B", "Cột đèn Nguyễn Trãi không sáng", metres=40)  # alike, but not alike enough
    elsewhere_in_words = cand("C", PROBE.text, metres=900, address="Hẻm 5 Ngô Gia Tự")
    found = suggest(probe, [loosely, elsewhere_in_words, same])
    assert [s.number for s in found] == ["A", "C"]  # the same address ranks first
    assert all(not s.placed and s.distance_m is None for s in found)
    assert 0.18 < text_similarity(probe.text, loosely.text) < 0.3
    # With a place on both sides the looser text is enough.
    assert score(PROBE, loosely) is not None and score(PROBE, loosely).placed


def test_another_category_is_shown_lower() -> None:
    same = cand("A", PROBE.text, metres=50)
    other = cand("B", PROBE.text, metres=50, category="traffic-safety")
    found = suggest(PROBE, [other, same])
    assert [s.number for s in found] == ["A", "B"]
    assert not found[1].same_category
    assert found[1].score == pytest.approx(found[0].score * 0.8, abs=1e-3)


def test_policy_thresholds_and_limit() -> None:
    many = [cand(f"N{i:02d}", PROBE.text, metres=i * 10, days=-0.1) for i in range(20)]
    found = suggest(PROBE, many)
    assert len(found) == 10
    assert [s.number for s in found] == [f"N{i:02d}" for i in range(10)]  # nearest first
    wide = DuplicatePolicy(radius_m=1000, max_days=30, limit=3)
    assert score(PROBE, cand("X", PROBE.text, metres=900, days=20), wide) is not None
    assert len(suggest(PROBE, many, wide)) == 3
    strict = DuplicatePolicy(min_text=0.9)
    assert suggest(PROBE, [cand("Y", "Đèn đường hỏng Nguyễn Trãi", metres=5)], strict) == []


def test_candidate_of_a_report_and_the_original_of_two() -> None:
    report = Report(
        number="PA-1",
        channel=Channel.ZALO,
        category="environment",
        title="Rác",
        description="Rác ùn ứ",
        location=Location(LAT, LON, "Chợ Phan Rang", "22747"),
        received_at=T0,
        status=Status.FORWARDED,
    )
    c = Candidate.of(report)
    assert (c.number, c.text, c.lat, c.lon, c.unit_code, c.address, c.status) == (
        "PA-1",
        "Rác Rác ùn ứ",
        LAT,
        LON,
        "22747",
        "Chợ Phan Rang",
        Status.FORWARDED,
    )
    early, late = cand("B", "x", days=-2), cand("A", "x", days=0)
    assert original_of(late, early) == (early, late)
    assert original_of(early, late) == (early, late)
    # The same instant: the smaller number is the original, whichever is given first.
    same_a, same_b = cand("A", "x"), cand("B", "x")
    assert original_of(same_b, same_a) == (same_a, same_b)


def test_scores_are_finite_and_bounded_for_any_texts() -> None:
    for text in ("", " ", "!!!", "12", "a b c", "Đ" * 500):
        s = score(cand("P", text), cand("A", text))
        assert s is None or (math.isfinite(s.score) and 0 <= s.score <= 1)
