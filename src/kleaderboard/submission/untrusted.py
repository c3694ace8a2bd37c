"""Reading YAML written by people we do not trust: small, plain, UTF-8, no tricks.

Manifests arrive in pull requests, so the reader refuses, before building any
object: files over a size cap, bytes that are not UTF-8 (UTF-16 and UTF-32 are
named as such), anchors and aliases (the "billion laughs" expansion), merge keys
(``<<``), duplicate keys (which YAML loaders resolve silently, last one wins), keys
that YAML reads as something other than text (``yes:``, ``1:``, ``null:``), any tag
beyond YAML's plain types (``!!python/...``, ``!!binary``, ``!!set``), more than one
document (``---``), integers longer than a manifest ever needs, and nesting deeper
than a manifest ever needs.

A UTF-8 byte-order mark at the start of a file is accepted and dropped: some Windows
editors write one, and it changes no value. Bad scalars (``2026-13-01``) are reported
at their line, like syntax errors.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kleaderboard.errors import InputError, Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20
MAX_DIGITS = 100  # longer integers are refused: Python's int() limit is 4,300, no manifest needs 20

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    {None, "!"}
    | {_CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
)
_KIND = {"bool": "true/false", "int": "a number", "float": "a number", "null": "null", "timestamp": "a date"}
_VALUE_FIX = {"timestamp": "write dates as YYYY-MM-DD, e.g. 2026-01-31", "bool": "write true or false"}
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)  # UTF-32 LE starts like 16 LE
# What YAML 1.1 refuses in a stream (it allows tab, newlines and printable text).
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Refused(yaml.MarkedYAMLError):
    """A construct the reader does not accept, with the fix to suggest."""

    def __init__(self, message: str, mark: Any, fix: str) -> None:
        super().__init__(None, None, message, mark)
        self.fix = fix


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader whose scalar constructors report a bad value at its line."""


def _reported(name: str, construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def construct_reported(loader: Any, node: yaml.Node) -> Any:
        value = str(node.value)
        if name == "int" and len(value) > MAX_DIGITS:
            raise _Refused(
                f"a number with {len(value):,} digits is too long",
                node.start_mark,
                f"no value in a manifest needs more than {MAX_DIGITS} digits",
            )
        try:
            return construct(loader, node)
        except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as exc:
            raise _Refused(
                f"{_short(value)!r} is not {_KIND[name]}" + (f" ({exc})" if name == "timestamp" else ""),
                node.start_mark,
                _VALUE_FIX.get(name, "write a plain value"),
            ) from exc

    return construct_reported


for _name in ("int", "float", "bool", "timestamp"):
    _Loader.add_constructor(_CORE + _name, _reported(_name, _Base.yaml_constructors[_CORE + _name]))
_RESOLVER = yaml.resolver.Resolver()


@dataclass(slots=True)
class _Level:
    """One open mapping or sequence while walking the events."""

    is_mapping: bool
    keys: set[str] = field(default_factory=set)
    expect_key: bool = True


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _check_events(text: str) -> None:
    """Refuse the tricks listed in the module docstring by walking the parser's events.

    Runs before any object is built, so an alias bomb is never expanded.
    """
    stack: list[_Level] = []
    documents = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(
                    "a second YAML document starts here ('---'); a manifest is one document",
                    event.start_mark,
                    "keep one document: remove this '---' and merge or delete what follows",
                )
        _check_node(event)
        if stack and stack[-1].is_mapping:
            level = stack[-1]
            if level.expect_key:
                _check_key(event, level)
            level.expect_key = not level.expect_key
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            stack.append(_Level(isinstance(event, yaml.MappingStartEvent)))
            if len(stack) > MAX_DEPTH:
                raise _Refused(
                    f"nesting deeper than {MAX_DEPTH} levels", event.start_mark, "flatten the structure"
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()


def _check_node(event: yaml.Event) -> None:
    if isinstance(event, yaml.AliasEvent):
        raise _Refused(
            "anchors and aliases (*name) are not allowed", event.start_mark, "write the value out in full"
        )
    tag = getattr(event, "tag", None)
    if tag is not None and tag not in _ALLOWED_TAGS:
        shown = tag.replace(_CORE, "!!") if tag.startswith(_CORE) else tag
        raise _Refused(
            f"the tag '{shown}' is not allowed", event.start_mark, "write plain values, without tags (!…)"
        )


def _check_key(event: yaml.Event, level: _Level) -> None:
    if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
        raise _Refused("a key must be plain text, not a list or mapping", event.start_mark, "use a text key")
    if not isinstance(event, yaml.ScalarEvent):
        return
    value = event.value
    if event.tag is None and event.implicit[0]:
        resolved = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)).removeprefix(_CORE)
        if resolved == "merge":
            raise _Refused("merge keys (<<) are not allowed", event.start_mark, "write the keys out in full")
        if resolved != "str":
            kind = _KIND.get(resolved, resolved)
            raise _Refused(
                f"the key {_short(value)!r} is read as {kind}, not as text",
                event.start_mark,
                f"keys are text: quote it ('{_short(value)}') or use the key the schema names",
            )
    if value in level.keys:
        raise _Refused(f"duplicate key '{_short(value)}'", event.start_mark, "keep one of them")
    level.keys.add(value)


def _problem(path: Path, field: str, message: str, fix: str) -> InputError:
    return InputError([Problem(str(path), field, message, fix)])


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a small UTF-8 text file (a leading byte-order mark is dropped), or raise InputError."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _problem(path, "", f"cannot be read ({exc.strerror})", "check the path") from exc
    if size > max_bytes:
        raise _problem(path, "", f"is {size:,} bytes; the limit is {max_bytes:,}", "keep the file small")
    data = path.read_bytes()
    fix = "save the file as UTF-8 (without a byte-order mark is best)"
    if data.startswith(_WIDE_BOMS):
        raise _problem(
            path,
            "line 1",
            "is not valid UTF-8: it is UTF-16 or UTF-32 (it starts with that byte-order mark)",
            fix,
        )
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise _problem(
            path,
            f"line {line}",
            "is not valid UTF-8 text: it holds NUL bytes (UTF-16 without a byte-order mark, or binary data)",
            fix,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _problem(path, f"line {line}, byte {exc.start}", "is not valid UTF-8", fix) from exc
    return text.removeprefix("\ufeff")


def loads(text: str, path: Path) -> Any:
    """Parse YAML text after the safety checks; errors name the line and column."""
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        fix = getattr(exc, "fix", "fix the YAML syntax at that place")
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            what, fix = f"a tab here: {what}", "indent YAML with spaces, never tabs"
        raise _problem(path, where, what, fix) from exc
    except yaml.reader.ReaderError as exc:
        raise _unprintable(text, path) from exc
    except yaml.YAMLError as exc:
        raise _problem(path, "", f"invalid YAML ({exc})", "fix the YAML syntax") from exc


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def _unprintable(text: str, path: Path) -> InputError:
    found = _NOT_PRINTABLE.search(text)
    if found is None:  # the parser saw something the pattern does not; say what it said
        return _problem(path, "", "contains a character YAML does not allow", "remove control characters")
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return _problem(
        path,
        f"line {line}, column {column}",
        f"control character U+{ord(found.group()):04X} is not allowed",
        "remove it (or write it as an escape inside double quotes)",
    )


def load(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    """Read and parse one YAML file written by someone we do not trust."""
    return loads(read_text(path, max_bytes), path)
