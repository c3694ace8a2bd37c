"""Reading YAML written by people we do not trust: small, plain, UTF-8, no tricks.

Manifests arrive in pull requests, so the reader refuses, before building any
object: files over a size cap, bytes that are not UTF-8, anchors and aliases (the
"billion laughs" expansion), duplicate keys (which YAML loaders resolve silently,
last one wins), any tag beyond YAML's plain types (``!!python/...``), and nesting
deeper than a manifest ever needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


def _check_events(text: str) -> None:
    """Refuse aliases, deep nesting and duplicate keys by walking the parser's events.

    Runs before any object is built, so an alias bomb is never expanded.
    """
    stack: list[tuple[bool, set[str], list[bool]]] = []  # (is_mapping, keys seen, [expect key])
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases (*name) are not allowed", event.start_mark
            )
        is_key = bool(stack) and stack[-1][0] and stack[-1][2][0]
        if stack and stack[-1][0]:
            stack[-1][2][0] = not stack[-1][2][0]
        if is_key and isinstance(event, yaml.ScalarEvent):
            if event.value in stack[-1][1]:
                raise yaml.MarkedYAMLError(
                    None, None, f"duplicate key '{event.value}'", event.start_mark
                )
            stack[-1][1].add(event.value)
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            stack.append((isinstance(event, yaml.MappingStartEvent), set(), [True]))
            if len(stack) > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    None, None, f"nesting deeper than {MAX_DEPTH} levels", event.start_mark
                )
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()


def _problem(path: Path, field: str, message: str, fix: str) -> InputError:
    return InputError([Problem(str(path), field, message, fix)])


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a small UTF-8 text file, or raise InputError saying why not."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _problem(path, "", f"cannot be read ({exc.strerror})", "check the path") from exc
    if size > max_bytes:
        raise _problem(path, "", f"is {size:,} bytes; the limit is {max_bytes:,}", "keep the file small")
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _problem(
            path,
            f"byte {exc.start}",
            "is not valid UTF-8",
            "save the file as UTF-8 (without a byte-order mark is best)",
        ) from exc


def loads(text: str, path: Path) -> Any:
    """Parse YAML text after the safety checks; errors name the line and column."""
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        raise _problem(path, where, what, "fix the YAML syntax at that place") from exc
    except yaml.YAMLError as exc:
        raise _problem(path, "", f"invalid YAML ({exc})", "fix the YAML syntax") from exc


def load(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    """Read and parse one YAML file written by someone we do not trust."""
    return loads(read_text(path, max_bytes), path)
