"""After a suite bump, until the re-runs land: earlier-version rows stay visible, labelled, unranked."""

from __future__ import annotations

from kleaderboard.scoring.leaderboard import build_leaderboard
from kleaderboard.site import pages
from kleaderboard.suites import load_suite
from tests.site_fixture import SUBMISSIONS, entry, to_html


def bumped_board():  # -> Leaderboard: the fixture repository, scored on demo v2 (its records are v1)
    demo = load_suite("demo")
    return build_leaderboard(SUBMISSIONS, demo.model_copy(update={"version": demo.version + 1}))


def test_rows_scored_on_the_earlier_version_stay_visible_labelled_and_unranked() -> None:
    board = bumped_board()
    alpha = entry(board, "alpha-lab/hangul-7b")
    assert alpha.status == "previous" and alpha.status_text == ("이전 버전 점수", "earlier suite version")
    assert alpha.run is None and alpha.overall is None and alpha.rank is None
    assert alpha.previous is not None and alpha.previous.suite_version == 1
    assert all(e.rank is None for e in board.entries)  # nothing is compared across versions


def test_the_current_version_wins_once_its_run_lands() -> None:
    board = build_leaderboard(SUBMISSIONS, load_suite("demo"))
    alpha = entry(board, "alpha-lab/hangul-7b")
    assert alpha.status == "evaluated" and alpha.previous is None


def test_the_model_page_shows_the_earlier_run_with_its_version() -> None:
    board = bumped_board()
    rendered = pages.render_pages(board, pages.Links(use_directory_urls=False))
    html = to_html(rendered["en/models/alpha-lab/hangul-7b.md"])
    assert "earlier suite version" in html
    assert "Run on an earlier suite version" in html
    assert "<code>demo</code> v1 · <code>20250601T100000Z-a1b2c3</code>" in html  # its own version
    assert "shown until the re-run on v2 lands" in html
    index = to_html(rendered["en/index.md"])
    assert "earlier suite version" in index
