"""Contamination statistics: pure functions over per-item numbers, no model, no I/O.

Two signals, both read against controls the model cannot have seen:

- **Perturbation gap**: a task scored as published minus the same items with their
  options shuffled (letters remapped) and the prompt frame reworded. A model that learnt
  the items, not the skill, loses more than sampling explains. The gap's standard error
  comes from the paired per-item differences.
- **Membership**: Min-K% Prob (Shi et al., ICLR 2024) and Min-K%++ (Zhang et al., 2024)
  per item, from the log-probability of each token of the item as published, against the
  same statistic on one task's private items: same style, same prompt frame, never
  published (members and non-members of one distribution, as the literature evaluates
  these). The AUC says how often a published item looks more familiar than a private one;
  a z-score places that AUC among models known clean, since a clean model's AUC is not
  exactly 0.5 when the private items are a little easier or harder for every model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

MIN_K_FRACTION: Final = 0.2  # Shi et al.'s default k = 20 % of the tokens
# z at which the site marks a signal as unusual (about 0.1 % of a normal null). One-sided:
# published items looking *less* familiar than the clean models say is no sign of having seen them.
FLAG_Z: Final = 3.0


def min_k_prob(token_logprobs: Sequence[float], k: float = MIN_K_FRACTION) -> float:
    """Min-K% Prob: the mean log-probability of the k fraction of least likely tokens.

    Higher (closer to 0) means the text is more familiar to the model.
    """
    if not token_logprobs:
        raise ValueError("Min-K% needs at least one token")
    count = max(1, math.ceil(len(token_logprobs) * k))
    return sum(sorted(token_logprobs)[:count]) / count


def min_k_plus_plus(token_scores: Sequence[float], k: float = MIN_K_FRACTION) -> float:
    """Min-K%++: Min-K% over tokens already normalised by the model's own distribution.

    Each token's score is ``(log p(x_t) - mu_t) / sigma_t`` where ``mu_t`` and ``sigma_t`` are
    the mean and standard deviation of ``log p(z)`` for ``z`` drawn from the model's
    next-token distribution at that position (see :func:`normalised_token_score`).
    """
    return min_k_prob(token_scores, k)


def normalised_token_score(logprob: float, mean: float, variance: float) -> float:
    """One token's Min-K%++ score; a certain position (variance 0) scores 0."""
    if variance <= 0:
        return 0.0
    return (logprob - mean) / math.sqrt(variance)


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Mann-Whitney AUC: P(a positive scores above a negative), ties counted half."""
    if not positives or not negatives:
        raise ValueError("an AUC needs items on both sides")
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


@dataclass(frozen=True)
class Gap:
    """Published score minus perturbed score over the same items, with its paired error."""

    published: float
    perturbed: float
    value: float
    stderr: float | None
    n: int


def paired_gap(published: Sequence[float], perturbed: Sequence[float]) -> Gap:
    """The mean of per-item differences and its standard error (None with one item)."""
    if len(published) != len(perturbed) or not published:
        raise ValueError("a paired gap needs the same non-empty items on both sides")
    diffs = [a - b for a, b in zip(published, perturbed, strict=True)]
    n = len(diffs)
    mean = sum(diffs) / n
    stderr = None
    if n > 1:
        var = sum((d - mean) ** 2 for d in diffs) / (n - 1)
        stderr = math.sqrt(var / n)
    return Gap(sum(published) / n, sum(perturbed) / n, mean, stderr, n)


@dataclass(frozen=True)
class NullPosition:
    """Where one model's value falls among models known clean."""

    z: float | None
    null_mean: float
    null_sd: float
    n_null: int

    @property
    def unusual(self) -> bool:
        return self.z is not None and self.z >= FLAG_Z


def auc_null_se(n_items: int, n_controls: int) -> float:
    """The standard error of a Mann-Whitney AUC when items and controls do not differ:
    sqrt((n + m + 1) / (12 n m)), about 0.075 for 40 items against 24 controls."""
    if n_items < 1 or n_controls < 1:
        raise ValueError("an AUC's error needs items on both sides")
    return math.sqrt((n_items + n_controls + 1) / (12 * n_items * n_controls))


def z_against(value: float, null: Sequence[float], floor: float = 0.01) -> NullPosition:
    """z-score of value in the null panel; None when the panel cannot give a spread.

    The spread has a floor: a few clean models can sit closer together by chance than
    their AUCs' own sampling error allows, and would then make any small difference look
    enormous. Callers pass that error (:func:`auc_null_se`); 0.01 AUC at least.
    """
    n = len(null)
    mean = sum(null) / n if n else 0.0
    if n < 2:
        return NullPosition(None, mean, 0.0, n)
    sd = math.sqrt(sum((v - mean) ** 2 for v in null) / (n - 1))
    return NullPosition((value - mean) / max(sd, floor, 0.01), mean, sd, n)
