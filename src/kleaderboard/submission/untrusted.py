"""Reading files written by people we do not trust: small, plain, UTF-8, no tricks.

Every untrusted file (manifests, loss logs, run records, GitHub's file lists, a
model's config.json) is read by :func:`read_bytes`: a link, folder, pipe or device
is refused without following or opening it (``lstat``, then ``O_NOFOLLOW``), the
size is capped before reading and again while reading (a file that grows past the
cap is refused), and the bytes must be strict UTF-8 (:func:`decode`). Every error
is an :class:`~kleaderboard.errors.InputError` (or the subclass a caller names)
saying which file, what is wrong and how to fix it.

JSON (:func:`load_json`) is refused when nested deeper than :data:`MAX_DEPTH`,
before it is parsed (Python's parser recurses once per bracket), and, unless a
caller asks otherwise, when it holds duplicate keys or NaN and Infinity.

YAML (:func:`load`) is refused, before building any object, for anchors and
aliases (the "billion laughs" expansion), merge keys (``<<``), duplicate keys
(which YAML loaders resolve silently, last one wins), keys that YAML reads as
something other than text (``yes:``, ``1:``, ``null:``), any tag beyond YAML's
plain types (``!!python/...``, ``!!binary``, ``!!set``), more than one document
(``---``), integers longer than a manifest ever needs, and nesting deeper than
:data:`MAX_DEPTH`.

A UTF-8 byte-order mark at the start of a file is accepted and dropped: some Windows
editors write one, and it changes no value. Bad scalars (``2026-13-01``) are reported
at their line, like syntax errors.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from kleaderboard import display
from kleaderboard.errors import InputError, Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20  # for YAML and JSON; a manifest needs 5, a run record 4, a config.json 4
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
# A JSON string (skipped whole, brackets inside it do not count) or one bracket.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # absent on Windows, where lstat already refused links
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
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
                f"a number with {display.number(len(value))} digits is too long",
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


class _Unsure(Exception):
    """The quick reader cannot vouch for a document: the full check reads it."""


_STR = _CORE + "str"


def _quick_load(text: str) -> Any:
    """The document, parsed once, where it plainly holds none of the tricks :func:`_check_events`
    refuses; _Unsure for anything else, valid or not (then the full check reads it, and says
    what is wrong exactly as without this reader). The checks, on the composed nodes, before any
    object is built: no tag written at all (no "!" anywhere in the text), no node met twice (an
    alias), text keys only, none twice, one document, nesting within MAX_DEPTH.

    Why: a manifest is most of a submission's loading, and walking the parser's events in
    Python took as long as the parse itself (0.37 ms against 0.22 ms a manifest)."""
    if "!" in text:
        raise _Unsure
    loader = _Loader(text)
    try:
        node = loader.get_single_node()  # two documents: an error, so _Unsure
        if node is None:
            raise _Unsure
        if not isinstance(node, yaml.ScalarNode):
            _vouch(node, 1, {id(node)})
        return loader.construct_document(node)
    except Exception as exc:
        raise _Unsure from exc
    finally:
        loader.dispose()


def _vouch(node: yaml.Node, depth: int, seen: set[int]) -> None:
    """Raise _Unsure unless the collection ``node``, at ``depth``, plainly holds no trick."""
    if depth > MAX_DEPTH:
        raise _Unsure
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            if type(key) is not yaml.ScalarNode or key.tag != _STR or key.value in keys or id(key) in seen:
                raise _Unsure  # not text, twice, or an alias
            keys.add(key.value)
            seen.add(id(key))
            _vouch_value(value, depth, seen)
    else:
        for value in node.value:
            _vouch_value(value, depth, seen)


def _vouch_value(node: yaml.Node, depth: int, seen: set[int]) -> None:
    if id(node) in seen:
        raise _Unsure  # an alias: the node it names is met a second time
    seen.add(id(node))
    if type(node) is not yaml.ScalarNode:
        _vouch(node, depth + 1, seen)


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


def _problem(
    path: str | Path, field: str, message: str, fix: str, error: type[InputError] = InputError
) -> InputError:
    return error([Problem(str(path), field, message, fix)])


# --- bytes: one bounded read for every untrusted file ------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link (links are never followed)"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    return "a device or socket"


def _open(path: Path, expected: os.stat_result, error: type[InputError]) -> BinaryIO:
    """Open path without following a link, and make sure it is still the file lstat saw.

    O_NONBLOCK: a FIFO swapped in after the lstat must not hang the open.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError as exc:
        raise _problem(path, "", f"cannot be read ({exc.strerror})", "check the path", error) from exc
    handle = os.fdopen(fd, "rb")
    opened = os.fstat(fd)
    same = (opened.st_dev, opened.st_ino) == (expected.st_dev, expected.st_ino)
    if not (same and stat.S_ISREG(opened.st_mode)):
        handle.close()
        raise _problem(
            path, "", "was replaced while being opened", "read it again when nothing changes it", error
        )
    return handle


def read_bytes(path: Path, max_bytes: int = MAX_BYTES, error: type[InputError] = InputError) -> bytes:
    """The bytes of a regular file of at most max_bytes, or ``error`` (an InputError) naming the file.

    A link, folder, pipe or device is refused without being opened, and a file
    that grows past the cap while it is read is refused too.
    """
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise _problem(path, "", f"cannot be read ({exc.strerror})", "check the path", error) from exc
    if not stat.S_ISREG(info.st_mode):
        raise _problem(
            path,
            "",
            f"is not a regular file: it is {_kind(info.st_mode)}",
            "give the path of a plain file",
            error,
        )
    most = display.number(max_bytes)
    limit = f"the limit is {most}"
    if info.st_size > max_bytes:
        size = display.number(info.st_size)
        raise _problem(path, "", f"is {size} bytes; {limit}", "keep the file small", error)
    with _open(path, info, error) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _problem(
            path, "", f"grew past {most} bytes while being read; {limit}", "keep the file small", error
        )
    return data


# --- text ------------------------------------------------------------------------------------


def decode(data: bytes, path: str | Path, error: type[InputError] = InputError) -> str:
    """Strict UTF-8 text of data (a leading byte-order mark is dropped), or ``error`` naming path."""
    fix = "save the file as UTF-8 (without a byte-order mark is best)"
    if data.startswith(_WIDE_BOMS):
        raise _problem(
            path,
            "line 1",
            "is not valid UTF-8: it is UTF-16 or UTF-32 (it starts with that byte-order mark)",
            fix,
            error,
        )
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise _problem(
            path,
            f"line {line}",
            "is not valid UTF-8 text: it holds NUL bytes (UTF-16 without a byte-order mark, or binary data)",
            fix,
            error,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _problem(path, f"line {line}, byte {exc.start}", "is not valid UTF-8", fix, error) from exc
    return text.removeprefix("\ufeff")


def read_text(path: Path, max_bytes: int = MAX_BYTES, error: type[InputError] = InputError) -> str:
    """Read a small UTF-8 text file (a leading byte-order mark is dropped), or raise ``error``."""
    return decode(read_bytes(path, max_bytes, error), path, error)


# --- JSON ------------------------------------------------------------------------------------


class _NotPlainJSON(ValueError):
    """JSON that Python's parser accepts and we do not, with the fix to suggest."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):  # linear: an object with many keys must not cost quadratic time
        doubled = sorted(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
        raise _NotPlainJSON(f"duplicate key(s) {', '.join(map(repr, doubled))}", "keep one of each key")
    return found


def _no_constants(name: str) -> Any:
    raise _NotPlainJSON(f"{name} is not a number JSON allows", "write a number, or null when there is none")


def _check_json_depth(text: str, source: str | Path, error: type[InputError]) -> None:
    """Refuse nesting past MAX_DEPTH before parsing: json recurses once per bracket."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                column = token.start() - (text.rfind("\n", 0, token.start()) + 1) + 1
                where = f"line {line}, column {column}"
                raise _problem(
                    source, where, f"nesting deeper than {MAX_DEPTH} levels", "flatten the structure", error
                )
        elif bracket in "]}":
            depth -= 1


def loads_json(
    data: bytes, source: str | Path, error: type[InputError] = InputError, *, strict: bool = True
) -> Any:
    """Parse untrusted JSON bytes: strict UTF-8, at most MAX_DEPTH deep; errors name source.

    strict also refuses duplicate keys (json keeps the last one silently) and
    NaN or Infinity (not JSON, though Python writes and reads them).
    """
    text = decode(data, source, error)
    _check_json_depth(text, source, error)
    hooks: dict[str, Any] = {"object_pairs_hook": _no_duplicates, "parse_constant": _no_constants}
    try:
        return json.loads(text, **(hooks if strict else {}))
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise _problem(
            source, where, f"is not valid JSON ({exc.msg})", "fix the JSON syntax there", error
        ) from exc
    except _NotPlainJSON as exc:
        raise _problem(source, "", f"is not acceptable JSON ({exc})", exc.fix, error) from exc
    except ValueError as exc:  # e.g. an integer past Python's 4,300-digit conversion limit
        raise _problem(
            source, "", f"is not acceptable JSON ({exc})", "write plain, short values", error
        ) from exc


def load_json(
    path: Path, max_bytes: int = MAX_BYTES, error: type[InputError] = InputError, *, strict: bool = True
) -> Any:
    """Read and parse one JSON file written by someone we do not trust (see loads_json)."""
    return loads_json(read_bytes(path, max_bytes, error), path, error, strict=strict)


# --- YAML ------------------------------------------------------------------------------------


def loads(text: str, path: Path, error: type[InputError] = InputError) -> Any:
    """Parse YAML text after the safety checks; errors name the line and column."""
    try:
        return _quick_load(text)
    except _Unsure:
        pass  # the full check reads it, and says what is wrong
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _marked(exc, text, path, error) from exc
    except yaml.reader.ReaderError as exc:
        raise _unprintable(text, path, error) from exc
    except yaml.YAMLError as exc:
        raise _problem(path, "", f"invalid YAML ({exc})", "fix the YAML syntax", error) from exc


def _marked(exc: yaml.MarkedYAMLError, text: str, path: Path, error: type[InputError]) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = exc.problem or exc.context or "invalid YAML"
    fix = getattr(exc, "fix", "fix the YAML syntax at that place")
    if "maximum nesting depth" in what:  # libyaml's own cap (1,000) can fire before our walk reaches ours
        what, fix = f"nesting deeper than {MAX_DEPTH} levels", "flatten the structure"
    elif mark and _char_at(text, mark.line, mark.column) == "\t":
        what, fix = f"a tab here: {what}", "indent YAML with spaces, never tabs"
    return _problem(path, where, what, fix, error)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column : column + 1] if line < len(lines) else ""


def _unprintable(text: str, path: Path, error: type[InputError]) -> InputError:
    found = _NOT_PRINTABLE.search(text)
    if found is None:  # the parser saw something the pattern does not; say what it said
        return _problem(
            path, "", "contains a character YAML does not allow", "remove control characters", error
        )
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return _problem(
        path,
        f"line {line}, column {column}",
        f"control character U+{ord(found.group()):04X} is not allowed",
        "remove it (or write it as an escape inside double quotes)",
        error,
    )


def load(path: Path, max_bytes: int = MAX_BYTES, error: type[InputError] = InputError) -> Any:
    """Read and parse one YAML file written by someone we do not trust."""
    return loads(read_text(path, max_bytes, error), path, error)
