"""The statistics survive the tricks they must survive, and the raw norm cosine fails where it must."""

from __future__ import annotations

import numpy as np

from kleaderboard.provenance import statistics as st
from kleaderboard.provenance.null_panel import NullDistribution, calibrate

RNG = np.random.default_rng(0)
HIDDEN, INNER, PROBE = 48, 96, 24


def _layer() -> tuple[np.ndarray, list[np.ndarray]]:
    norm = 1.0 + 0.1 * RNG.standard_normal(HIDDEN)
    return norm, [RNG.standard_normal((INNER, HIDDEN)) * RNG.uniform(0.5, 1.5, HIDDEN) for _ in range(2)]


def test_unrelated_positive_norms_have_a_high_raw_cosine_but_a_centred_correlation_near_zero() -> None:
    a, b = 1.0 + 0.05 * RNG.standard_normal(4096), 1.0 + 0.05 * RNG.standard_normal(4096)
    assert st.raw_cosine(a, b) > 0.99
    assert abs(st.centred_correlation(a, b)) < 0.06


def test_folded_profile_ignores_scale_moved_between_norm_and_next_layer() -> None:
    norm, weights = _layer()
    scale = RNG.uniform(0.25, 4.0, HIDDEN)
    moved = st.folded_profile(norm * scale, [w / scale for w in weights], [1.0, 1.0])
    assert np.allclose(moved, st.folded_profile(norm, weights, [1.0, 1.0]))
    assert st.centred_correlation(norm * scale, norm) < 0.5  # the bare norm vectors no longer agree


def test_functional_gram_and_spectrum_ignore_permutations_signs_and_rescaling() -> None:
    norm, weights = _layer()
    probe = st.normalise_rows(RNG.standard_normal((PROBE, HIDDEN)))
    perm, inner = RNG.permutation(HIDDEN), RNG.permutation(INNER)
    signs = RNG.choice([-1.0, 1.0], HIDDEN)
    scale = RNG.uniform(0.5, 2.0, HIDDEN)
    disguised = [(w[:, perm] * signs / scale[perm])[inner] for w in weights]
    norm2, probe2 = norm[perm] * scale[perm], probe[:, perm] * signs
    gram = st.functional_gram(probe, norm, weights, [1.0, 1.0])
    assert np.allclose(st.functional_gram(probe2, norm2, disguised, [1.0, 1.0]), gram)
    assert st.gram_cka(gram, 3.0 * gram) > 0.999999
    spectrum = st.folded_spectrum(norm, weights, [1.0, 1.0], 16)
    # The spectrum is estimated from evenly spread rows, so it ignores what is done to the hidden
    # (input) side; a permutation of output rows changes which rows are read.
    hidden_side = [w[:, perm] * signs / scale[perm] for w in weights]
    assert np.allclose(st.folded_spectrum(norm2, hidden_side, [1.0, 1.0], 16), spectrum)


def test_alignment_recovers_a_permutation_with_sign_flips() -> None:
    probe = RNG.standard_normal((PROBE, HIDDEN))
    perm = RNG.permutation(HIDDEN)
    signs = RNG.choice([-1.0, 1.0], HIDDEN)
    order, found = st.align_hidden(probe, probe[:, perm] * signs)
    assert np.array_equal(perm[order], np.arange(HIDDEN))
    assert np.array_equal(found, signs[order])


def test_calibration_reports_z_and_percentile_and_flags_only_above_the_whole_null() -> None:
    null = NullDistribution(family="f", kind="mlp", statistic="norm", values=[0.0, 0.1, 0.2, 0.1, 0.05])
    z, percentile, flagged = calibrate(0.9, "norm", null)
    assert z is not None and z > 10 and percentile == 100.0 and flagged
    z, percentile, flagged = calibrate(0.1, "norm", null)
    assert percentile == 80.0 and not flagged
    assert calibrate(0.5, "exact", None) == (None, None, True)  # an exact copy needs no null
    assert calibrate(0.5, "norm", None) == (None, None, False)  # without a null, no flag
