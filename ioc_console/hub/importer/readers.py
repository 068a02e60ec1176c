"""The readers under :mod:`.parse`: a lenient JSON reader and a small XML tree, both keeping positions.

The JSON reader is a strict RFC 8259 reader with one tolerance, numbers written with leading zeros,
which it returns as the text they were written as (rule ``json_leading_zero``). It works on the
document's tokens, so digits inside strings are never touched. Every object and array remembers
where each of its values starts, so that an error in a record can name its line and column.

The XML tree is built with expat: elements keep the line and column of their start tag, namespace
declarations are collected, and a DTD (``<!DOCTYPE``) or an entity declaration is refused, so that
no entity can be expanded (nor fetched) whatever the document says.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn
from xml.parsers import expat

from ioc_console.hub.importer.rules import Tolerated

#: Deepest nesting accepted in a JSON document (GeoReport needs 4).
MAX_DEPTH = 64


class ParseError(Exception):
    """A document that cannot be read: where (source, line, column) and why."""

    def __init__(self, source: str, message: str, *, line: int | None = None, column: int | None = None):
        self.source = source
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f" at line {self.line}" + (f", column {self.column}" if self.column is not None else "")
        return f"{self.source}{where}: {self.message}"


class Lines:
    """Offsets in a text to 1-based line and column numbers."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._first = first_line

    def at(self, pos: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._starts, pos) - 1
        return index + self._first, pos - self._starts[index] + 1

    def where(self, pos: int) -> str:
        line, column = self.at(pos)
        return f"line {line}, column {column}"


class JObject(dict[str, Any]):
    """A JSON object that remembers where it and each of its values start."""

    __slots__ = ("pos", "value_pos")

    def __init__(self, pos: int) -> None:
        super().__init__()
        self.pos = pos
        self.value_pos: dict[str, int] = {}


class JArray(list[Any]):
    """A JSON array that remembers where it and each of its items start."""

    __slots__ = ("item_pos", "pos")

    def __init__(self, pos: int) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[int] = []


_WHITESPACE = " \t\n\r"
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LEADING_ZERO = re.compile(r"-?0\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_AFTER_VALUE = set(_WHITESPACE) | {",", "]", "}"}
_LITERALS = {"true": True, "false": False, "null": None}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


class _JsonReader:
    def __init__(self, text: str, tolerated: Tolerated, source: str, lines: Lines) -> None:
        self.text = text
        self.n = len(text)
        self.tolerated = tolerated
        self.source = source
        self.lines = lines

    def fail(self, pos: int, message: str) -> NoReturn:
        if pos >= self.n and "ends too early" not in message:
            message = f"the JSON document ends too early ({message})"
        line, column = self.lines.at(min(pos, self.n))
        raise ParseError(self.source, message, line=line, column=column)

    def skip(self, i: int) -> int:
        text, n = self.text, self.n
        while i < n and text[i] in _WHITESPACE:
            i += 1
        return i

    def document(self, start: int) -> Any:
        i = self.skip(start)
        if i >= self.n:
            self.fail(i, "the body is empty")
        value, i = self.value(i, 0)
        i = self.skip(i)
        if i < self.n:
            self.fail(i, f"unexpected {self.text[i]!r} after the end of the JSON document")
        return value

    def value(self, i: int, depth: int) -> tuple[Any, int]:
        if i >= self.n:
            self.fail(i, "the JSON document ends too early")
        c = self.text[i]
        if c == "{":
            return self.object(i, depth + 1)
        if c == "[":
            return self.array(i, depth + 1)
        if c == '"':
            return self.string(i)
        if c == "-" or c.isdigit():
            return self.number(i)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, i):
                end = i + len(word)
                if end < self.n and self.text[end] not in _AFTER_VALUE:
                    break
                return literal, end
        self.fail(i, f"unexpected {c!r}: not a JSON value")

    def string(self, i: int) -> tuple[str, int]:
        match = _STRING.match(self.text, i)
        if match is None:
            self.fail(i, "a string without its closing quote")
        raw = match.group()
        try:
            # The token alone, by the standard decoder: escapes and control characters are its job.
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            self.fail(i + error.pos, error.msg)
        if "\\/" in raw:
            self.tolerated.apply("escaped_slash", lambda: self.lines.where(i), raw)
        assert isinstance(value, str)
        return value, match.end()

    def number(self, i: int) -> tuple[Any, int]:
        match = _LEADING_ZERO.match(self.text, i)
        value: Any
        if match is not None:
            value = self.tolerated.apply("json_leading_zero", lambda: self.lines.where(i), match.group())
        else:
            match = _NUMBER.match(self.text, i)
            if match is None:
                self.fail(i, "not a JSON number")
            token = match.group()
            if any(c in token for c in ".eE"):
                value = float(token)
                if value in (float("inf"), float("-inf")):
                    self.fail(i, f"the number {token[:30]} is out of range")
            else:
                value = int(token)
        end = match.end()
        if end < self.n and self.text[end] not in _AFTER_VALUE:
            self.fail(end, f"unexpected {self.text[end]!r} in a number")
        return value, end

    def object(self, i: int, depth: int) -> tuple[JObject, int]:
        if depth > MAX_DEPTH:
            self.fail(i, f"nested deeper than {MAX_DEPTH} levels")
        result = JObject(i)
        i = self.skip(i + 1)
        if i < self.n and self.text[i] == "}":
            return result, i + 1
        while True:
            if i >= self.n or self.text[i] != '"':
                self.fail(i, "expected a name in double quotes")
            key, i = self.string(i)
            i = self.skip(i)
            if i >= self.n or self.text[i] != ":":
                self.fail(i, f"expected ':' after the name {key[:40]!r}")
            i = self.skip(i + 1)
            result.value_pos[key] = i
            result[key], i = self.value(i, depth)
            i = self.skip(i)
            if i < self.n and self.text[i] == ",":
                i = self.skip(i + 1)
                continue
            if i < self.n and self.text[i] == "}":
                return result, i + 1
            self.fail(i, "expected ',' or '}' in an object")

    def array(self, i: int, depth: int) -> tuple[JArray, int]:
        if depth > MAX_DEPTH:
            self.fail(i, f"nested deeper than {MAX_DEPTH} levels")
        result = JArray(i)
        i = self.skip(i + 1)
        if i < self.n and self.text[i] == "]":
            return result, i + 1
        while True:
            result.item_pos.append(i)
            item, i = self.value(i, depth)
            result.append(item)
            i = self.skip(i)
            if i < self.n and self.text[i] == ",":
                i = self.skip(i + 1)
                continue
            if i < self.n and self.text[i] == "]":
                return result, i + 1
            self.fail(i, "expected ',' or ']' in an array")


def read_json(text: str, start: int, tolerated: Tolerated, source: str, lines: Lines) -> Any:
    """The JSON document of ``text`` from offset ``start`` (objects as :class:`JObject`, arrays as
    :class:`JArray`); raises :class:`ParseError` with the line and column of the first problem."""
    return _JsonReader(text, tolerated, source, lines).document(start)


# -- XML ----------------------------------------------------------------------------------------------


@dataclass
class XNode:
    """An element: its name (a namespace's local name), attributes, text, children and position."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[XNode] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class XDocument:
    root: XNode
    #: Namespace declarations of the whole document, each once: (prefix, uri).
    namespaces: list[tuple[str, str]]


class _Refused(Exception):
    pass


def read_xml(data: bytes, line_offset: int, tolerated: Tolerated, source: str) -> XDocument:
    """Parse ``data`` (which starts ``line_offset`` lines into the body) into an :class:`XNode` tree."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[XNode] = []
    roots: list[XNode] = []
    namespaces: list[tuple[str, str]] = []

    def where() -> str:
        return f"line {parser.CurrentLineNumber + line_offset}"

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = tolerated.apply("namespaced_elements", where, name)
        node = XNode(tag, dict(attrs), parser.CurrentLineNumber + line_offset, parser.CurrentColumnNumber + 1)
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)

    def end(name: str) -> None:
        stack.pop()

    def characters(text: str) -> None:
        if stack:
            stack[-1].parts.append(text)

    def namespace(prefix: str | None, uri: str) -> None:
        if (prefix or "", uri) not in namespaces:
            namespaces.append((prefix or "", uri))

    def doctype(*_: Any) -> None:
        raise _Refused("a document type declaration (<!DOCTYPE ...>) is not accepted")

    def entity(*_: Any) -> None:
        raise _Refused("an entity declaration is not accepted")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartNamespaceDeclHandler = namespace
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        message = expat.errors.messages.get(error.code, str(error))
        raise ParseError(
            source,
            f"not well-formed XML: {message}",
            line=error.lineno + line_offset,
            column=error.offset + 1,
        ) from None
    except _Refused as error:
        raise ParseError(
            source,
            str(error),
            line=parser.CurrentLineNumber + line_offset,
            column=parser.CurrentColumnNumber + 1,
        ) from None
    if not roots:
        raise ParseError(source, "no XML element in the body", line=1 + line_offset)
    return XDocument(roots[0], namespaces)


__all__ = ["JArray", "JObject", "Lines", "ParseError", "XDocument", "XNode", "read_json", "read_xml"]
