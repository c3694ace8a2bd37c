"""Rank ranges: overlapping 95 % intervals make ties visible."""

from __future__ import annotations

import dataclasses

from kleaderboard.scoring.normalise import Estimate
from kleaderboard.site import pages, rank_ranges
from kleaderboard.site.downloads import LeaderboardFile, download_files

from .site_fixture import to_html

LINKS = pages.Links(use_directory_urls=False)


def _with_overall(board, values):
    """The board with its evaluated entries given these (value, stderr), ranked in this order."""
    evaluated = [e for e in board.entries if e.overall is not None]
    changed = [
        dataclasses.replace(e, overall=Estimate(value, stderr), rank=rank)
        for rank, (e, (value, stderr)) in enumerate(zip(evaluated, values, strict=True), start=1)
    ]
    rest = [e for e in board.entries if e.overall is None]
    return dataclasses.replace(board, entries=(*changed, *rest)), [e.id for e in changed]


def test_overlapping_intervals_share_a_range_and_apart_ones_do_not(board):
    overlapping, ids = _with_overall(board, [(60.0, 3.0), (55.0, 3.0)])  # 54.1–65.9 and 49.1–60.9
    assert rank_ranges.rank_ranges(overlapping.entries) == {ids[0]: (1, 2), ids[1]: (1, 2)}
    apart, ids = _with_overall(board, [(60.0, 1.0), (40.0, 1.0)])
    assert rank_ranges.rank_ranges(apart.entries) == {ids[0]: (1, 1), ids[1]: (2, 2)}


def test_unranked_entries_have_no_range(board):
    ranges = rank_ranges.rank_ranges(board.entries)
    assert set(ranges) == {e.id for e in board.entries if e.rank is not None}
    assert rank_ranges.range_text(None) == rank_ranges.range_text((3, 3)) == ""
    assert rank_ranges.range_text((1, 4)) == "1–4"


def test_the_leaderboard_and_its_json_show_the_range(board):
    overlapping, ids = _with_overall(board, [(60.0, 3.0), (55.0, 3.0)])
    html = to_html(pages.leaderboard_page(overlapping, LINKS))
    assert html.count('class="kl-rank-range"') == 2 and ">1–2</small>" in html
    data = LeaderboardFile.model_validate_json(download_files(overlapping, LINKS.url)["leaderboard.json"])
    assert {row.id: row.rank_range for row in data.rows if row.rank_range} == {ids[0]: [1, 2], ids[1]: [1, 2]}
