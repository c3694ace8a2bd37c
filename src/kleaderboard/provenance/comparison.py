"""Comparing two fingerprints component by component: raw statistics, before any calibration.

A candidate's layer is compared with every reference layer of the same kind and the best
match is kept (a depth up-scaled model repeats its base's layers in new places); the null
panel is built by this same function, so the maximum over layers is calibrated too. A vision
or audio encoder is compared only with the reference's encoder of the same kind, by exact
matches, in any shape family.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kleaderboard.provenance import statistics as st
from kleaderboard.provenance.fingerprint import ENCODER_KINDS, ComponentPrint, Fingerprint

STATISTICS = ("exact", "norm", "gram", "spectrum")


@dataclass(frozen=True)
class RawScore:
    """One statistic of one candidate component against its best-matching reference component."""

    component: str
    kind: str
    statistic: str
    value: float
    matched: str  # the reference component it matched best


def _gram(values: list[float]) -> np.ndarray:
    n = int((np.sqrt(8 * len(values) + 1) - 1) / 2)
    gram = np.zeros((n, n))
    gram[np.triu_indices(n)] = values
    return gram + np.triu(gram, 1).T


def _exact(a: ComponentPrint, b: ComponentPrint) -> float:
    if not a.hashes:
        return 0.0
    return sum(1 for d in a.hashes.values() if d in set(b.hashes.values())) / len(a.hashes)


def comparable(candidate: Fingerprint, reference: Fingerprint) -> bool:
    """Same shape family: the probe tokens and hidden units can be lined up."""
    return candidate.family == reference.family


def _encoder_scores(candidate: Fingerprint, reference: Fingerprint) -> list[RawScore]:
    """A vision or audio encoder against the reference's encoder of the same kind: exact matches only.

    Any shape family: a frozen encoder reused beside another language model is still the same bytes.
    """
    scores = []
    for component in candidate.components:
        if component.kind not in ENCODER_KINDS:
            continue
        for other in reference.components:
            if other.kind == component.kind:
                value = _exact(component, other)
                scores.append(RawScore(component.name, component.kind, "exact", value, other.name))
    return scores


def compare(candidate: Fingerprint, reference: Fingerprint) -> list[RawScore]:
    """Every statistic of every candidate component, each against its best reference match."""
    if not comparable(candidate, reference):
        return _encoder_scores(candidate, reference)
    order, _signs = st.align_hidden(np.asarray(reference.probe), np.asarray(candidate.probe))
    # candidate.profile[order] lines up with reference.profile, unit by unit
    scores: list[RawScore] = []
    for component in candidate.components:
        if component.kind in ENCODER_KINDS:
            continue
        best: dict[str, tuple[float, str]] = {}
        for other in reference.components:
            if other.kind != component.kind:
                continue
            for statistic, value in _aligned(component, other, order).items():
                if statistic not in best or value > best[statistic][0]:
                    best[statistic] = (value, other.name)
        scores.extend(
            RawScore(component.name, component.kind, statistic, value, matched)
            for statistic, (value, matched) in sorted(best.items())
        )
    return scores + _encoder_scores(candidate, reference)


def _aligned(candidate: ComponentPrint, reference: ComponentPrint, order: np.ndarray) -> dict[str, float]:
    scores = {
        "exact": _exact(candidate, reference),
        "gram": st.gram_cka(_gram(candidate.gram), _gram(reference.gram)),
    }
    # The final norm folds into the output head, which is the embedding itself when tied: the
    # matrix that aligned the hidden units. Its profile would partly measure the alignment.
    if candidate.kind != "final" and candidate.profile and len(candidate.profile) == len(reference.profile):
        scores["norm"] = st.centred_correlation(
            np.asarray(candidate.profile)[order], np.asarray(reference.profile)
        )
    if candidate.spectrum and reference.spectrum:
        scores["spectrum"] = st.spectrum_correlation(
            np.asarray(candidate.spectrum), np.asarray(reference.spectrum)
        )
    return scores
