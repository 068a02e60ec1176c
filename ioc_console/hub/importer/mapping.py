"""Which of the jurisdiction's categories an external service code stands for.

A service map is a JSON file written by the administrator::

    {
      "codes": {"280": "traffic-safety", "015": "environment"},
      "names": {"Illegal Dumping": "environment"},
      "unmapped": "daily-life"
    }

``codes`` are matched exactly (``"015"`` is not ``"15"``); ``names`` by the service name folded
(case, diacritics and punctuation ignored); ``unmapped`` is the category of every other request, or
``null`` to leave those out (they are counted by code in the import's report, so the map can be
completed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ioc_console.domain.text import fold


class MapError(Exception):
    """A service map that cannot be used; names the file and the entry."""


@dataclass(frozen=True)
class ServiceMap:
    codes: Mapping[str, str] = field(default_factory=dict)
    #: Folded service name → category.
    names: Mapping[str, str] = field(default_factory=dict)
    #: The category of a request no entry maps; None: leave it out.
    unmapped: str | None = None

    @classmethod
    def load(cls, path: Path) -> ServiceMap:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise MapError(f"{path}: cannot be read: {error}") from error
        except json.JSONDecodeError as error:
            raise MapError(f"{path}: line {error.lineno}, column {error.colno}: {error.msg}") from error
        return cls.from_json(data, str(path))

    @classmethod
    def from_json(cls, data: Any, name: str = "service map") -> ServiceMap:
        if not isinstance(data, dict):
            raise MapError(f"{name}: expected an object with codes, names and unmapped")
        unknown = set(data) - {"codes", "names", "unmapped"}
        if unknown:
            raise MapError(f"{name}: unknown key {sorted(unknown)[0]!r} (use codes, names, unmapped)")

        def table(key: str) -> dict[str, str]:
            value = data.get(key, {})
            if not isinstance(value, dict):
                raise MapError(f"{name}: {key} must be an object")
            for k, v in value.items():
                if not isinstance(v, str) or not v:
                    raise MapError(f"{name}: {key}[{k!r}] must be a category code")
            return dict(value)

        unmapped = data.get("unmapped")
        if unmapped is not None and (not isinstance(unmapped, str) or not unmapped):
            raise MapError(f"{name}: unmapped must be a category code or null")
        return cls(
            codes=table("codes"),
            names={fold(k): v for k, v in table("names").items()},
            unmapped=unmapped,
        )

    def with_unmapped(self, category: str | None) -> ServiceMap:
        return ServiceMap(self.codes, self.names, category)

    def category(self, code: str | None, name: str | None) -> tuple[str | None, bool]:
        """(category, by_default): the mapped category, or ``unmapped`` (by_default True)."""
        if code is not None and code in self.codes:
            return self.codes[code], False
        if name is not None:
            found = self.names.get(fold(name))
            if found is not None:
                return found, False
        return self.unmapped, True

    def problems(self, categories: Iterable[str]) -> list[str]:
        """Entries that name a category the jurisdiction does not have."""
        known = set(categories)
        out = [f"codes[{k!r}]: unknown category {v!r}" for k, v in self.codes.items() if v not in known]
        out += [f"names[{k!r}]: unknown category {v!r}" for k, v in self.names.items() if v not in known]
        if self.unmapped is not None and self.unmapped not in known:
            out.append(f"unmapped: unknown category {self.unmapped!r}")
        return out


__all__ = ["MapError", "ServiceMap"]
