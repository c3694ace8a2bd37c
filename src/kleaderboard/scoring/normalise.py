"""Scoring: pure functions from raw task scores to normalised scores and indices.

The formulas (also on the site's methodology page):

* normalised task score ``n = 100 * (s - c) / (1 - c)`` where ``s`` is the raw
  metric in [0, 1] and ``c`` the task's chance level from the suite. 0 means
  random guessing, 100 a perfect score; below-chance results stay negative, on
  purpose, rather than being clipped away.
* its standard error ``se_n = 100 * se_s / (1 - c)``.
* category index: the weighted mean of the normalised scores of the category's
  tasks, ``I = sum(w_i n_i) / sum(w_i)``, with
  ``se_I = sqrt(sum(w_i^2 se_i^2)) / sum(w_i)`` (tasks treated as independent).
* overall index: the unweighted mean of the category indices, with the same
  error propagation. A model missing any task of a category has no index for it,
  and then no overall index: partial results are never ranked against full ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    """A value with its standard error (None when unknown)."""

    value: float
    stderr: float | None = None


def normalise(score: float, stderr: float | None, chance: float) -> Estimate:
    """Map a raw score in [0, 1] to 0 = chance, 100 = perfect."""
    if not 0 <= chance < 1:
        raise ValueError(f"chance must be in [0, 1), got {chance}")
    scale = 100.0 / (1.0 - chance)
    return Estimate((score - chance) * scale, None if stderr is None else stderr * scale)


def weighted_mean(items: Sequence[tuple[Estimate, float]]) -> Estimate | None:
    """Weighted mean of estimates; None if there are none. Stderr is None if any is unknown."""
    if not items:
        return None
    total = sum(weight for _, weight in items)
    value = sum(est.value * weight for est, weight in items) / total
    known = [(est.stderr, weight) for est, weight in items if est.stderr is not None]
    if len(known) < len(items):
        return Estimate(value, None)
    variance = sum((weight * stderr) ** 2 for stderr, weight in known)
    return Estimate(value, math.sqrt(variance) / total)


def index(estimates: Sequence[Estimate | None], weights: Sequence[float]) -> Estimate | None:
    """A category or overall index: None unless every part is present."""
    present = [est for est in estimates if est is not None]
    if len(present) < len(estimates):
        return None
    return weighted_mean(list(zip(present, weights, strict=True)))


def rank(values: Sequence[float | None]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4) by descending value; None stays unranked."""
    first_position: dict[float, int] = {}
    for position, value in enumerate(sorted((v for v in values if v is not None), reverse=True), 1):
        first_position.setdefault(value, position)
    return [None if value is None else first_position[value] for value in values]
