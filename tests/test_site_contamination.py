"""The contamination section on model pages and its methodology text (site/contamination.py)."""

from __future__ import annotations

import dataclasses

from kleaderboard.records import Contamination, MembershipSignal, PerturbationScore, PrivateSliceScore
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.site import contamination, pages

SHA = "ab" * 32


def _block(auc: float) -> Contamination:
    return Contamination(
        perturbation=[
            PerturbationScore(
                task="demo_en_facts",
                metric="acc,none",
                published=0.5,
                perturbed=0.375,
                gap=0.125,
                gap_stderr=0.05,
                n_items=40,
                perturbations=["reword"],
            )
        ],
        membership=[
            MembershipSignal(
                task="demo_en_facts",
                statistic=s,
                k=0.2,
                auc=auc,
                n_items=40,
                n_controls=43,
                controls=["private"],
                item_mean=-5.0,
                control_mean=-6.0,
            )
            for s in ("min_k", "min_k_plus_plus")
        ],
        private=[
            PrivateSliceScore(
                task="demo_en_facts", metric="acc,none", value=0.25, stderr=0.1, n_items=3, items_sha256=SHA
            )
        ],
        not_measured=["demo_arith: not multiple choice; no perturbation is defined"],
        requests=321,
        tokens=4000,
        seconds=2.5,
    )


def _with(entry: Entry, auc: float) -> Entry:
    assert entry.run is not None
    run = entry.run.model_copy(update={"schema_version": 3, "contamination": _block(auc)})
    return dataclasses.replace(entry, run=run)


def _scored(board: Leaderboard) -> list[Entry]:
    return [e for e in board.entries if e.run is not None]


def test_a_model_unlike_the_clean_panel_is_flagged_with_its_null_distribution(board: Leaderboard) -> None:
    entries = _scored(board)
    suspect = _with(entries[0], 0.95)
    panel = contamination.NullPanel(
        ("a/x", "b/y", "c/z"),
        {
            ("demo_en_facts", s): (("a/x", 0.48), ("b/y", 0.52), ("c/z", 0.5))
            for s in ("min_k", "min_k_plus_plus")
        },
    )
    view = contamination.contamination_view(suspect, panel)
    # the panel's spread (0.02) is below an AUC's own error on 40 items and 43 controls (0.064)
    assert view is not None and view.flagged and not view.in_panel
    row = view.membership[0]
    assert (row.auc, row.z, row.verdict) == ("0.950", "z +7.1", contamination.UNUSUAL)
    assert row.chart.count("<circle") == 3 and "kl-null-value" in row.chart
    (gap,) = view.gaps
    assert gap.gap == "+0.1250 ± 0.0500"
    (private,) = view.private
    assert private.items_sha256 == SHA[:12] and private.n_items == "3"
    assert private.difference.startswith(("+", "−"))
    options = pages.Options(null_panel=panel)
    korean = pages.model_page(suspect, board.suite, pages.Links(False), options=options)
    assert "오염 증거" in korean and "깨끗한 모델들과 다름" in korean
    text = pages.model_page(suspect, board.suite, pages.Links(False, lang="en"), options=options)
    assert "Contamination evidence" in text and "Contamination evidence" not in korean
    assert "unlike the clean models" in text and "kl-null-chart" in text
    assert "<code>demo_en_facts</code> · Min-K% Prob" in text
    assert "demo_arith: not multiple choice" in text


def test_a_clean_model_is_not_flagged_and_a_thin_panel_gives_no_z(board: Leaderboard) -> None:
    entry = _with(_scored(board)[0], 0.51)
    panel = contamination.NullPanel(
        (), {("demo_en_facts", s): (("a/x", 0.48), ("b/y", 0.52)) for s in ("min_k", "min_k_plus_plus")}
    )
    view = contamination.contamination_view(entry, panel)
    assert view is not None and not view.flagged
    assert view.membership[0].verdict == contamination.ORDINARY
    thin = contamination.NullPanel((), {("demo_en_facts", "min_k"): (("a/x", 0.48),)})
    view = contamination.contamination_view(entry, thin)
    assert (
        view is not None
        and view.membership[0].z == "—"
        and view.membership[0].verdict == contamination.NO_PANEL
    )


def test_the_clean_list_builds_the_panel_leaving_each_model_out(
    board: Leaderboard, tmp_path, monkeypatch
) -> None:
    entries = [_with(e, 0.5 + i / 100) for i, e in enumerate(_scored(board))]
    assert len(entries) >= 2
    assert contamination.read_clean_list(tmp_path) == ()
    (tmp_path / contamination.NULL_FILE).write_text(f"clean:\n  - {entries[0].id}\n  - other/model\n")
    clean = contamination.read_clean_list(tmp_path)
    assert clean == (entries[0].id, "other/model")
    monkeypatch.setattr(contamination, "read_clean_list", lambda root: clean)
    panel = contamination.null_panel(Leaderboard(board.suite, tuple(entries)))
    key = ("demo_en_facts", "min_k")
    assert panel.values[key] == ((entries[0].id, 0.5),)  # listed and on the board with a pass
    assert panel.others(*key, entries[0].id) == []  # a panel model is not its own null
    assert panel.others(*key, entries[1].id) == [0.5]
    assert panel.others("demo_ko_facts", "min_k", entries[1].id) == []  # each task its own null
    view = contamination.contamination_view(entries[0], panel)
    assert view is not None and view.in_panel


def test_no_section_without_a_pass(board: Leaderboard) -> None:
    assert contamination.contamination_view(_scored(board)[0], contamination.NullPanel((), {})) is None


def test_methodology_explains_method_limits_and_false_positives(board: Leaderboard) -> None:
    text = pages.methodology_page(board.suite, pages.Links(False, lang="en"))
    assert "{: #contamination }" in text
    for words in (
        "Min-K% Prob (Shi et al., ICLR 2024)",
        "False positives",
        "z ≥ 3 (published items more familiar",
        "private",
        "Limit",
        "In the demo (2026-12-02)",
    ):
        assert words in text


def test_the_private_slice_shows_how_the_rank_would_change(board: Leaderboard) -> None:
    # Public and private scores of three models on one task: the one best on the public items
    # is last on the private ones, so it falls two places; a tie shares a rank.
    entry = _with(_scored(board)[0], 0.5)
    slices = {
        "demo_en_facts": (
            contamination.SliceScores(entry.id, 0.9, 0.25),
            contamination.SliceScores("b/y", 0.6, 0.5),
            contamination.SliceScores("c/z", 0.5, 0.5),
        )
    }
    panel = contamination.NullPanel((), {}, slices)
    assert panel.ranks("demo_en_facts", entry.id) == (1, 3, 3)
    assert panel.ranks("demo_en_facts", "c/z") == (3, 1, 3)
    assert panel.ranks("demo_en_facts", "nobody/else") is None
    view = contamination.contamination_view(entry, panel)
    assert view is not None
    (row,) = view.private
    assert (row.public_rank, row.private_rank, row.rank_change, row.rank_fell) == (
        "1 / 3",
        "3 / 3",
        "−2",
        True,
    )
    text = pages.model_page(
        entry, board.suite, pages.Links(False, lang="en"), options=pages.Options(null_panel=panel)
    )
    assert "Rank, private items" in text and "kl-rank-fell" in text
    alone = contamination.contamination_view(entry, contamination.NullPanel((), {}))
    assert alone is not None and alone.private[0].rank_change == "—"


def test_the_board_panel_collects_every_models_private_scores(board: Leaderboard) -> None:
    entries = [_with(e, 0.5) for e in _scored(board)]
    panel = contamination.null_panel(Leaderboard(board.suite, tuple(entries)))
    rows = panel.slices["demo_en_facts"]
    assert {r.model_id for r in rows} == {e.id for e in entries}  # clean or not, every model with a pass
    assert all(r.private == 0.25 for r in rows)
