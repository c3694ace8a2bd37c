"""The teams' claims board: self-reported and external figures, never mixed with measured ones.

Every cell here is *declared*: a number a team (or the maintainers, from public sources)
wrote into ``submission.yaml``, with the mode, the shots and the link it came from. The
columns are the benchmarks' names as manifests write them (canonical names where the
manifest format makes them so), the most widely reported first. Figures on leaderboards
run by others (``external:``) are a third kind, labelled external, in their own table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.submission.manifest import ExternalStanding, SelfReportedScore

CLAIMS_URI = "claims.md"


@dataclass(frozen=True)
class Claim:
    """One self-reported figure as a cell shows it."""

    value: float
    setting: str  # "mode · n-shot", "—" where not stated
    mode: str | None
    n_shot: int | None
    source: str
    note: str

    @property
    def text(self) -> str:
        """The figure as the cell writes it (as published: no rounding beyond one decimal)."""
        return display.number(self.value, 1)


def claim(score: SelfReportedScore) -> Claim:
    """The cell of one self-reported score."""
    mode = score.mode.value if score.mode else None
    shots = display.MISSING if score.n_shot is None else f"{display.number(score.n_shot)}-shot"
    setting = f"{mode or display.MISSING} · {shots}"
    return Claim(score.value, setting, mode, score.n_shot, str(score.source), score.note)


@dataclass(frozen=True)
class ClaimRow:
    """One model's claims, one tuple of cells per benchmark column (empty: not reported)."""

    entry: Entry
    cells: tuple[tuple[Claim, ...], ...]

    @property
    def reported(self) -> int:
        """How many of the board's benchmarks this model reports."""
        return sum(1 for cell in self.cells if cell)


@dataclass(frozen=True)
class External:
    """One figure from a leaderboard this project does not run."""

    entry: Entry
    standing: ExternalStanding

    @property
    def value_text(self) -> str:
        return display.number(self.standing.value, 1)

    @property
    def date_text(self) -> str:
        return display.date(self.standing.as_of)


@dataclass(frozen=True)
class ClaimsBoard:
    """The claims table (models × benchmarks) and the external figures."""

    benchmarks: tuple[str, ...]
    rows: tuple[ClaimRow, ...]
    external: tuple[External, ...]

    @property
    def claims(self) -> int:
        """How many self-reported figures the board shows."""
        return sum(len(cell) for row in self.rows for cell in row.cells)


def benchmark_order(entries: tuple[Entry, ...]) -> tuple[str, ...]:
    """Benchmarks by how many models report them, most first; ties by name."""
    counts: Counter[str] = Counter()
    for entry in entries:
        counts.update({score.benchmark for score in entry.submission.manifest.self_reported})
    return tuple(sorted(counts, key=lambda name: (-counts[name], name.casefold())))


def claim_row(entry: Entry, benchmarks: tuple[str, ...]) -> ClaimRow:
    """One model's cells, in the board's column order."""
    scores = entry.submission.manifest.self_reported
    cells = tuple(tuple(claim(s) for s in scores if s.benchmark == name) for name in benchmarks)
    return ClaimRow(entry, cells)


def claims_board(board: Leaderboard) -> ClaimsBoard:
    """The claims board of every entry that reports at least one figure."""
    benchmarks = benchmark_order(board.entries)
    claiming = [entry for entry in board.entries if entry.submission.manifest.self_reported]
    rows = [claim_row(entry, benchmarks) for entry in claiming]
    rows.sort(key=lambda row: (-row.reported, row.entry.submission.manifest.model.name.casefold()))
    external = [
        External(entry, standing)
        for entry in board.entries
        for standing in entry.submission.manifest.external
    ]
    external.sort(key=lambda item: (item.standing.leaderboard, -item.standing.value))
    return ClaimsBoard(benchmarks, tuple(rows), tuple(external))
