"""The charts page's per-family timeline: versions in the order they were made, with scores."""

from __future__ import annotations

from pathlib import Path

from kleaderboard.scoring.leaderboard import build_leaderboard
from kleaderboard.site import pages
from kleaderboard.site.timeline import family_timelines
from kleaderboard.suites import load_suite
from tests.test_lineage import continued, manifest, write


def _board(root: Path):
    write(root, "example-lab/example-7b-v1", manifest(lineage={"family": "Example", "version": "v1"}))
    # v10 continues v2, which continues v1: chain order, not text order ("v10" < "v2")
    write(root, "example-lab/example-7b-v10", continued("example-lab/example-7b-v2", "fine_tuning", "v10"))
    write(root, "example-lab/example-7b-v2", continued("example-lab/example-7b-v1"))
    write(root, "example-lab/other", manifest())  # no lineage: not in any timeline
    return build_leaderboard(root, load_suite("demo"))


def test_versions_follow_the_chain_with_their_steps(tmp_path: Path) -> None:
    (family,) = family_timelines(_board(tmp_path))
    assert family.family == "Example"
    assert [row.version for row in family.versions] == ["v1", "v2", "v10"]
    assert [row.step.en for row in family.versions] == ["start", "continued pre-training", "fine-tuning"]
    assert [row.parent_version for row in family.versions] == ["", "v1", "v2"]
    assert [row.run_date for row in family.versions] == ["—"] * 3  # no run yet: nothing measured


def test_the_charts_page_shows_the_timeline_in_both_languages(tmp_path: Path) -> None:
    rendered = pages.render_pages(_board(tmp_path), pages.Links(use_directory_urls=False))
    english = rendered["en/charts.md"]
    section = english[english.index('id="families"') :]
    assert "Versions of each family and their scores" in section
    assert section.index(">v1<") < section.index(">v2<") < section.index(">v10<")
    assert "fine-tuning ← v2" in section
    assert 'href="models/example-lab/example-7b-v10.html"' in section
    korean = rendered["charts.md"]
    assert "계열별 버전과 점수" in korean and "미세조정 ← v2" in korean


def test_without_lineage_the_timeline_says_so(tmp_path: Path) -> None:
    write(tmp_path, "example-lab/other", manifest())
    board = build_leaderboard(tmp_path, load_suite("demo"))
    assert family_timelines(board) == ()
    english = pages.render_pages(board, pages.Links(use_directory_urls=False))["en/charts.md"]
    assert "No model declares a family and version (originality.lineage) yet." in english
