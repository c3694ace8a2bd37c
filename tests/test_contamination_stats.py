"""The contamination statistics (kleaderboard.contamination): pure functions, checked by hand."""

from __future__ import annotations

import math

import pytest

from kleaderboard import contamination as stats


def test_min_k_averages_the_least_likely_fifth() -> None:
    logps = [-0.1, -0.2, -5.0, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -4.0]
    assert stats.min_k_prob(logps) == pytest.approx((-5.0 - 4.0) / 2)
    assert stats.min_k_prob([-1.0, -2.0], k=0.2) == -2.0  # at least one token


def test_min_k_refuses_an_empty_item() -> None:
    with pytest.raises(ValueError, match="at least one token"):
        stats.min_k_prob([])


def test_normalised_token_score() -> None:
    assert stats.normalised_token_score(-1.0, -3.0, 4.0) == pytest.approx(1.0)
    assert stats.normalised_token_score(-1.0, -1.0, 0.0) == 0.0


def test_auc_counts_wins_and_half_ties() -> None:
    assert stats.auc([3, 4], [1, 2]) == 1.0
    assert stats.auc([1, 2], [3, 4]) == 0.0
    assert stats.auc([1, 3], [1, 2]) == pytest.approx((0.5 + 0 + 1 + 1) / 4)
    with pytest.raises(ValueError, match="both sides"):
        stats.auc([], [1])


def test_paired_gap_and_its_error() -> None:
    gap = stats.paired_gap([1, 1, 0, 1], [0, 1, 0, 0])
    assert (gap.published, gap.perturbed, gap.value, gap.n) == (0.75, 0.25, 0.5, 4)
    # differences 1, 0, 0, 1: sample sd = sqrt(1/3), stderr = sd / 2
    assert gap.stderr == pytest.approx(math.sqrt(1 / 3) / 2)
    assert stats.paired_gap([1], [0]).stderr is None
    with pytest.raises(ValueError, match="same non-empty items"):
        stats.paired_gap([1, 0], [1])


def test_z_against_the_clean_panel() -> None:
    position = stats.z_against(0.9, [0.5, 0.52, 0.48])
    assert position.z == pytest.approx((0.9 - 0.5) / 0.02)
    assert position.unusual
    assert not stats.z_against(0.51, [0.5, 0.52, 0.48]).unusual
    assert stats.z_against(0.9, [0.5]).z is None  # one model gives no spread
    # a near-identical panel: the spread's floor keeps a tiny difference ordinary
    assert stats.z_against(0.505, [0.5, 0.5]).z == pytest.approx(0.5)
