"""Report numbers: one scheme, set by the jurisdiction pack, for every report however it came in.

A number reads ``<prefix>-<year>-<serial>`` (``PA-2026-000561``): the pack's prefix, the year the hub
numbered the report in, and a serial counted per year from 1, zero-padded to the pack's width (a serial
past that width is written in full). The hub alone hands out numbers (a console's new report goes by a
provisional number until then); the console reads what an operator types with :meth:`NumberScheme.read`
so that a search for a number finds that report and no other.

In ``pack.json``: ``"report_numbers": {"prefix": "PA", "digits": 6}`` (both optional).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

#: What a prefix may be: capital letters and digits, starting with a letter, at most 8.
PREFIX_PATTERN = re.compile(r"[A-Z][A-Z0-9]{0,7}")
MIN_DIGITS = 3
MAX_DIGITS = 9
DEFAULT_PREFIX = "PA"
DEFAULT_DIGITS = 6
#: Digits of the serial needed to read a number typed without its prefix.
SHORT_SERIAL = 3

#: Separators people type between the parts of a number (dash, spaces, slash, dot, underscore).
_SEP = r"[\s\-/._]*"


@dataclass(frozen=True)
class NumberScheme:
    """How a jurisdiction writes its report numbers."""

    prefix: str = DEFAULT_PREFIX
    digits: int = DEFAULT_DIGITS

    def __post_init__(self) -> None:
        if not PREFIX_PATTERN.fullmatch(self.prefix):
            raise ValueError(f"report number prefix {self.prefix!r} must be 1-8 capital letters or digits")
        if not MIN_DIGITS <= self.digits <= MAX_DIGITS:
            raise ValueError(f"report number digits must be between {MIN_DIGITS} and {MAX_DIGITS}")

    def format(self, year: int, serial: int) -> str:
        """The number of the ``serial``-th report of ``year``."""
        if serial < 1 or not 1000 <= year <= 9999:
            raise ValueError(f"no report number for year {year}, serial {serial}")
        return f"{self.prefix}-{year:04d}-{serial:0{self.digits}d}"

    def year_prefix(self, year: int) -> str:
        """What every number of ``year`` starts with (``PA-2026-``)."""
        return f"{self.prefix}-{year:04d}-"

    def parse(self, number: str) -> tuple[int, int] | None:
        """``(year, serial)`` of a number written exactly as :meth:`format` writes it, else None."""
        found = self._exact.fullmatch(number)
        if found is None:
            return None
        serial = int(found.group(2))
        return (int(found.group(1)), serial) if serial >= 1 else None

    def read(self, typed: str) -> str | None:
        """The number an operator means by ``typed``, written as the scheme writes it, or None when
        ``typed`` is not a whole report number. The prefix may be left out, in any case, with any of
        the usual separators; the serial's leading zeros may be left out (without the prefix, at least
        :data:`SHORT_SERIAL` digits are needed, so that ``2026-06`` stays a search for words): ``pa 2026 561``,
        ``2026-000561`` and ``PA-2026-000561`` all read ``PA-2026-000561``. A serial with leading zeros
        but short of the full width is a number still being typed, not a whole one."""
        found = self._typed.fullmatch(typed.strip())
        if found is None:
            return None
        prefixed, year, digits = found.groups()
        serial = int(digits)
        if serial < 1 or (prefixed is None and len(digits) < SHORT_SERIAL):
            return None
        if digits.startswith("0") and len(digits) < self.digits:
            return None  # the start of a number still being typed (``PA-2026-0005``)
        return self.format(int(year), serial)

    @cached_property
    def _exact(self) -> re.Pattern[str]:
        return re.compile(rf"{re.escape(self.prefix)}-(\d{{4}})-(\d{{{self.digits},}})")

    @cached_property
    def _typed(self) -> re.Pattern[str]:
        return re.compile(
            rf"({re.escape(self.prefix)}{_SEP})?([12]\d{{3}}){_SEP}(?<=[\s\-/._])(\d{{1,{MAX_DIGITS + 3}}})",
            re.IGNORECASE,
        )


__all__ = ["DEFAULT_DIGITS", "DEFAULT_PREFIX", "NumberScheme"]
