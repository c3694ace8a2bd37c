"""benchmarks/site_scale.py: its generated submissions are valid and varied, and its
plain-MkDocs floor builds the same number of pages."""

from __future__ import annotations

from kleaderboard.scoring.leaderboard import build_leaderboard
from kleaderboard.suites import load_suite

from .site_fixture import site_scale_module


def test_generated_submissions_all_load_and_vary(tmp_path):
    site_scale = site_scale_module()
    site_scale.write_submissions(tmp_path, 12)
    board = build_leaderboard(tmp_path / "submissions", load_suite("demo"))
    assert len(board.entries) == 12 and board.problems == ()
    assert len({e.submission.manifest.model.name for e in board.entries}) == 12
    ranked = [e for e in board.entries if e.rank is not None]
    assert len(ranked) >= 3
    assert len({round(e.overall.value, 3) for e in ranked if e.overall}) > 1  # scores vary


def test_the_floor_has_the_asked_number_of_pages(tmp_path):
    site_scale = site_scale_module()
    config = site_scale.write_config(tmp_path, 7)
    assert config.is_file()
    assert len(list((tmp_path / "docs" / "models").glob("*.md"))) == 7


def test_rounds_give_the_median_ratio_and_its_spread(tmp_path):
    site_scale = site_scale_module()
    figures = site_scale.measure(4, browser=False, folder=tmp_path, rounds=2)
    assert figures["rounds"] == 2 and figures["html_pages"] > 8
    assert 0 < figures["ratio_low"] <= figures["ratio"] <= figures["ratio_high"]
    assert figures["build_s"] > 0 and figures["plain_build_s"] > 0
