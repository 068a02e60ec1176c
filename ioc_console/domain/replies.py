"""Replies to a citizen: the letter addressed to them, and the reply the public reads.

A report's reply has two texts. The *letter* is sent to the citizen and kept with the report for
staff; it may address them by name ("ông/bà Lê Văn Tâm") and repeat their address. The *public
reply* is what Open311 publishes (``status_notes``, ``servicerequestupdates``): it speaks of "người
phản ánh", and whatever an operator types there, :func:`public_reply` blanks contact data out of it
the same way as a description (:mod:`ioc_console.domain.redact`), on the hub, for every client.

Reply templates are data (``{"format": 1, "category": code | "*", "templates": [{"outcome",
"title", "text"}]}``); one template fills both texts, with different words for ``{citizen}``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ioc_console.domain.redact import redact
from ioc_console.domain.report import Contact

#: The placeholders a reply template may use.
PLACEHOLDERS: Final = ("citizen", "number", "received", "category", "address", "agency", "result", "province")
#: The outcomes of a report's handling that templates are written for, in the order offered.
OUTCOMES: Final = ("resolved", "partly", "in_plan", "no_violation", "not_competent")
TEMPLATE_FORMAT: Final = 1
DEFAULT_CATEGORY: Final = "*"
#: How the public reply speaks of the citizen.
PUBLIC_CITIZEN: Final = "người phản ánh"


class TemplateError(ValueError):
    """A reply template file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ReplyTemplate:
    category: str
    outcome: str
    title: str
    text: str


def placeholders_in(text: str) -> list[str]:
    """The ``{name}`` placeholders of ``text``, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


class ReplyTemplates:
    """Templates by category and outcome; a category's own template wins over the default one."""

    def __init__(self, templates: Sequence[ReplyTemplate]) -> None:
        self._by_key = {(t.category, t.outcome): t for t in templates}

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, category: str, outcome: str) -> ReplyTemplate | None:
        return self._by_key.get((category, outcome)) or self._by_key.get((DEFAULT_CATEGORY, outcome))

    def for_category(self, category: str) -> list[ReplyTemplate]:
        """One template per outcome available for ``category``, in the order of :data:`OUTCOMES`."""
        found = [self.get(category, outcome) for outcome in OUTCOMES]
        return [t for t in found if t is not None]


def parse_templates(source: str, data: Any) -> list[ReplyTemplate]:
    """The templates of one file's parsed JSON; ``source`` (the file's name) is named in errors."""
    if not isinstance(data, dict) or data.get("format") != TEMPLATE_FORMAT:
        raise TemplateError(f'{source}: expected an object with "format": {TEMPLATE_FORMAT}')
    category = data.get("category")
    entries = data.get("templates")
    if not isinstance(category, str) or not category or not isinstance(entries, list):
        raise TemplateError(f'{source}: "category" (text) and "templates" (a list) are required')
    templates = []
    for n, entry in enumerate(entries, 1):
        where = f"{source}, template {n}"
        if not isinstance(entry, dict):
            raise TemplateError(f"{where}: expected an object")
        outcome, title, text = entry.get("outcome"), entry.get("title"), entry.get("text")
        if outcome not in OUTCOMES:
            raise TemplateError(f"{where}: unknown outcome {outcome!r} (known: {', '.join(OUTCOMES)})")
        if not isinstance(title, str) or not title.strip() or not isinstance(text, str) or not text.strip():
            raise TemplateError(f'{where}: "title" and "text" must be non-empty text')
        try:
            names = placeholders_in(text)
        except ValueError as error:
            raise TemplateError(f"{where}: {error}") from None
        unknown = [name for name in names if name not in PLACEHOLDERS]
        if unknown:
            raise TemplateError(f"{where}: unknown placeholder {{{unknown[0]}}}")
        templates.append(ReplyTemplate(category, str(outcome), title.strip(), text.strip()))
    return templates


def citizen_words(name: str, *, public: bool) -> str:
    """How a reply speaks of the citizen: by name in the letter, never in the public reply."""
    name = name.strip()
    if public:
        return PUBLIC_CITIZEN
    return f"ông/bà {name}" if name else "công dân"


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders replaced; a placeholder with no value stays as ``{name}``."""
    return text.format_map(_Keep(values))


def fill_both(text: str, values: Mapping[str, str], contact: Contact) -> tuple[str, str]:
    """The letter and the public reply from one template: the letter names the citizen, the public
    reply speaks of "người phản ánh" and is redacted."""
    letter = fill_template(text, {**values, "citizen": citizen_words(contact.name, public=False)})
    public = fill_template(text, {**values, "citizen": citizen_words(contact.name, public=True)})
    return letter, public_reply(public, contact)


_LEFT = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def unfilled(text: str) -> list[str]:
    """The placeholders still in a composed reply (to be filled by hand before publishing)."""
    return _LEFT.findall(text)


def public_reply(text: str, contact: Contact | Mapping[str, Any] | None) -> str:
    """The reply as the public may read it: the citizen's contact data and anything shaped like a
    phone number, an ID number or an e-mail address blanked."""
    return redact(text, contact)


__all__ = [
    "DEFAULT_CATEGORY",
    "OUTCOMES",
    "PLACEHOLDERS",
    "PUBLIC_CITIZEN",
    "TEMPLATE_FORMAT",
    "ReplyTemplate",
    "ReplyTemplates",
    "TemplateError",
    "citizen_words",
    "fill_both",
    "fill_template",
    "parse_templates",
    "placeholders_in",
    "public_reply",
    "unfilled",
]
