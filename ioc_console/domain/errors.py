"""Domain errors carry a code and parameters; their text comes from the message catalog.

The catalog lives here (not in Qt) because the hub returns the same words to its clients. Vietnamese
is the first language, English the second; the GUI asks for the language it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ioc_console.domain.messages import render


class DomainError(Exception):
    """A rule of the domain refused something. ``code`` is stable; ``message()`` is for people."""

    def __init__(self, code: str, /, field: str | None = None, **params: Any) -> None:
        self.code = code
        self.field = field
        self.params: Mapping[str, Any] = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        params = dict(self.params)
        if self.field is not None:
            params.setdefault("field", self.field)
        return render(self.code, lang, params)


class TransitionError(DomainError):
    """The lifecycle does not allow this action from the report's state, or not for this role."""


class PermissionDenied(DomainError):
    """The actor's role or agency may not do this."""


class ValidationError(DomainError):
    """A required input is missing or malformed; ``field`` names it."""
