"""The teams' claims board: declared and external figures, kept apart from the measured ranking."""

from __future__ import annotations

import dataclasses
import re

from kleaderboard.site import claims_board as claims
from kleaderboard.site import pages

from .site_fixture import entry, to_html

ALPHA = "alpha-lab/hangul-7b"
HOSTILE = "beta-ai/beta-moe"
GAMMA = "gamma/pending-model"


def test_columns_are_benchmarks_most_reported_first(board):
    table = claims.claims_board(board)
    # KoBEST twice (beta, gamma), KMMLU once; names come from the canonical catalogue
    assert table.benchmarks == ("KoBEST", "KMMLU")
    # one claim each: by model name (Beta-MoE…, Gamma-1B, Hangul-7B)
    assert [row.entry.id for row in table.rows] == [HOSTILE, GAMMA, ALPHA]


def test_a_model_reporting_more_benchmarks_comes_first(board):
    alpha = entry(board, ALPHA)
    (kmmlu,) = alpha.submission.manifest.self_reported
    other = kmmlu.model_copy(update={"benchmark": "HAE-RAE Bench"})
    more = [kmmlu, other, kmmlu.model_copy(update={"value": 1})]
    manifest = alpha.submission.manifest.model_copy(update={"self_reported": more})
    richer = dataclasses.replace(alpha, submission=dataclasses.replace(alpha.submission, manifest=manifest))
    others = tuple(e for e in board.entries if e.id != ALPHA)
    table = claims.claims_board(dataclasses.replace(board, entries=(*others, richer)))
    assert table.rows[0].entry.id == ALPHA
    column = table.benchmarks.index("KMMLU")
    assert [c.value for c in table.rows[0].cells[column]] == [52.3, 1]  # two figures, one cell


def test_every_cell_keeps_mode_shots_and_source(board):
    row = claims.claim_row(entry(board, ALPHA), ("KoBEST", "KMMLU", "absent"))
    kobest, kmmlu, absent = row.cells
    assert kobest == absent == ()
    (item,) = kmmlu
    assert (item.value, item.mode, item.n_shot, item.setting) == (52.3, "base", 5, "base · 5-shot")
    assert item.source == "https://alpha-lab.example.org/hangul-7b-report.pdf"
    assert row.reported == 1
    (gamma,) = claims.claim_row(entry(board, GAMMA), ("KoBEST",)).cells[0]
    assert gamma.setting == "instruct · —"  # shots not stated


def test_models_without_claims_are_left_off(board):
    ids = {row.entry.id for row in claims.claims_board(board).rows}
    silent = {e.id for e in board.entries if not e.submission.manifest.self_reported}
    assert silent and not ids & silent


def test_external_figures_are_their_own_kind(board):
    (item,) = claims.claims_board(board).external
    assert item.entry.id == GAMMA
    assert item.standing.leaderboard == "Artificial Analysis Intelligence Index"
    assert (item.value_text, item.date_text) == ("21.5", "2026-01-15")


def test_claims_page_links_sources_and_labels_every_cell_declared(rendered):
    html = to_html(rendered[claims.CLAIMS_URI])
    cells = re.findall(r'<div class="kl-claim" data-provenance="declared">(.*?)</div>', html)
    assert len(cells) == 3
    source = "https://alpha-lab.example.org/hangul-7b-report.pdf"
    assert f'<a href="{source}" rel="nofollow noopener">52.3</a>' in cells[2]
    assert "kl-badge--external" in html and 'data-provenance="external"' in html
    assert "<script>alert(1)</script>" not in html  # a team's benchmark name stays text


def test_claims_page_never_shows_measured_figures(board, rendered):
    html = rendered[claims.CLAIMS_URI]
    measured = entry(board, ALPHA).overall
    assert measured is not None
    assert 'data-provenance="measured"' not in html and "kl-overall" not in html


def test_leaderboard_points_to_the_claims_board(rendered):
    html = rendered[pages.INDEX_URI]
    assert 'href="claims.html"' in html
    assert "팀이 밝힌 점수" in html and "Teams&#39; claims" in rendered[f"en/{pages.INDEX_URI}"]
