"""Pre-training loss logs (``loss_log.csv``): parsing and format checks.

Columns: ``step, tokens_seen, loss, learning_rate`` and optionally ``grad_norm``
and ``eval_loss``. Steps and tokens must increase; every value must be finite.
Errors name the line so a team can find it.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from . import safe_yaml
from .errors import LossLogError, Problem

REQUIRED = ("step", "tokens_seen", "loss", "learning_rate")
OPTIONAL = ("grad_norm", "eval_loss")
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class LossPoint:
    step: int
    tokens_seen: int
    loss: float
    learning_rate: float
    grad_norm: float | None = None
    eval_loss: float | None = None


@dataclass(frozen=True)
class LossLog:
    path: str
    points: tuple[LossPoint, ...]

    @property
    def first_loss(self) -> float:
        return self.points[0].loss

    @property
    def last_loss(self) -> float:
        return self.points[-1].loss

    @property
    def total_tokens(self) -> int:
        return self.points[-1].tokens_seen


def read_loss_log(path: Path) -> LossLog:
    """Parse and check a loss log; raise LossLogError listing every problem."""
    text = safe_yaml.read_text(path, MAX_BYTES)
    return parse_loss_log(text, str(path))


def parse_loss_log(text: str, file: str) -> LossLog:
    """Parse loss-log CSV text (file is used in error messages only)."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    problems = [
        Problem(file, "header", f"missing column '{c}'", f"the header must include {', '.join(REQUIRED)}")
        for c in missing
    ] + [
        Problem(file, "header", f"unknown column '{c}'", f"allowed: {', '.join(REQUIRED + OPTIONAL)}")
        for c in unknown
    ]
    if problems:
        raise LossLogError(problems)
    points: list[LossPoint] = []
    for line_no, row in enumerate(reader, start=2):
        point = _parse_row(row, file, line_no, problems)
        if point is not None:
            _check_order(points, point, file, line_no, problems)
            points.append(point)
    if not points and not problems:
        problems.append(Problem(file, "line 2", "no data rows", "add one row per logged step"))
    if problems:
        raise LossLogError(problems)
    return LossLog(file, tuple(points))


def _parse_row(row: dict, file: str, line_no: int, problems: list[Problem]) -> LossPoint | None:
    values: dict[str, float | int | None] = {}
    for column in REQUIRED + OPTIONAL:
        raw = (row.get(column) or "").strip()
        if not raw and column in OPTIONAL:
            values[column] = None
            continue
        try:
            number = int(raw) if column in ("step", "tokens_seen") else float(raw)
        except ValueError:
            problems.append(
                Problem(file, f"line {line_no}, {column}", f"{raw!r} is not a number", "write a plain number")
            )
            return None
        if isinstance(number, float) and not math.isfinite(number):
            problems.append(
                Problem(file, f"line {line_no}, {column}", f"{raw} is not finite", "log finite values only")
            )
            return None
        values[column] = number
    return LossPoint(**values)  # type: ignore[arg-type]


def _check_order(
    points: list[LossPoint], point: LossPoint, file: str, line_no: int, problems: list[Problem]
) -> None:
    if not points:
        return
    previous = points[-1]
    if point.step <= previous.step:
        problems.append(
            Problem(file, f"line {line_no}, step", f"{point.step} does not increase", "sort rows by step")
        )
    if point.tokens_seen < previous.tokens_seen:
        problems.append(
            Problem(
                file,
                f"line {line_no}, tokens_seen",
                f"{point.tokens_seen} is below the previous row",
                "tokens_seen counts all tokens so far and never decreases",
            )
        )
