"""The report-number scheme of a jurisdiction pack: written, parsed, and read as operators type it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ioc_console.domain.jurisdiction import PackError, load_pack
from ioc_console.domain.numbering import NumberScheme
from ioc_console.resources import default_pack_path

SCHEME = NumberScheme("PA", 6)


def test_numbers_are_written_and_parsed_by_the_scheme() -> None:
    assert SCHEME.format(2026, 561) == "PA-2026-000561"
    assert SCHEME.format(2026, 1_234_567) == "PA-2026-1234567"  # past the width: written in full
    assert SCHEME.parse("PA-2026-000561") == (2026, 561)
    assert SCHEME.parse("PA-2026-1234567") == (2026, 1_234_567)
    for other in ("2026-000561", "TAM-749C2178", "PA-2026-561", "pa-2026-000561", "PA-2026-000000", ""):
        assert SCHEME.parse(other) is None, other
    assert NumberScheme("HCM", 5).format(2025, 7) == "HCM-2025-00007"


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("PA-2026-000561", "PA-2026-000561"),
        ("pa-2026-000561", "PA-2026-000561"),
        ("  PA 2026 561 ", "PA-2026-000561"),
        ("2026-000561", "PA-2026-000561"),  # read aloud without the prefix
        ("2026/561", "PA-2026-000561"),
        ("PA-2026-5", "PA-2026-000005"),
        # Not a whole number: words, a phone, a number still being typed, a year and a month.
        ("PA-2026-0005", None),
        ("2026-06", None),
        ("0905 123 456", None),
        ("2026000561", None),
        ("tran phu 2026", None),
        ("TAM-749C2178", None),
        ("PA-2026-000000", None),
    ],
)
def test_what_an_operator_types_is_read_as_one_whole_number_or_not_at_all(
    typed: str, number: str | None
) -> None:
    assert SCHEME.read(typed) == number


def test_the_pack_sets_the_scheme_and_a_bad_one_is_refused_in_words(tmp_path: Path) -> None:
    assert load_pack(default_pack_path()).numbers == SCHEME
    folder = tmp_path / "pack"
    shutil.copytree(default_pack_path(), folder)
    meta = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    meta["report_numbers"] = {"prefix": "NT", "digits": 7}
    (folder / "pack.json").write_text(json.dumps(meta), encoding="utf-8")
    assert load_pack(folder).numbers == NumberScheme("NT", 7)
    del meta["report_numbers"]
    (folder / "pack.json").write_text(json.dumps(meta), encoding="utf-8")
    assert load_pack(folder).numbers == NumberScheme()  # the default: PA, six digits
    for bad, words in (({"prefix": "pa-"}, "tiền tố số phản ánh"), ({"digits": 2}, "số chữ số")):
        meta["report_numbers"] = bad
        (folder / "pack.json").write_text(json.dumps(meta), encoding="utf-8")
        with pytest.raises(PackError) as error:
            load_pack(folder)
        assert words in error.value.message("vi") and "report_numbers" in error.value.message("vi")
