"""Scoring formulas: normalisation, error propagation, indices and ranking."""

from __future__ import annotations

import math

import pytest

from kleaderboard.scoring.normalise import Estimate, index, normalise, rank, weighted_mean


def test_chance_maps_to_zero_and_perfect_to_hundred() -> None:
    assert normalise(0.25, None, 0.25).value == 0
    assert normalise(1.0, None, 0.25).value == 100
    assert normalise(0.625, 0.01, 0.25) == Estimate(50.0, pytest.approx(100 / 75))


def test_below_chance_stays_negative() -> None:
    assert normalise(0.0, None, 0.5).value == -100


def test_generative_tasks_with_zero_chance_are_percentages() -> None:
    assert normalise(0.42, 0.02, 0.0) == Estimate(pytest.approx(42.0), pytest.approx(2.0))


def test_invalid_chance_is_rejected() -> None:
    with pytest.raises(ValueError, match="chance must be in"):
        normalise(0.5, None, 1.0)


def test_weighted_mean_propagates_independent_errors() -> None:
    result = weighted_mean([(Estimate(10, 3), 1.0), (Estimate(20, 4), 1.0)])
    assert result == Estimate(15, pytest.approx(math.sqrt(9 + 16) / 2))
    weighted = weighted_mean([(Estimate(10, None), 3.0), (Estimate(20, 1), 1.0)])
    assert weighted == Estimate(12.5, None)


def test_index_is_none_when_a_part_is_missing() -> None:
    assert index([Estimate(1), None], [1, 1]) is None
    assert index([Estimate(1), Estimate(3)], [1, 1]) == Estimate(2, None)


def test_rank_uses_competition_ranking_and_leaves_missing_unranked() -> None:
    assert rank([50, None, 70, 50, 10]) == [2, None, 1, 2, 4]


def test_index_refuses_more_estimates_than_weights() -> None:
    with pytest.raises(ValueError, match=r"^zip\(\) argument 2 is shorter than argument 1$"):
        index([Estimate(50.0, None), Estimate(60.0, None)], [1.0])


def test_index_refuses_fewer_estimates_than_weights() -> None:
    with pytest.raises(ValueError, match=r"^zip\(\) argument 2 is longer than argument 1$"):
        index([Estimate(50.0, None)], [1.0, 1.0])
