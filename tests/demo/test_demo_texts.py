"""The demo's Vietnamese: varied per category, typed the ways citizens type, answered the way offices do."""

from __future__ import annotations

import re
from collections import Counter

from ioc_console.demo.issues import ISSUES, KINDS, kind_of
from ioc_console.demo.style import strip_tones
from ioc_console.domain.jurisdiction import Category, Jurisdiction
from ioc_console.domain.lifecycle import Action, Channel, Status
from ioc_console.domain.report import Report
from ioc_console.domain.text import fold, normalize_phone

_VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I
)
_PHONE_IN_TEXT = re.compile(r"(?:\+84|0)[\d .]{8,13}\d")


def has_diacritics(text: str) -> bool:
    return bool(_VIETNAMESE_LETTERS.search(text))


def test_strip_tones_keeps_case_and_punctuation() -> None:
    assert strip_tones("Đường Ngô Gia Tự, số 12 – gần chợ!") == "Duong Ngo Gia Tu, so 12 – gan cho!"
    assert strip_tones("Ổ GÀ Ở ĐÂY???") == "O GA O DAY???"
    assert fold(strip_tones("Phan Rang–Tháp Chàm")) == fold("Phan Rang–Tháp Chàm")


def test_descriptions_are_varied(year: list[Report]) -> None:
    descriptions = [r.description for r in year]
    assert len(set(descriptions)) >= 0.97 * len(descriptions)
    openings = Counter(" ".join(d.split()[:3]) for d in descriptions)
    assert openings.most_common(1)[0][1] < 0.08 * len(descriptions)
    lengths = sorted(len(d) for d in descriptions)
    assert lengths[len(lengths) // 10] < 110  # short, angry messages
    assert lengths[-len(lengths) // 10] > 280  # long, polite letters


def test_some_typed_without_diacritics(year: list[Report]) -> None:
    typed = [r for r in year if r.channel is not Channel.HOTLINE and r.status is not Status.REJECTED]
    plain = [r for r in typed if not has_diacritics(r.description)]
    assert 0.06 <= len(plain) / len(typed) <= 0.3
    # Hotline reports are written down by the operator, always with diacritics.
    assert all(has_diacritics(r.description) for r in year if r.channel is Channel.HOTLINE)


def test_some_with_a_phone_number_or_a_house_number_inside(year: list[Report]) -> None:
    with_phone = [r for r in year if _PHONE_IN_TEXT.search(r.description)]
    assert 0.04 <= len(with_phone) / len(year) <= 0.3
    for report in with_phone:
        typed = normalize_phone(_PHONE_IN_TEXT.search(report.description).group(0))  # type: ignore[union-attr]
        assert re.fullmatch(r"0[35789]\d{8}", typed), report.description
    with_house = [r for r in year if re.search(r"\b(?:số|so|hẻm|hem) \d+", r.description)]
    assert len(with_house) >= 0.1 * len(year)


def test_short_angry_and_long_polite(year: list[Report]) -> None:
    folded = [fold(r.description) for r in year]
    polite = [f for f in folded if f.startswith("kinh gui") and ("cam on" in f)]
    angry = [r.description for r in year if ("!!" in r.description or "??" in r.description)]
    assert len(polite) >= 0.05 * len(year)
    assert len(angry) >= 0.05 * len(year)
    assert all(len(a) < 260 for a in angry if not fold(a).startswith("kinh gui"))


def test_places_of_the_province_are_named(year: list[Report]) -> None:
    text = " ".join(fold(r.description + " " + r.location.address) for r in year)
    for street in ("thong nhat", "16 thang 4", "ngo gia tu", "yen ninh", "le duan", "21 thang 8", "tran phu"):
        assert f"duong {street}" in text, street
    landmarks = ("cho phan rang", "ninh chu", "po klong garai", "ca na", "vinh hy", "tan giang")
    assert sum(landmark in text for landmark in landmarks) >= 4
    assert re.search(r"so \d+ duong [a-z0-9 ]+ phuong [a-z ]+", text)


def test_addresses_read_like_vietnamese_addresses(year: list[Report]) -> None:
    addresses = [r.location.address for r in year if r.location.address]
    assert any(re.fullmatch(r"số \d+ đường [^,]+, phường [^,]+", a) for a in addresses)
    assert any(re.fullmatch(r"thôn \d, xã [^,]+, huyện [^,]+", a) for a in addresses)


def test_categories_get_their_own_words(ninh_thuan: Jurisdiction, year: list[Report]) -> None:
    words = {
        "construction": (
            "xay",
            "lan chiem",
            "cong trinh",
            "xa ban",
            "vat lieu",
            "thi cong",
            "dat cong",
            "cat da",
        ),
        "environment": (
            "rac",
            "nuoc thai",
            "mui",
            "khoi",
            "cong",
            "de",
            "heo",
            "xa ban",
            "phe lieu",
            "lo ca",
        ),
        "urban-infrastructure": (
            "den",
            "o ga",
            "ngap",
            "nap cong",
            "cay",
            "ong nuoc",
            "ong cap nuoc",
            "via he",
            "duong",
            "nat bet",
        ),
        "traffic-safety": ("den", "xe", "bien bao", "bo", "de", "lan chiem", "giao lo", "long duong", "cho"),
        "social-order": ("karaoke", "tu tap", "trom", "ma tuy", "loa", "danh nhau", "kim tiem", "hat"),
        "tourism": ("du khach", "khach", "nha hang", "homestay", "tau", "cano", "ve sinh", "ghe", "du lich"),
        "officials": ("ho so", "can bo", "thu tuc", "cong chuc", "giay to"),
        "daily-life": ("nuoc", "dien", "cho", "muoi", "cap", "truong", "tien"),
    }
    for report in year:
        if report.status in (Status.REJECTED, Status.DUPLICATE) or report.title == "":
            continue
        if any(e.action is Action.CLASSIFY for e in report.history) or report.category == "daily-life":
            continue
        text = fold(report.description)
        assert any(w in text for w in words[report.category]), (report.category, report.description)


def test_results_and_replies_in_the_offices_words(year: list[Report]) -> None:
    closed = [r for r in year if r.status is Status.CLOSED]
    for report in closed:
        assert "Kết quả:" in report.result
        assert report.result in report.reply
        assert report.agency is not None
    leads = Counter(r.result.split(",")[0] for r in closed)
    assert "Qua kiểm tra thực tế" in leads
    # The letter names the citizen; the public reply never does.
    letters = [e.data["letter"] for r in closed for e in r.history if e.action is Action.PUBLISH_REPLY]
    assert len(letters) >= len(closed)  # a reopened report was replied to twice
    assert [text for text in letters if re.search(r"của (?:ông|bà) [A-ZĐ]", text)]
    assert not [r for r in closed if re.search(r"của (?:ông|bà) [A-ZĐ]", r.reply)]
    assert all("người phản ánh" in r.reply for r in closed)
    sample = next(r for r in closed if r.result.startswith("Qua kiểm tra thực tế, UBND phường"))
    assert re.match(r"Qua kiểm tra thực tế, UBND phường [^,]+ đã .+\. Kết quả: .+\.$", sample.result)


def test_every_kind_has_issues_with_enough_variety() -> None:
    for kind in KINDS:
        issues = [i for i in ISSUES if i.kind == kind]
        assert len(issues) >= 4, kind
        assert sum(len(i.core) for i in issues) >= 9, kind
        for issue in issues:
            assert issue.core and issue.angry and issue.effect and issue.ask and issue.results
            for template in (*issue.core, *issue.angry):
                assert (
                    "{at}" in template or "{At}" in template or "{name}" in template or "{Name}" in template
                )


def test_categories_of_any_pack_find_their_kind() -> None:
    assert kind_of(Category("xay-dung", "Trật tự xây dựng", "Construction order")) == "construction"
    assert kind_of(Category("env", "Vệ sinh môi trường", "Environment")) == "sanitation"
    assert kind_of(Category("c7", "Cán bộ gây phiền hà", "Officials")) == "officials"
    assert kind_of(Category("flood", "Ngập nước", "Flooding")) == "daily"
