"""The null panel: each statistic's values between models known to be independent.

A raw statistic means nothing alone: two unrelated models of one shape family trained on
similar data already agree somewhat. So each score is placed on the distribution of the
same statistic over every ordered pair of independent models of the same family (trained
from zero with different seeds, or public models with documented independent origins), and
reported as a z-score and percentile. A score is *flagged* only when it is an exact tensor
match, or lies above every null value and at least :data:`FLAG_Z` standard deviations above
their mean; it is never turned into a verdict about the whole model.
"""

from __future__ import annotations

import itertools
import statistics as stats
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # comparing needs numpy; reading a record (the site) does not
    from kleaderboard.provenance.fingerprint import Fingerprint

NULL_PANEL_VERSION: Final = 1
FLAG_Z = 4.0
MIN_SPREAD = 1e-3  # a null that never moves still leaves room for rounding


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NullDistribution(_Model):
    """One statistic's values over independent pairs, for one component kind of one family."""

    family: str
    kind: str
    statistic: str
    values: list[float]

    @property
    def key(self) -> tuple[str, str, str]:
        return self.family, self.kind, self.statistic


class NullPanel(_Model):
    """Every null distribution, and the models whose pairs made it."""

    null_panel_version: Literal[1] = NULL_PANEL_VERSION
    models: list[str] = Field(description="Source of each independent model in the panel.")
    distributions: list[NullDistribution]

    def find(self, family: str, kind: str, statistic: str) -> NullDistribution | None:
        return next((d for d in self.distributions if d.key == (family, kind, statistic)), None)


class Calibrated(_Model):
    """One score placed on its null distribution."""

    component: str
    kind: str = Field(
        description="embeddings, attention, mlp, final, vision or audio: which null it is placed on."
    )
    statistic: str
    value: float
    matched: str = Field(description="The reference component it matched best.")
    z: float | None = Field(description="(value - null mean) / null spread; None without a null.")
    percentile: float | None = Field(description="Share of null values at or below this value, 0..100.")
    null_size: int
    flagged: bool


def build_panel(independent: list[Fingerprint]) -> NullPanel:
    """The null panel from fingerprints of independent models (every ordered pair of one family)."""
    from kleaderboard.provenance.comparison import compare

    collected: dict[tuple[str, str, str], list[float]] = {}
    for a, b in itertools.permutations(independent, 2):
        for score in compare(a, b):
            collected.setdefault((a.family, score.kind, score.statistic), []).append(round(score.value, 6))
    return NullPanel(
        models=[f.source for f in independent],
        distributions=[
            NullDistribution(family=f, kind=k, statistic=s, values=sorted(v))
            for (f, k, s), v in sorted(collected.items())
        ],
    )


def calibrate(
    value: float, statistic: str, null: NullDistribution | None
) -> tuple[float | None, float | None, bool]:
    """(z, percentile, flagged) of one value against its null; an exact match is flagged without one."""
    exact = statistic == "exact" and value > 0
    if null is None or len(null.values) < 2:
        return None, None, exact
    mean = stats.fmean(null.values)
    spread = max(stats.pstdev(null.values), MIN_SPREAD)
    z = (value - mean) / spread
    percentile = 100.0 * sum(1 for v in null.values if v <= value) / len(null.values)
    flagged = exact or (value > max(null.values) and z >= FLAG_Z)
    return z, percentile, flagged


def score(candidate: Fingerprint, reference: Fingerprint, panel: NullPanel) -> list[Calibrated]:
    """Every statistic of every candidate component against reference, calibrated on the panel."""
    from kleaderboard.provenance.comparison import compare

    out = []
    for raw in compare(candidate, reference):
        null = panel.find(candidate.family, raw.kind, raw.statistic)
        z, percentile, flagged = calibrate(raw.value, raw.statistic, null)
        out.append(
            Calibrated(
                component=raw.component,
                kind=raw.kind,
                statistic=raw.statistic,
                value=round(raw.value, 6),
                matched=raw.matched,
                z=None if z is None else round(z, 3),
                percentile=None if percentile is None else round(percentile, 2),
                null_size=0 if null is None else len(null.values),
                flagged=flagged,
            )
        )
    return out
