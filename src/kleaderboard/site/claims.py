"""Claims against measurements: a team's self-reported score beside the pipeline's own.

A self-reported score names a benchmark of the canonical catalogue
(``kleaderboard.benchmark_catalogue``). Where the shown run's suite measures that benchmark
in the claim's mode, the model page puts the two side by side with the gap and its error.
The measured value is the mean of the catalogue's tasks for that suite, on the 0-100 scale
the reports use; its error is the standard error of that mean (the tasks' errors combined
as independent); a claim carries no error of its own. The gap is "checked": a declared value
compared with a measurement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kleaderboard import display
from kleaderboard.benchmark_catalogue import catalogue
from kleaderboard.records import RunRecord, TaskScore
from kleaderboard.submission.manifest import SelfReportedScore


@dataclass(frozen=True)
class Measured:
    value: float  # 0-100
    stderr: float | None


@dataclass(frozen=True)
class ClaimRow:
    """One claim and, where the suite measures it, the measurement and the gap (all formatted)."""

    benchmark: str
    mode: str
    claimed: str
    measured: str
    gap: str
    why_unpaired: display.Label | None  # None when paired
    gap_value: float | None = None  # claimed − measured, 0-100 (paired rows): the sort key
    suite: str = ""  # the measurement's suite and version, 'ko-global-v1 v3' (paired rows)
    claimed_value: float | None = None  # the figures unformatted (paired rows), for the downloads
    measurement: Measured | None = None


def measured_value(scores: list[TaskScore]) -> Measured:
    """The unweighted mean of task scores on 0-100, with the standard error of that mean."""
    value = 100 * sum(s.value for s in scores) / len(scores)
    errors = [s.stderr for s in scores]
    if any(e is None for e in errors):
        return Measured(value, None)
    return Measured(value, 100 * math.sqrt(sum(e * e for e in errors if e is not None)) / len(scores))


def _unpaired(claim: SelfReportedScore, mode: str, reason: display.Label) -> ClaimRow:
    return ClaimRow(
        claim.benchmark, mode, display.exact(claim.value), display.MISSING, display.MISSING, reason
    )


def claim_row(claim: SelfReportedScore, run: RunRecord | None) -> ClaimRow:
    """The row of one claim against the shown run, or the reason it has no measurement."""
    mode = claim.mode.value if claim.mode else display.MISSING
    benchmark = catalogue().get(claim.benchmark)
    if benchmark is None or not benchmark.measured_by:
        return _unpaired(claim, mode, display.Label("측정하는 벤치마크 모음 없음", "no suite measures it"))
    if run is None:
        return _unpaired(claim, mode, display.Label("아직 실행 없음", "no run yet"))
    if claim.mode is not None and claim.mode != run.settings.mode:
        ran = run.settings.mode.value
        return _unpaired(claim, mode, display.Label(f"{ran} 모드로 측정함", f"measured in {ran} mode"))
    measurement = benchmark.measurement(run.suite, run.settings.mode)
    by_task = {s.task: s for s in run.scores}
    if measurement is None or any(t not in by_task for t in measurement.tasks):
        return _unpaired(claim, mode, display.Label(f"{run.suite}에 없음", f"not in {run.suite}"))
    got = measured_value([by_task[t] for t in measurement.tasks])
    return ClaimRow(
        claim.benchmark,
        mode,
        display.exact(claim.value),
        display.points(got.value, got.stderr),
        display.points_gap(claim.value - got.value, got.stderr),
        None,
        claim.value - got.value,
        f"{run.suite} v{run.suite_version}",
        claim.value,
        got,
    )


def claim_rows(claims: list[SelfReportedScore], run: RunRecord | None) -> tuple[ClaimRow, ...]:
    """Every claim, the paired ones first (in the manifest's order within each group)."""
    rows = [claim_row(c, run) for c in claims]
    return tuple(sorted(rows, key=lambda r: r.why_unpaired is not None))


def claim_rows_on_suites(
    claims: list[SelfReportedScore], runs: tuple[RunRecord | None, ...]
) -> tuple[ClaimRow, ...]:
    """Every claim against the runs of the suites the site shows (main suite's first): the first
    run that measures it pairs it; otherwise the main run's reason. Paired rows first."""
    rows = []
    for claim in claims:
        tried = [claim_row(claim, run) for run in runs or (None,)]
        rows.append(next((row for row in tried if row.why_unpaired is None), tried[0]))
    return tuple(sorted(rows, key=lambda r: r.why_unpaired is not None))


def largest_gap(claims: list[SelfReportedScore], run: RunRecord | None) -> ClaimRow | None:
    """The paired claim furthest from its measurement (the leaderboard's column); None when no
    claim pairs with the run. Ties keep the manifest's order."""
    paired = [row for row in claim_rows(claims, run) if row.gap_value is not None]
    return max(paired, key=lambda row: abs(row.gap_value or 0.0), default=None)


__all__ = ["ClaimRow", "claim_row", "claim_rows", "claim_rows_on_suites", "largest_gap", "measured_value"]
