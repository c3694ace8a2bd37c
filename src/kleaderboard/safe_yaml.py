"""Reading YAML written by people we do not trust: small, plain, UTF-8, no tricks.

Manifests arrive in pull requests, so the reader refuses, before building any
object: files over a size cap, bytes that are not UTF-8, anchors and aliases (the
"billion laughs" expansion), any tag beyond YAML's plain types (``!!python/...``),
and nesting deeper than a manifest ever needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 20


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and deep nesting while composing."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases (*name) are not allowed", event.start_mark
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise yaml.MarkedYAMLError(
                    None, None, f"nesting deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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
    """Parse YAML text with the plain loader; errors name the line and column."""
    try:
        return yaml.load(text, Loader=_PlainLoader)
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
