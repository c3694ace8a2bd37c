"""A model's results on each suite the site shows, side by side on its page.

When the site scores the submissions on several suites (the plugin's ``suites``, e.g.
ko-global-v2 beside ko-global-v1), a model page shows one block per suite, each headed with
the suite's name and version and giving the model's index, rank and run on that suite's
board alone: indices of two suites measure different tasks, so no figure joins them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kleaderboard.records import RunRecord
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.suites import Suite


@dataclass(frozen=True)
class BoardIndex:
    """One board's entries by submission id, made once per build (a lookup per model page)."""

    suite: Suite
    main: bool
    entries: Mapping[str, Entry]
    ranked: int  # how many models this board ranks


def board_indexes(board: Leaderboard) -> tuple[BoardIndex, ...]:
    """Every board's index, main board first; none when the site shows a single suite."""
    if not board.beside:
        return ()
    return tuple(
        BoardIndex(
            each.suite,
            each is board,
            {entry.id: entry for entry in each.entries},
            sum(1 for entry in each.entries if entry.rank is not None),
        )
        for each in board.boards
    )


@dataclass(frozen=True)
class SuiteResult:
    """One model on one suite's board (measured figures of that suite alone)."""

    suite: Suite
    main: bool  # the site's main board
    entry: Entry  # the model as that board scored it
    ranked: int  # how many models that board ranks
    run: RunRecord | None  # the run the block describes: succeeded, else failed, else earlier version
    run_href: str | None

    @property
    def mode(self) -> str:
        """The mode of the run shown, else the first mode the manifest declares."""
        return self.run.settings.mode if self.run else self.entry.submission.manifest.model.modes[0].value

    @property
    def anchor(self) -> str:
        return f"suite-result-{self.suite.name}"


def suite_results(
    boards: tuple[BoardIndex, ...], entry_id: str, run_hrefs: Mapping[str, str]
) -> tuple[SuiteResult, ...]:
    """The model's block on each board that lists it, in the site's order of suites;
    run_hrefs maps a run id to the link of its published record."""
    results = []
    for board in boards:
        entry = board.entries.get(entry_id)
        if entry is None:
            continue
        run = entry.run or entry.failed_run or entry.previous
        href = run_hrefs.get(run.run_id) if run else None
        results.append(SuiteResult(board.suite, board.main, entry, board.ranked, run, href))
    return tuple(results)


def beside_runs(boards: tuple[BoardIndex, ...], entry_id: str) -> tuple[RunRecord, ...]:
    """The model's succeeded runs on the boards beside the main one (claims pair with these too)."""
    entries = (board.entries.get(entry_id) for board in boards if not board.main)
    return tuple(entry.run for entry in entries if entry is not None and entry.run is not None)


__all__ = ["BoardIndex", "SuiteResult", "beside_runs", "board_indexes", "suite_results"]
