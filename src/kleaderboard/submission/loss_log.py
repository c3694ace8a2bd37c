"""Pre-training loss logs (``loss_log.csv``): parsing and format checks.

Columns: ``step, tokens_seen, loss`` and optionally ``learning_rate``, ``grad_norm``
and ``eval_loss``, separated by commas, with a header line first. Lines starting with
``#`` before the header are notes (``kleaderboard import-loss-log`` writes where the
log came from and how its tokens were counted there); they are kept, never parsed.
Errors name the line so a team can find it, and every problem of every row is
reported at once.

``learning_rate`` is optional because no check reads it (the evidence compares the
loss and the tokens), and trainers do not log it on every row: W&B exports leave its
cells empty between logging steps, and a team made to fill them would be writing
values nobody measured.

What a row may hold:

* ``step`` and ``tokens_seen`` are whole numbers from 0 to 10^18; steps increase,
  tokens never decrease. A log is one line of training: after a restart from a
  checkpoint, the resumed run's rows replace the earlier run's rows from that step on
  (the importer does this and records the overlap).
* ``loss`` and ``eval_loss`` are the mean cross-entropy per token in nats: from 0 to
  1,000. A cross-entropy cannot be negative, and a value in the thousands is a
  perplexity or a summed loss, not what the chart and the ln(V) check compare.
* ``learning_rate`` and ``grad_norm`` are 0 or more (a negative learning rate or norm
  means a column was mixed up).
* Every value is a finite plain ASCII number (no ``nan``, ``inf``, ``1_000``).

Accepted as written by common tools: a UTF-8 byte-order mark, CRLF (or CR) line
endings, quoted fields, blank lines, spaces around names and values.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kleaderboard.errors import LossLogError, Problem
from kleaderboard.submission import untrusted
from kleaderboard.suggest import perhaps

REQUIRED = ("step", "tokens_seen", "loss")
OPTIONAL = ("learning_rate", "grad_norm", "eval_loss")
COLUMNS = REQUIRED + OPTIONAL
MAX_BYTES = 64 * 1024 * 1024
MAX_COUNT = 10**18  # steps and tokens: ~25,000x the largest pre-training run published so far
MAX_LOSS = 1000.0
MAX_PROBLEMS = 100  # past this, the parser stops and says so
INTEGERS = frozenset({"step", "tokens_seen"})
# The largest value of each column (all are 0 or more), as a number and as text.
HIGHEST: dict[str, tuple[float, str]] = {
    "step": (MAX_COUNT, "10^18"),
    "tokens_seen": (MAX_COUNT, "10^18"),
    "loss": (MAX_LOSS, "1,000"),
    "eval_loss": (MAX_LOSS, "1,000"),
    "learning_rate": (math.inf, ""),
    "grad_norm": (math.inf, ""),
}


class LossPoint(NamedTuple):
    """One logged step. A named tuple, not a dataclass: a log holds thousands, and loading
    5,000 submissions makes (and sends between processes) millions of them."""

    step: int
    tokens_seen: int
    loss: float
    learning_rate: float | None = None
    grad_norm: float | None = None
    eval_loss: float | None = None


@dataclass(frozen=True)
class LossLog:
    path: str
    points: tuple[LossPoint, ...]
    notes: tuple[str, ...] = ()  # the '#' lines above the header, without the '#'

    @property
    def first_loss(self) -> float:
        return self.points[0].loss

    @property
    def last_loss(self) -> float:
        return self.points[-1].loss

    @property
    def total_tokens(self) -> int:
        return self.points[-1].tokens_seen

    def __reduce__(
        self,
    ) -> tuple[Callable[..., LossLog], tuple[str, tuple[tuple[object, ...], ...], tuple[str, ...]]]:
        """Pickled column by column (a site build sends thousands of logs between processes):
        a point pickled as itself costs its class, a tuple and a memo entry besides its numbers,
        and half of a log's pickling time."""
        return _from_columns, (self.path, tuple(zip(*self.points, strict=True)), self.notes)


def _from_columns(path: str, columns: tuple[tuple[object, ...], ...], notes: tuple[str, ...]) -> LossLog:
    points = map(tuple.__new__, itertools.repeat(LossPoint), zip(*columns, strict=True))
    return LossLog(path, tuple(points), notes)  # LossPoints, made as LossPoint._make makes them


class _Stop(Exception):
    """Raised inside the parser when a problem means nothing after it can be read."""


class _Problems(list[Problem]):
    """The problems of one file, capped at MAX_PROBLEMS."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def add(self, field: str, message: str, fix: str) -> None:
        if len(self) >= MAX_PROBLEMS:
            self.append(
                Problem(self.file, field, f"stopped after {MAX_PROBLEMS} problems", "fix these first")
            )
            raise _Stop
        self.append(Problem(self.file, field, message, fix))


def read_loss_log(path: Path) -> LossLog:
    """Parse and check a loss log; raise LossLogError listing every problem."""
    return parse_loss_log(untrusted.read_text(path, MAX_BYTES, LossLogError), str(path))


def parse_loss_log(text: str, file: str) -> LossLog:
    """Parse loss-log CSV text (file is used in error messages only)."""
    problems = _Problems(file)
    points: list[LossPoint] = []
    notes: list[str] = []
    # newline=None: universal newlines, so CRLF and CR files read like LF ones.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=None))
    try:
        columns = _read_header(reader, problems, notes)
        plain = _plain_row_reader(columns)
        for line_no, row in _rows(reader, problems):
            point = plain(row) or _parse_row(row, columns, line_no, problems)
            if point is not None:
                _check_order(points, point, line_no, problems)
                points.append(point)
        if not points and not problems:
            problems.add("line 2", "no data rows", "add one row per logged step")
    except _Stop:
        pass
    if problems:
        raise LossLogError(problems)
    return LossLog(file, tuple(points), tuple(notes))


def _rows(reader: Iterator[list[str]], problems: _Problems) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their line numbers; a CSV syntax error stops the file."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", 0)
            problems.add(f"line {line}", f"cannot be read as CSV ({exc})", "write one plain row per line")
            raise _Stop from exc
        if any(cell.strip() for cell in row):
            yield getattr(reader, "line_num", 0), row


def _read_header(reader: Iterator[list[str]], problems: _Problems, notes: list[str]) -> list[str]:
    header = None
    for _, row in _rows(reader, problems):
        if not row[0].lstrip().startswith("#"):
            header = row
            break
        notes.append(",".join(row).lstrip().removeprefix("#").strip())
    if header is None:
        problems.add("line 1", "is empty", f"the first line is the header: {','.join(REQUIRED)}")
        raise _Stop
    columns = [name.strip() for name in header]
    if len(columns) == 1 and (sep := next((s for s in ";\t|" if s in columns[0]), None)):
        problems.add("line 1", f"columns are separated by {sep!r}", _SEPARATOR_FIX[sep])
        raise _Stop
    _check_columns(columns, problems)
    if problems:
        raise _Stop
    return columns


_SEPARATOR_FIX = {
    ";": "separate columns with commas (,)",
    "\t": "separate columns with commas (,)",
    # '|' is how Megatron-LM and NeMo print their training lines: a text log, not a table.
    "|": "this looks like a Megatron-LM or NeMo text log: convert it with "
    "'kleaderboard import-loss-log LOG --format megatron' (or --format nemo)",
}


def _check_columns(columns: list[str], problems: _Problems) -> None:
    seen: set[str] = set()
    for number, name in enumerate(columns, start=1):
        if not name:
            problems.add("header", f"column {number} has no name", f"name every column: {', '.join(COLUMNS)}")
        elif name in seen:
            problems.add("header", f"column '{name}' appears twice", "keep one column of each name")
        elif name not in COLUMNS:
            fix = perhaps(name.lower(), COLUMNS) or f"allowed: {', '.join(COLUMNS)}"
            problems.add("header", f"unknown column '{_short(name)}'", fix)
        seen.add(name)
    for name in REQUIRED:
        if name not in seen:
            problems.add(
                "header", f"missing column '{name}'", f"the header must include {', '.join(REQUIRED)}"
            )


def _plain_row_reader(columns: list[str]) -> Callable[[list[str]], LossPoint | None]:
    """A quick reader of a row whose every value is plain and in range (almost every row of a
    log): its point, or None, and then :func:`_parse_row` reads the row again and says what is
    wrong. It accepts only what _parse_row accepts, and gives the same values."""
    spec = [
        (name, name in INTEGERS, HIGHEST[name][0], name in OPTIONAL) for name in columns
    ]  # _read_header has checked the names
    width = len(columns)

    def read(row: list[str]) -> LossPoint | None:
        if len(row) != width:
            return None
        values: dict[str, float | int | None] = {}
        for (name, integer, high, optional), cell in zip(spec, row, strict=True):
            raw = cell.strip()
            if not raw:
                if not optional:
                    return None
                values[name] = None
                continue
            if not raw.isascii() or "_" in raw or (integer and len(raw) > 24):
                return None
            try:
                number: float | int = int(raw) if integer else float(raw)
            except ValueError:
                return None
            if not (0 <= number <= high and (integer or math.isfinite(number))):
                return None
            values[name] = number
        return LossPoint(**values)  # type: ignore[arg-type]  # the same keys and kinds as _parse_row's

    return read


def _parse_row(row: list[str], columns: list[str], line_no: int, problems: _Problems) -> LossPoint | None:
    if len(row) != len(columns):
        problems.add(
            f"line {line_no}",
            f"has {len(row)} values; the header has {len(columns)} columns",
            "one value per column, separated by commas; leave an optional value empty",
        )
        return None
    values: dict[str, float | int | None] = {}
    bad = False
    # Every cell is checked, so that one run of the validator names every problem of the row.
    for column, cell in zip(columns, row, strict=True):
        raw = cell.strip()
        if not raw and column in OPTIONAL:
            values[column] = None
            continue
        number = _number(raw, column, f"line {line_no}, {column}", problems)
        bad = bad or number is None
        values[column] = number
    if bad:
        return None
    return LossPoint(**values)  # type: ignore[arg-type]  # keys and number kinds are checked above


def _number(raw: str, column: str, where: str, problems: _Problems) -> float | int | None:
    """The value of one cell, or None after adding the problem with it."""
    if not raw:
        problems.add(where, "is empty", f"every row needs {', '.join(REQUIRED)}")
        return None
    try:
        # isascii and no '_': Python alone would also read '１' or '1_000'.
        if not raw.isascii() or "_" in raw:
            raise ValueError
        if column in INTEGERS and len(raw) > 24 and raw.lstrip("+-").isdigit():
            # int() refuses 4,300+ digits, and 25 digits are out of range anyway.
            number: float | int = -math.inf if raw.startswith("-") else math.inf
        else:
            number = int(raw) if column in INTEGERS else float(raw)
    except ValueError:
        problems.add(where, *_not_a_number(raw, column))
        return None
    high, high_text = HIGHEST[column]
    if not math.isfinite(number) and not raw.lstrip("+-").isdigit():
        problems.add(where, f"{raw} is not finite", _NOT_FINITE_FIX)
    elif number < 0:
        problems.add(where, f"{_short(raw)} is negative", _NEGATIVE_FIX[column])
    elif number > high:
        problems.add(where, f"{_short(raw)} is above {high_text}", _HIGH_FIX[column])
    else:
        return number
    return None


_NOT_FINITE_FIX = (
    "leave the row out: a step whose value overflowed is not part of the curve "
    "('kleaderboard import-loss-log' drops such rows and counts them in the log's header)"
)
_NEGATIVE_FIX = {
    "step": "steps count up from 0",
    "tokens_seen": "tokens_seen counts the tokens seen so far, from 0",
    "loss": "a cross-entropy is 0 or more: log the language-model loss itself",
    "eval_loss": "a cross-entropy is 0 or more: log the language-model loss itself",
    "learning_rate": "a learning rate is 0 or more: check the column order",
    "grad_norm": "a gradient norm is 0 or more: check the column order",
}
_HIGH_FIX = {
    "step": "check the column order",
    "tokens_seen": "tokens_seen counts tokens (not bytes or characters): check the units",
    "loss": "log the mean cross-entropy per token in nats, not a perplexity or a sum",
    "eval_loss": "log the mean cross-entropy per token in nats, not a perplexity or a sum",
}


def _not_a_number(raw: str, column: str) -> tuple[str, str]:
    if column in INTEGERS and raw.isascii() and "_" not in raw:
        try:
            float(raw)
        except ValueError:
            pass
        else:
            return f"{_short(raw)!r} is not a whole number", f"write {column} as an integer, e.g. 1000000"
    return f"{_short(raw)!r} is not a number", "write a plain number, e.g. 2.3456 or 1e-4"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _check_order(points: list[LossPoint], point: LossPoint, line_no: int, problems: _Problems) -> None:
    if not points:
        return
    previous = points[-1]
    if point.step == previous.step:
        problems.add(
            f"line {line_no}, step", f"{point.step} repeats the previous row's step", "keep one row per step"
        )
    elif point.step < previous.step:
        problems.add(
            f"line {line_no}, step",
            f"goes back from {previous.step} to {point.step}: a restart from a checkpoint?",
            f"a log is one line of training, not runs side by side: keep the resumed run's rows and drop the "
            f"earlier run's rows from step {point.step} on ('kleaderboard import-loss-log' does this and "
            "records the overlap)",
        )
    # After a step that went back, tokens going back is the same restart: one problem, not two.
    if point.tokens_seen < previous.tokens_seen and point.step >= previous.step:
        problems.add(
            f"line {line_no}, tokens_seen",
            f"{point.tokens_seen} is below the previous row",
            "tokens_seen counts all tokens so far and never decreases",
        )
